import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import type { AppContext } from "../src/app/context.js";
import { originate, pay } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { addDays, type CivilDate, compareDates } from "../src/domain/calendar/civil-date.js";
import type { LoanState } from "../src/domain/loan/loan.js";
import { loanStates, openCounted, seedPortfolio } from "./support/portfolio.js";
import { type StoreKind, storeKinds, type TestDatabase, testDatabase } from "./support/stores.js";

const loanCount = 24;
const firstDate: CivilDate = "2026-01-10";
const lastDate: CivilDate = "2026-04-20";
/** A payment made between closes, after the paying loan has been closed quietly for a while. */
const midPayment = { date: "2026-02-25" as CivilDate, amount: "250.00" };

/** Every loan as the store holds it, without the version (one write per date or one in all). */
async function states(ctx: AppContext): Promise<Omit<LoanState, "version">[]> {
  return (await loanStates(ctx)).map(({ version: _version, ...loan }) => loan);
}

async function balances(ctx: AppContext): Promise<Record<string, string>> {
  const map = await ctx.store.transaction((tx) => tx.ledger.balances());
  return Object.fromEntries([...map].map(([account, amount]) => [account, amount.toString()]));
}

/** The loan that pays mid-way: one that was current and quiet before the payment date. */
async function payingLoan(ctx: AppContext): Promise<string> {
  const loan = (await loanStates(ctx)).find((l) => l.installments.length === 6);
  if (!loan) throw new Error("the portfolio has a six-installment loan");
  return loan.id;
}

async function payMidway(ctx: AppContext, loanId: string): Promise<void> {
  const paid = await pay(
    ctx,
    loanId,
    { amount: midPayment.amount, at: `${midPayment.date}T02:00:00Z` },
    { scope: "test", key: "mid" },
  );
  if (!paid.ok) throw new Error(paid.error.message);
}

describe.each(storeKinds)("the set-based close of quiet dates on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-quiet-"));
  const databases: TestDatabase[] = [];
  const open = async (name: string) => {
    const database = testDatabase(kind);
    databases.push(database);
    return (await openCounted(await database.url(), dir, name)).ctx;
  };
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it("closing every date, mostly set-based, leaves the state of one catch-up in the domain step", async () => {
    // Daily: every date from the first origination on, a payment in between.
    const daily = await open("daily");
    await seedPortfolio(daily, loanCount);
    const payer = await payingLoan(daily);
    let quiet = 0;
    let closed = 0;
    for (let date = firstDate; compareDates(date, lastDate) <= 0; date = addDays(date, 1)) {
      if (date === midPayment.date) await payMidway(daily, payer);
      const report = await closeBusinessDay(daily, date, { batchSize: 5, quietChunkSize: 7 });
      if (!report.ok) throw new Error(report.error.message);
      quiet += report.value.quiet;
      closed += report.value.loans;
    }
    // Two thirds of this portfolio go late and stay late (a daily penalty is never quiet), yet
    // every loan is quiet until its first due date and the paying third stays current.
    expect(quiet).toBeGreaterThan(closed / 4);
    expect(quiet).toBeLessThan(closed);

    // Catch-up: no close until the payment (which closes its own loan up to the day before),
    // then one close of the last date: every loan through the domain step, no quiet date.
    const catchUp = await open("catchup");
    await seedPortfolio(catchUp, loanCount);
    await payMidway(catchUp, payer);
    const report = await closeBusinessDay(catchUp, lastDate, { batchSize: 7 });
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.quiet).toBe(0);

    expect(await states(daily)).toEqual(await states(catchUp));
    expect(await balances(daily)).toEqual(await balances(catchUp));

    // Run again: nothing is quiet any more (every loan is closed through the date), nothing changes.
    const before = await states(daily);
    const again = await closeBusinessDay(daily, lastDate);
    expect(again.ok && again.value).toMatchObject({ loans: 0, quiet: 0 });
    expect(await states(daily)).toEqual(before);
    await daily.store.close();
    await catchUp.store.close();
  });

  it("closes charged-off loans set-based between their events, as the domain step would", async () => {
    const seed = async (ctx: AppContext) => {
      const product = await createProduct(ctx, {
        id: "short",
        method: "flat_fee",
        periodFeeRate: "0.006",
        installments: [6],
        graceDays: 3,
        chargeOffDays: 20,
        lateCharges: [{ kind: "penalty_daily", rate: "0.0005" }],
      });
      if (!product.ok) throw new Error(product.error.message);
      await registerBorrower(ctx, { id: "b1", timezone: "Asia/Shanghai" });
      for (let i = 0; i < 6; i++) {
        const loan = await originate(ctx, {
          orderId: `co-${i}`,
          borrowerId: "b1",
          productId: "short",
          principal: `${2000 + 100 * i}.00`,
          installments: 6,
          date: addDays("2026-01-10", i),
        });
        if (!loan.ok) throw new Error(loan.error.message);
      }
    };
    const last: CivilDate = "2026-06-30";
    const daily = await open("co-daily");
    await seed(daily);
    let chargedOffQuiet = 0;
    for (let date: CivilDate = firstDate; compareDates(date, last) <= 0; date = addDays(date, 1)) {
      const allChargedOff = (await loanStates(daily)).every((l) => l.status === "charged_off");
      const report = await closeBusinessDay(daily, date, { quietChunkSize: 4 });
      if (!report.ok) throw new Error(report.error.message);
      // Once every loan is charged off, every quiet close is a charged-off loan's.
      if (allChargedOff) chargedOffQuiet += report.value.quiet;
    }
    const catchUp = await open("co-catchup");
    await seed(catchUp);
    expect((await closeBusinessDay(catchUp, last)).ok).toBe(true);
    const states = await loanStates(daily);
    expect(states.every((l) => l.status === "charged_off")).toBe(true);
    expect(chargedOffQuiet).toBeGreaterThan(100);
    expect(states.map(({ version: _v, ...l }) => l)).toEqual(
      (await loanStates(catchUp)).map(({ version: _v, ...l }) => l),
    );
    expect(await balances(daily)).toEqual(await balances(catchUp));
    await daily.store.close();
    await catchUp.store.close();
  });
});
