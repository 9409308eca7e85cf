import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rateLimitEnv, trustProxyEnv } from "../src/http/hardening.js";
import { repoRoot, spawnFenqi } from "./support/run-cli.js";

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
      // The daily close runs on each jurisdiction's own calendar.
      expect(output).toContain("daily close of CN loans at 00:30 Asia/Shanghai");
      expect(output).toContain("daily close of US loans at 00:30 America/New_York");
      expect((await fetch(`${base}/docs/json`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("fenqi serve with a bad rate limit, proxy or close setting", () => {
  const cases: readonly (readonly [string, string])[] = [
    [rateLimitEnv, "abc"],
    [rateLimitEnv, "0"],
    [rateLimitEnv, "99999999"],
    [trustProxyEnv, "1"],
    [trustProxyEnv, "yes"],
    [trustProxyEnv, "10.0.0.0/33"],
    ["FENQI_CLOSE_AT", "7:30"],
    ["FENQI_CLOSE_AT", "24:00"],
  ];
  it.each(cases)(
    "refuses %s=%s with exit 2 and one line naming it, before opening anything",
    (name, value) => {
      const dir = mkdtempSync(join(tmpdir(), "fenqi-serve-bad-"));
      const env = {
        [rateLimitEnv]: "",
        [trustProxyEnv]: "",
        FENQI_CLOSE_AT: "",
        [name]: value,
        FENQI_DB: join(dir, "fenqi.db"),
        PORT: "",
        LOG_LEVEL: "silent",
      };
      const result = spawnFenqi(["serve", "--port", "0"], env);
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^fenqi serve: ${name}: ${name} must be `));
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      // Nothing started or opened: no banner, no store, no key file.
      expect(result.stdout).toBe("");
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it("names both variables when both are bad", () => {
    const dir = mkdtempSync(join(tmpdir(), "fenqi-serve-bad-"));
    const result = spawnFenqi(["serve", "--port", "0"], {
      [rateLimitEnv]: "12.5",
      [trustProxyEnv]: "2",
      FENQI_DB: join(dir, "fenqi.db"),
      PORT: "",
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines.map((line) => line.split(":")[1]?.trim())).toEqual([rateLimitEnv, trustProxyEnv]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
