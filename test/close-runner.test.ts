import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import type { AppContext } from "../src/app/context.js";
import { listLoans } from "../src/app/loans/loans.js";
import type { Configuration } from "../src/cli/compose.js";
import { addDays } from "../src/domain/calendar/civil-date.js";
import {
  loanStates,
  openCounted,
  portfolioNow,
  seedPortfolio,
  snapshot,
} from "./support/portfolio.js";
import { repoRoot } from "./support/run-cli.js";
import { type StoreKind, storeKinds, type TestDatabase, testDatabase } from "./support/stores.js";

const loanCount = 24;
const childTimeoutMs = 60_000;

async function open(
  kind: StoreKind,
  name: string,
  dir: string,
  databases: Map<string, TestDatabase>,
): Promise<{ ctx: AppContext; config: Configuration }> {
  const database = databases.get(name) ?? testDatabase(kind);
  databases.set(name, database);
  return openCounted(await database.url(), dir, name);
}

function runChild(
  job: object,
  killAfter?: number,
): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "test/support/close-child.ts"), JSON.stringify(job)],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), childTimeoutMs);
    let batches = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      batches += (chunk.toString("utf8").match(/^closed /gm) ?? []).length;
      if (killAfter !== undefined && batches >= killAfter) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe.each(storeKinds)("the daily close runner on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-close-"));
  const urls = new Map<string, TestDatabase>();
  afterAll(async () => {
    for (const database of urls.values()) await database.drop();
  });

  it("gives the same portfolio one date at a time, in one catch-up, after a crash, and run twice", async () => {
    const reference = await open(kind, "reference", dir, urls);
    await seedPortfolio(reference.ctx, loanCount);
    for (const date of ["2026-03-01", "2026-03-15", "2026-04-20"])
      expect((await closeBusinessDay(reference.ctx, date, { batchSize: 5 })).ok).toBe(true);
    const expected = await snapshot(reference.ctx);
    expect(expected.loans.some((l) => l.bucket !== "current")).toBe(true);
    expect(expected.loans.some((l) => l.charged.late !== "0.00")).toBe(true);
    // The collections queue: loans by bucket, straight from the store's filter.
    for (const bucket of ["current", "M1", "M2", "M3"] as const) {
      const queue = await listLoans(reference.ctx, { bucket }, { limit: 500 });
      expect(queue.map((l) => l.id)).toEqual(
        expected.loans.filter((l) => l.bucket === bucket).map((l) => l.id),
      );
    }
    // Closing a closed date again changes nothing.
    expect(
      (await closeBusinessDay(reference.ctx, "2026-04-20")).ok && (await snapshot(reference.ctx)),
    ).toEqual(expected);
    await reference.ctx.store.close();

    const catchUp = await open(kind, "catchup", dir, urls);
    await seedPortfolio(catchUp.ctx, loanCount);
    expect((await closeBusinessDay(catchUp.ctx, "2026-04-20", { batchSize: 7 })).ok).toBe(true);
    expect(await snapshot(catchUp.ctx)).toEqual(expected);
    await catchUp.ctx.store.close();

    const crashed = await open(kind, "crashed", dir, urls);
    await seedPortfolio(crashed.ctx, loanCount);
    await crashed.ctx.store.close();
    const job = { ...crashed.config, date: "2026-04-20", batchSize: 2, now: portfolioNow };
    const killAfter = 1 + Math.floor(Math.random() * (loanCount / 2 - 2));
    expect((await runChild(job, killAfter)).signal).toBe("SIGKILL");
    expect((await runChild(job)).code).toBe(0);
    const after = await open(kind, "crashed", dir, urls);
    expect(await snapshot(after.ctx)).toEqual(expected);
    expect(await after.ctx.store.transaction((tx) => tx.ledger.total())).toBe(0n);
    await after.ctx.store.close();
  });

  it("gives the same portfolio after a crash in a daily close that runs mostly set-based", async () => {
    // Closed every day (the seeded payments of Feb 20 have closed their loans through Feb 19),
    // so on the last date many loans are quiet and closed in id chunks.
    const lastDate = "2026-02-21";
    const closeDaily = async (ctx: AppContext, through: string) => {
      let quiet = 0;
      for (let date = "2026-01-10"; date <= through; date = addDays(date, 1)) {
        const report = await closeBusinessDay(ctx, date, { batchSize: 4, quietChunkSize: 5 });
        if (!report.ok) throw new Error(report.error.message);
        quiet = report.value.quiet;
      }
      return quiet;
    };
    const reference = await open(kind, "daily-reference", dir, urls);
    await seedPortfolio(reference.ctx, loanCount);
    // Enough quiet loans on the last date that a kill after up to three chunks lands mid-pass.
    expect(await closeDaily(reference.ctx, lastDate)).toBeGreaterThanOrEqual(6);
    const expected = await snapshot(reference.ctx);
    const expectedStates = await loanStates(reference.ctx);
    await reference.ctx.store.close();

    const crashed = await open(kind, "daily-crashed", dir, urls);
    await seedPortfolio(crashed.ctx, loanCount);
    await closeDaily(crashed.ctx, addDays(lastDate, -1));
    await crashed.ctx.store.close();
    const job = {
      ...crashed.config,
      date: lastDate,
      batchSize: 2,
      quietChunkSize: 3,
      now: portfolioNow,
    };
    // Kill it after one to three committed chunks: inside the quiet pass.
    const killAfter = 1 + Math.floor(Math.random() * 3);
    expect((await runChild(job, killAfter)).signal).toBe("SIGKILL");
    expect((await runChild(job)).code).toBe(0);
    const after = await open(kind, "daily-crashed", dir, urls);
    expect(await snapshot(after.ctx)).toEqual(expected);
    // The state the views leave out too: principal-days (the cap's base) and versions.
    expect(await loanStates(after.ctx)).toEqual(expectedStates);
    expect(await after.ctx.store.transaction((tx) => tx.ledger.total())).toBe(0n);
    await after.ctx.store.close();
  });
});
