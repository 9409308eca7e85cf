import { join } from "node:path";
import { registerBorrower } from "../../src/app/borrowers.js";
import type { AppContext } from "../../src/app/context.js";
import { listLoans, originate, pay } from "../../src/app/loans/loans.js";
import { createProduct } from "../../src/app/products.js";
import { type Configuration, openApp } from "../../src/cli/compose.js";
import type { LoanState } from "../../src/domain/loan/loan.js";

/** The business clock of the test portfolios: 2026-05-01 noon in Shanghai. */
export const portfolioNow = Date.UTC(2026, 4, 1, 4);

/**
 * A small portfolio for close tests: `count` loans originated on different dates in January,
 * every third one paying 400.00 on Feb 20, the rest late, under a flat-fee product with a daily
 * penalty and a one-time late fee.
 */
export async function seedPortfolio(ctx: AppContext, count: number): Promise<void> {
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
  for (let i = 0; i < count; i++) {
    const loan = await originate(ctx, {
      orderId: `o-${i}`,
      borrowerId: "b1",
      productId: "flat",
      principal: `${1000 + i * 37}.00`,
      installments: i % 2 ? 3 : 6,
      date: `2026-01-${String(10 + (i % 15)).padStart(2, "0")}`,
    });
    if (!loan.ok) throw new Error(loan.error.message);
    if (i % 3 === 0) {
      const key = { scope: "seed", key: `p-${i}` };
      await pay(ctx, loan.value.loan.id, { amount: "400.00", at: "2026-02-20T02:00:00Z" }, key);
    }
  }
}

/**
 * Opens a store of the test portfolio with the fixed clock and counted ids, so that two stores
 * seeded the same way hold the same ids and can be compared.
 */
export async function openCounted(
  databaseUrl: string | undefined,
  dir: string,
  name: string,
  now: () => number = () => portfolioNow,
): Promise<{ ctx: AppContext; config: Configuration }> {
  const config = {
    databaseUrl,
    sqlitePath: join(dir, `${name}.db`),
    keyFile: join(dir, "shared.key"),
  };
  let counter = 0;
  const ctx = await openApp(config, {
    clock: { now },
    ids: { next: (p) => `${p}_${String(++counter).padStart(6, "0")}` },
  });
  return { ctx, config };
}

/** Everything observable about a portfolio: every loan view and the ledger's balances. */
export async function snapshot(ctx: AppContext) {
  const loans = await listLoans(ctx, {}, { limit: 500 });
  const balances = await ctx.store.transaction((tx) => tx.ledger.balances());
  return {
    loans,
    balances: Object.fromEntries([...balances].map(([k, v]) => [k, v.toString()])),
  };
}

/** Every loan as the store holds it, all of its state (the views leave out principal-days). */
export function loanStates(ctx: AppContext): Promise<LoanState[]> {
  return ctx.store.transaction((tx) => tx.loans.list({}, { limit: 500 }));
}
