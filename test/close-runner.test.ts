import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import type { AppContext } from "../src/app/context.js";
import { listLoans, originate, pay } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { type Configuration, openApp } from "../src/cli/compose.js";
import { repoRoot } from "./support/run-cli.js";
import { type StoreKind, storeKinds, type TestDatabase, testDatabase } from "./support/stores.js";

/** The business clock: 2026-05-01 noon in Shanghai. */
const now = Date.UTC(2026, 4, 1, 4);
const loanCount = 24;
const childTimeoutMs = 60_000;

/** A small portfolio: loans originated on different dates, some paying, some late. */
async function seed(ctx: AppContext): Promise<void> {
  await createProduct(ctx, {
    id: "flat",
    method: "flat_fee",
    periodFeeRate: "0.006",
    installments: [3, 6],
    graceDays: 3,
    lateCharges: [
      { kind: "penalty_daily", rate: "0.0005" },
      { kind: "late_fee_fixed", amount: "15.00" },
    ],
  });
  await registerBorrower(ctx, { id: "b1", timezone: "Asia/Shanghai" });
  for (let i = 0; i < loanCount; i++) {
    const date = `2026-01-${String(10 + (i % 15)).padStart(2, "0")}`;
    const loan = await originate(ctx, {
      orderId: `o-${i}`,
      borrowerId: "b1",
      productId: "flat",
      principal: `${1000 + i * 37}.00`,
      installments: i % 2 ? 3 : 6,
      date,
    });
    if (!loan.ok) throw new Error(loan.error.message);
    if (i % 3 === 0)
      await pay(
        ctx,
        loan.value.loan.id,
        { amount: "400.00", at: "2026-02-20T02:00:00Z" },
        { scope: "seed", key: `p-${i}` },
      );
  }
}

async function open(
  kind: StoreKind,
  name: string,
  dir: string,
  databases: Map<string, TestDatabase>,
): Promise<{ ctx: AppContext; config: Configuration }> {
  const database = databases.get(name) ?? testDatabase(kind);
  databases.set(name, database);
  const config = {
    databaseUrl: await database.url(),
    sqlitePath: join(dir, `${name}.db`),
    keyFile: join(dir, "shared.key"),
  };
  let counter = 0;
  const ctx = await openApp(config, {
    clock: { now: () => now },
    ids: { next: (p) => `${p}_${String(++counter).padStart(6, "0")}` },
  });
  return { ctx, config };
}

/** Everything observable about the portfolio: every loan view and the ledger's balances. */
async function snapshot(ctx: AppContext) {
  const loans = await listLoans(ctx, {}, { limit: 500 });
  const balances = await ctx.store.transaction((tx) => tx.ledger.balances());
  return {
    loans: loans.map(({ ...view }) => view),
    balances: Object.fromEntries([...balances].map(([k, v]) => [k, v.toString()])),
  };
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
    await seed(reference.ctx);
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
    await seed(catchUp.ctx);
    expect((await closeBusinessDay(catchUp.ctx, "2026-04-20", { batchSize: 7 })).ok).toBe(true);
    expect(await snapshot(catchUp.ctx)).toEqual(expected);
    await catchUp.ctx.store.close();

    const crashed = await open(kind, "crashed", dir, urls);
    await seed(crashed.ctx);
    await crashed.ctx.store.close();
    const job = { ...crashed.config, date: "2026-04-20", batchSize: 2, now };
    const killAfter = 1 + Math.floor(Math.random() * (loanCount / 2 - 2));
    expect((await runChild(job, killAfter)).signal).toBe("SIGKILL");
    expect((await runChild(job)).code).toBe(0);
    const after = await open(kind, "crashed", dir, urls);
    expect(await snapshot(after.ctx)).toEqual(expected);
    expect(await after.ctx.store.transaction((tx) => tx.ledger.total())).toBe(0n);
    await after.ctx.store.close();
  });
});
