import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PgBossCloseQueue } from "../src/adapters/jobs/pg-boss-close-queue.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import { planClose } from "../src/app/close/close-partitioned.js";
import type { AppContext } from "../src/app/context.js";
import { type Configuration, closeQueueTimingFrom } from "../src/cli/compose.js";
import { openCounted, seedPortfolio, snapshot } from "./support/portfolio.js";
import { repoRoot, spawnFenqi } from "./support/run-cli.js";
import { type TestDatabase, testDatabase } from "./support/stores.js";

const closeDate = "2026-04-20";
const loanCount = 40;
const partitions = 4;
const childTimeoutMs = 30_000;

/**
 * Short queue timings, so a dead worker's partition expires and is retried within seconds:
 * the same variables an operator would set, handed to every process of the test.
 */
const queueEnv = {
  FENQI_CLOSE_EXPIRE_SECONDS: "3",
  FENQI_CLOSE_RETRY_DELAY_SECONDS: "1",
  FENQI_CLOSE_MAINTENANCE_SECONDS: "1",
  FENQI_CLOSE_POLL_SECONDS: "0.5",
};

/** Opens a fresh PostgreSQL database with the fixed clock and counted ids (same ids in each). */
async function open(
  name: string,
  dir: string,
  databases: TestDatabase[],
): Promise<{ ctx: AppContext; config: Configuration & { databaseUrl: string } }> {
  const database = testDatabase("postgres");
  databases.push(database);
  const databaseUrl = await database.url();
  if (databaseUrl === undefined) throw new Error("a PostgreSQL database has a URL");
  const { ctx, config } = await openCounted(databaseUrl, dir, name);
  return { ctx, config: { ...config, databaseUrl } };
}

interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  readonly line: (pattern: RegExp) => Promise<string>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
  stdout: string;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...queueEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), childTimeoutMs);
  const handle: Child = {
    process: child,
    stdout: "",
    stderr: "",
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = handle.stdout.split("\n").find((l) => pattern.test(l));
          if (match !== undefined) resolve(match);
        };
        child.stdout?.on("data", check);
        child.on("exit", () => reject(new Error(`exited before ${pattern}: ${handle.stderr}`)));
        check();
      }),
    exit: new Promise((resolve) =>
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      }),
    ),
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    handle.stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    handle.stderr += chunk.toString("utf8");
  });
  return handle;
}

describe("the daily close partitioned across workers on postgres", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-workers-"));
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it("finishes every partition when a worker dies holding one, as one process would", async () => {
    const reference = await open("reference", dir, databases);
    await seedPortfolio(reference.ctx, loanCount);
    expect((await closeBusinessDay(reference.ctx, closeDate)).ok).toBe(true);
    const expected = await snapshot(reference.ctx);
    expect(expected.loans.some((l) => l.bucket !== "current")).toBe(true);
    expect(expected.loans.some((l) => l.charged.late !== "0.00")).toBe(true);
    await reference.ctx.store.close();

    const shared = await open("shared", dir, databases);
    await seedPortfolio(shared.ctx, loanCount);
    const { databaseUrl, keyFile, sqlitePath } = shared.config;
    const queue = await PgBossCloseQueue.open(
      databaseUrl,
      closeQueueTimingFrom({ ...process.env, ...queueEnv }),
    );
    try {
      // The plan's ranges hold every loan to close exactly once. The portfolio's products are
      // CN's, and close-day closes jurisdiction by jurisdiction: the plan is CN's.
      const planned = await planClose(shared.ctx, queue, closeDate, partitions, "CN");
      expect(planned).toHaveLength(partitions);
      const held = await Promise.all(
        planned.map((p) =>
          shared.ctx.store.transaction((tx) =>
            tx.loans.listForClose(closeDate, p.range, 500, p.jurisdiction),
          ),
        ),
      );
      const heldIds = held.flatMap((loans) => loans.map((l) => l.id));
      expect(heldIds).toHaveLength(loanCount);
      expect(new Set(heldIds).size).toBe(loanCount);
      for (const loans of held) expect(loans.length).toBe(loanCount / partitions);

      // A worker takes a partition, commits one batch of it and dies holding it.
      const doomed = start(
        [
          "--import",
          "tsx",
          join(repoRoot, "test/support/close-worker-child.ts"),
          JSON.stringify({ databaseUrl, keyFile, sqlitePath, batchSize: 2, holdMs: 60_000 }),
        ],
        {},
      );
      await doomed.line(/^batch /);
      doomed.process.kill("SIGKILL");
      expect((await doomed.exit).signal).toBe("SIGKILL");

      // A second worker and close-day (which plans again, idempotently, and works too) finish.
      const env = { DATABASE_URL: databaseUrl, FENQI_KEY_FILE: keyFile };
      const worker = start([join(repoRoot, "bin/fenqi.js"), "worker"], env);
      const closeDay = start(
        [
          join(repoRoot, "bin/fenqi.js"),
          "close-day",
          "--date",
          closeDate,
          "--partitions",
          String(partitions),
        ],
        env,
      );
      const closed = await closeDay.exit;
      worker.process.kill("SIGTERM");
      const stopped = await worker.exit;
      expect({ code: closed.code, stderr: closeDay.stderr }).toMatchObject({ code: 0 });
      expect(closeDay.stdout).toContain(
        `closed ${closeDate} in ${partitions} partitions for loans under CN products`,
      );
      // The US close of the date ran too, over no loans.
      expect(closeDay.stdout).toContain("for loans under US products");
      expect({ code: stopped.code, stderr: worker.stderr }).toMatchObject({ code: 0 });
      expect(await queue.progress(closeDate, "CN")).toEqual({
        total: partitions,
        done: partitions,
        failed: 0,
      });
      // The dead worker's partition was failed by timeout and taken over, once.
      expect(await retriedJobs(databaseUrl)).toEqual([1]);
    } finally {
      await queue.close();
    }

    expect(await snapshot(shared.ctx)).toEqual(expected);
    expect(await shared.ctx.store.transaction((tx) => tx.ledger.total())).toBe(0n);
    await shared.ctx.store.close();
  }, 40_000);
});

/** The retry counts of the close jobs that were retried. */
async function retriedJobs(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ retry_count: number }>(
      "select retry_count from pgboss.job where name = 'fenqi-close' and retry_count > 0",
    );
    return rows.map((r) => r.retry_count);
  } finally {
    await client.end();
  }
}

describe("fenqi worker and close-day options", () => {
  it("refuses to start a worker without PostgreSQL", () => {
    const r = spawnFenqi(["worker"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("fenqi worker: DATABASE_URL");
  });

  it("names the bad option of a worker or a close", () => {
    expect(spawnFenqi(["worker", "--concurrency", "0"]).code).toBe(2);
    const r = spawnFenqi(["close-day", "--partitions", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--partitions");
  });

  it("keeps closing in one process on SQLite", () => {
    const r = spawnFenqi(["close-day", "--date", "2026-01-05"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("closed 2026-01-05 for 0 loans under CN products");
    expect(r.stdout).toContain("closed 2026-01-05 for 0 loans under US products");
    expect(r.code).toBe(0);
  });
});
