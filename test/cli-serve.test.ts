import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/run-cli.js";

/** How long the server may take to start (it compiles from source and seeds a store). */
const startTimeoutMs = 30_000;

describe("fenqi serve with no configuration", () => {
  it("seeds ./fenqi.db with the demo data and serves the demo loans with the printed key", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "fenqi-serve-"));
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent" };
    delete env.FENQI_DB;
    delete env.DATABASE_URL;
    delete env.PORT;
    const child = spawn(
      process.execPath,
      [join(repoRoot, "bin/fenqi.js"), "serve", "--port", "0"],
      { cwd, env },
    );
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(
          () => reject(new Error(`no start within ${startTimeoutMs} ms:\n${text}`)),
          startTimeoutMs,
        );
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          if (/fenqi serving on http:\/\/\S+/.test(text)) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}:\n${text}`)));
      });
      const base = /fenqi serving on (http:\/\/\S+)/.exec(output)?.[1];
      const key = /Bearer (fq_\S+)/.exec(output)?.[1];
      expect(key).toBeDefined();
      const response = await fetch(`${base}/api/v1/loans?limit=100`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: { orderId: string }[] };
      expect(body.items.map((l) => l.orderId).sort()).toEqual(
        ["L1", "L2", "L3", "L4", "L5", "L6"].map((id) => `scenario-${id}`),
      );
      expect((await fetch(`${base}/docs/json`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
