/**
 * Payments through the payment use case (allocation, ledger, audit, idempotency, one
 * transaction each) against a baseline measured in the same run on the same store: a raw SQL
 * transfer — one journal row and two posting rows in one transaction. SQLite with one writer;
 * PostgreSQL with 1 and 4 concurrent writers (each writer its own loans, so they never race).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring, generateKeyBytes } from "../src/adapters/crypto/keyring.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import { registerBorrower } from "../src/app/borrowers.js";
import type { AppContext } from "../src/app/context.js";
import { originate, pay } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { testDatabase } from "../test/support/stores.js";

/** Loans per writer: payments rotate over them so one loan's row is not the only one touched. */
const loansPerWriter = 50;
/** How long each measurement runs. */
const budgetMs = Number(process.env.BENCH_MS ?? 3000);
/** The business clock: 2026-03-01 noon in Shanghai, after the loans' first due date. */
const now = Date.UTC(2026, 2, 1, 4);

async function context(store: SqlStore): Promise<AppContext> {
  let counter = 0;
  const keyring = createKeyring({
    currentMasterKeyId: "bench",
    masterKeys: new Map([["bench", generateKeyBytes()]]),
    lookupKey: generateKeyBytes(),
  });
  return { store, keyring, clock: { now: () => now }, ids: { next: (p) => `${p}_${++counter}` } };
}

async function seed(ctx: AppContext, writers: number): Promise<string[][]> {
  await createProduct(ctx, {
    id: "flat",
    method: "flat_fee",
    periodFeeRate: "0.006",
    installments: [12],
  });
  await registerBorrower(ctx, { id: "b1", timezone: "Asia/Shanghai", phone: "+8613800000001" });
  const loans: string[][] = [];
  for (let w = 0; w < writers; w++) {
    const mine: string[] = [];
    for (let i = 0; i < loansPerWriter; i++) {
      const r = await originate(ctx, {
        orderId: `o-${w}-${i}-${Math.random()}`,
        borrowerId: "b1",
        productId: "flat",
        principal: "600000.00",
        installments: 12,
        date: "2026-01-10",
      });
      if (!r.ok) throw new Error(r.error.message);
      mine.push(r.value.loan.id);
    }
    loans.push(mine);
  }
  return loans;
}

/** Runs `writers` concurrent loops of `one(writer, i)` for the budget; returns operations per second. */
async function rate(
  writers: number,
  one: (writer: number, i: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; performance.now() - started < budgetMs; i++) {
        await one(writer, i);
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - started);
}

let keySeq = 0;

async function measure(
  store: SqlStore,
  writers: number,
  loans: string[][],
  ctx: AppContext,
): Promise<{ useCase: number; baseline: number }> {
  const baseline = await rate(writers, async (writer, i) => {
    await store.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto("journal_entries")
        .values({
          loan_id: loans[writer]?.[i % loansPerWriter] as string,
          operation_id: `raw-${writer}-${i}`,
          kind: "payment",
          business_date: "2026-03-01",
          at: BigInt(now),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("postings")
        .values([
          { entry_id: id, seq: 0n, account: "lender:cash_clearing", amount: 100n },
          {
            entry_id: id,
            seq: 1n,
            account: `loan:${loans[writer]?.[i % loansPerWriter]}:principal`,
            amount: -100n,
          },
        ])
        .execute();
    });
  });
  const useCase = await rate(writers, async (writer, i) => {
    const loanId = loans[writer]?.[i % loansPerWriter] as string;
    const r = await pay(ctx, loanId, { amount: "1.00" }, { scope: "bench", key: `k-${++keySeq}` });
    if (!r.ok) throw new Error(r.error.message);
  });
  return { useCase, baseline };
}

function line(name: string, m: { useCase: number; baseline: number }): string {
  return `  ${name.padEnd(11)} use case ${Math.round(m.useCase).toString().padStart(6)}/s   raw transfer ${Math.round(m.baseline).toString().padStart(6)}/s   ratio ${(m.useCase / m.baseline).toFixed(2)}`;
}

export async function run(): Promise<void> {
  console.log(`payments: ${budgetMs} ms per measurement, ${loansPerWriter} loans per writer`);
  const dir = mkdtempSync(join(tmpdir(), "fenqi-bench-"));
  const sqliteStore = await openStore({ sqlitePath: join(dir, "bench.db") });
  const sqliteCtx = await context(sqliteStore);
  const sqlite = await measure(sqliteStore, 1, await seed(sqliteCtx, 1), sqliteCtx);
  await sqliteStore.close();
  console.log(line("sqlite", sqlite));

  const db = testDatabase("postgres");
  const pgStore = await openStore({ databaseUrl: await db.url() });
  try {
    const pgCtx = await context(pgStore);
    const loans = await seed(pgCtx, 4);
    const pg1 = await measure(pgStore, 1, loans, pgCtx);
    console.log(line("postgres-1", pg1));
    const pg4 = await measure(pgStore, 4, loans, pgCtx);
    console.log(line("postgres-4", pg4));
    console.log(
      `payments: sqlite ${Math.round(sqlite.useCase)}/s (ratio ${(sqlite.useCase / sqlite.baseline).toFixed(2)}), ` +
        `postgres-4 ${Math.round(pg4.useCase)}/s (ratio ${(pg4.useCase / pg4.baseline).toFixed(2)})`,
    );
  } finally {
    await pgStore.close();
    await db.drop();
  }
}
