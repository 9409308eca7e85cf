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
    // Channels configured but unreachable: the server must start and serve regardless.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: "silent",
      SMTP_URL: "smtp://127.0.0.1:9",
      SMS_URL: "http://127.0.0.1:9/messages",
    };
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
          if (/fenqi serving on http:\/\/\S+[\s\S]*overdue handling: .*\n/.test(text)) {
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
      const orders = body.items.map((l) => l.orderId).sort();
      expect(orders.filter((o) => o.startsWith("scenario-"))).toEqual(
        ["L1", "L2", "L3", "L4", "L5", "L6"].map((id) => `scenario-${id}`),
      );
      // Two loans dated from today give the default strategy something to send today.
      expect(orders.filter((o) => o.startsWith("demo-live-"))).toHaveLength(2);
      expect(output).toMatch(
        /overdue handling: strategy each pack's default ladder; channels email, sms, in_app, letter, phone/,
      );
      expect((await fetch(`${base}/docs/json`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
