import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../src/cli/commands/simulate.js";
import { repoRoot, spawnFenqi } from "./support/run-cli.js";

/**
 * `FENQI_HOUSE_RULES` at the command line (docs/overdue-handling.md "House rules"): a file that
 * cannot be read, is not JSON or loosens a pack stops every command that judges contacts before
 * it opens anything, exit 2, one line per problem naming the variable and the field; a good one
 * is what serve and policy explain judge by.
 */

/** How long the server may take to start (it compiles from source). */
const startTimeoutMs = 30_000;

const goodRules = {
  CN: { ref: "acme-cn@1", window: { from: "09:00", to: "21:00" } },
};

function houseFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-house-file-"));
  const file = join(dir, "house-rules.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** Runs `args` with `FENQI_HOUSE_RULES=file` on a store folder that must stay empty. */
function refused(args: readonly string[], file: string) {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-house-store-"));
  const result = spawnFenqi(args, {
    FENQI_HOUSE_RULES: file,
    FENQI_DB: join(dir, "fenqi.db"),
    FENQI_RATE_LIMIT_PER_MINUTE: "",
    FENQI_TRUST_PROXY: "",
    FENQI_CLOSE_AT: "",
    PORT: "",
    LOG_LEVEL: "silent",
  });
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  // Nothing started or opened: no banner, no store, no key file.
  expect(result.stdout).toBe("");
  expect(readdirSync(dir)).toEqual([]);
  return result.stderr.split("\n").filter((line) => line !== "");
}

describe("fenqi serve with FENQI_HOUSE_RULES", () => {
  it("refuses a window looser than the pack with exit 2, naming the variable and the field", () => {
    const file = houseFile({ CN: { ref: "acme-cn@1", window: { from: "07:00", to: "21:00" } } });
    expect(refused(["serve", "--port", "0"], file)).toEqual([
      "fenqi serve: FENQI_HOUSE_RULES: CN.window.from opens before the pack (CN@1 allows 08:00–22:00) [house.looser]",
    ]);
  });

  it("names every bad field, one line each, and a bad setting beside them", () => {
    const file = houseFile({
      CN: { ref: "acme-cn@1", conversationsPerDayMax: 5, colour: "red" },
      US: { ref: "acme-us@1", window: { from: "9:00", to: "20:00" } },
    });
    const dir = mkdtempSync(join(tmpdir(), "fenqi-house-store-"));
    const result = spawnFenqi(["serve", "--port", "0"], {
      FENQI_HOUSE_RULES: file,
      FENQI_CLOSE_AT: "7:30",
      FENQI_DB: join(dir, "fenqi.db"),
      PORT: "",
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines.map((line) => line.split(": ").slice(1, 3).join(": "))).toEqual([
      "FENQI_CLOSE_AT: FENQI_CLOSE_AT must be a time HH:MM (00:00 to 23:59) or off [close_at.invalid]",
      "FENQI_HOUSE_RULES: CN.colour is not a known field [field.unknown]",
      "FENQI_HOUSE_RULES: US.window.from must be a local time HH:MM from 00:00 to 24:00 [field.format]",
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a missing file and a file that is not JSON", () => {
    const missing = join(mkdtempSync(join(tmpdir(), "fenqi-house-none-")), "nowhere.json");
    expect(refused(["serve", "--port", "0"], missing)).toEqual([
      `fenqi serve: FENQI_HOUSE_RULES: ${missing}: cannot read the file (ENOENT) [file.unreadable]`,
    ]);
    const broken = houseFile('{ "CN": { "ref": "acme@1", }\n}');
    expect(refused(["serve", "--port", "0"], broken)).toEqual([
      `fenqi serve: FENQI_HOUSE_RULES: ${broken}: the file is not valid JSON (line 1, column 28) [file.json]`,
    ]);
  });

  it("starts with good house rules and says which are in force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fenqi-house-serve-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FENQI_HOUSE_RULES: houseFile(goodRules),
      FENQI_DB: join(dir, "fenqi.db"),
      DATABASE_URL: "",
      LOG_LEVEL: "silent",
      PORT: "",
    };
    const child = spawn(
      process.execPath,
      [join(repoRoot, "bin/fenqi.js"), "serve", "--port", "0"],
      { cwd: dir, env },
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
          if (/overdue handling: .*\n/.test(text)) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}:\n${text}`)));
      });
      expect(output).toContain("house rules: CN acme-cn@1 (FENQI_HOUSE_RULES)\n");
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("other commands that judge with FENQI_HOUSE_RULES", () => {
  const looser = { US: { ref: "acme-us@1", callsPerDebtMax: 8 } };
  const line =
    "FENQI_HOUSE_RULES: US.callsPerDebtMax must be at most the pack's 7 (US@1) [house.looser]";

  it("fenqi worker refuses a looser file before it looks for its database", () => {
    expect(refused(["worker"], houseFile(looser))).toEqual([`fenqi worker: ${line}`]);
  });

  it("fenqi audit replay refuses a looser file before it opens the store", () => {
    expect(refused(["audit", "replay"], houseFile(looser))).toEqual([
      `fenqi audit replay: ${line}`,
    ]);
  });

  it("fenqi policy explain judges by the house rules in force, and refuses a looser file", () => {
    const attempt = houseFile({
      jurisdiction: "CN",
      attempt: { channel: "sms", to: "borrower", at: "2026-03-21T08:30:00+08:00" },
      recipient: { timezones: ["Asia/Shanghai"] },
    });
    const bare = spawnFenqi(["policy", "explain", attempt], { FENQI_HOUSE_RULES: "" });
    expect(bare.stdout).toContain("decision:   allow: no rule stands in the way (CN@1)");
    const housed = spawnFenqi(["policy", "explain", attempt, "--json"], {
      FENQI_HOUSE_RULES: houseFile(goodRules),
    });
    expect(housed.code, housed.stderr).toBe(0);
    expect(JSON.parse(housed.stdout)).toMatchObject({
      pack: "CN@1",
      house: "acme-cn@1",
      outcome: "defer",
      untilLocal: "2026-03-21 09:00",
      rules: [{ id: "CN-TIME-WINDOW" }],
    });
    expect(refused(["policy", "explain", attempt], houseFile(looser))).toEqual([
      `fenqi policy explain: ${line}`,
    ]);
  });
});

describe("fenqi simulate with a scenario's house rules", () => {
  const scenario = (house?: unknown) => ({
    jurisdiction: "CN",
    start: "2026-03-01",
    end: "2026-03-02",
    strategy: null,
    ...(house === undefined ? {} : { house }),
    products: [{ id: "flat", method: "flat_fee", periodFeeRate: "0.006", installments: [12] }],
    borrowers: [{ id: "b1", timezone: "Asia/Shanghai", phone: "+8613800000001" }],
    events: [
      {
        at: "2026-03-01",
        type: "originate",
        loan: "L1",
        borrower: "b1",
        product: "flat",
        principal: "6000.00",
        installments: 12,
      },
      {
        at: "2026-03-02T08:30:00+08:00",
        type: "contact",
        loan: "L1",
        channel: "phone",
        to: "borrower",
      },
    ],
  });

  it("judges the scenario's contacts under its house rules, as FENQI_HOUSE_RULES would", async () => {
    const bare = await simulate(scenario());
    expect(bare.ok && bare.value.decisions).toEqual([
      expect.objectContaining({ outcome: "allow", pack: "CN@1" }),
    ]);
    expect(bare.ok && bare.value.decisions[0]).not.toHaveProperty("house");
    const housed = await simulate(scenario(goodRules.CN));
    expect(housed.ok && housed.value).toMatchObject({
      house: "acme-cn@1",
      decisions: [
        {
          outcome: "defer",
          until: "2026-03-02T01:00:00Z",
          rules: ["CN-TIME-WINDOW"],
          pack: "CN@1",
          house: "acme-cn@1",
        },
      ],
    });
  });

  it("refuses looser house rules naming the field", async () => {
    const looser = await simulate(
      scenario({ ref: "acme@1", window: { from: "07:00", to: "21:00" } }),
    );
    expect(looser.ok ? [] : looser.error.map((p) => `${p.field}: ${p.code}`)).toEqual([
      "house.window.from: house.looser",
    ]);
  });
});
