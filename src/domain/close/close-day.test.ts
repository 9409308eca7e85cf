import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type CivilDate, compareDates } from "../calendar/civil-date.js";
import { balances, type JournalEntry } from "../ledger/journal.js";
import type { LoanEvent } from "../loan/events.js";
import type { LoanState } from "../loan/loan.js";
import { applyPayment } from "../loan/payment.js";
import { formatAmount } from "../money/amount.js";
import { CNY } from "../money/currency.js";
import type { Product } from "../product/product.js";
import { closeDay, closeThrough } from "./close-day.js";
import { cnProduct, originateL1 } from "./fixtures.js";

const product = cnProduct;

const penalty = product({
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [12],
  graceDays: 3,
  lateCharges: [{ kind: "penalty_daily", rate: "0.0005" }],
});

interface Run {
  loan: LoanState;
  entries: JournalEntry[];
  events: LoanEvent[];
}

function start(
  p: Product,
  principal = 600000n,
  count = 12,
  origination: CivilDate = "2026-01-10",
): Run {
  const o = originateL1(p, principal, count, origination);
  return { loan: o.loan, entries: [...o.entries], events: [] };
}

/** Closes every date from the day after the last closed one through `to` (the catch-up). */
function closeTo(run: Run, p: Product, to: CivilDate): Run {
  const r = closeThrough(run.loan, p, to);
  return {
    loan: r.loan,
    entries: [...run.entries, ...r.entries],
    events: [...run.events, ...r.events],
  };
}

function pay(run: Run, p: Product, date: CivilDate, amount: bigint): Run {
  const r = applyPayment(run.loan, p, date, amount);
  return {
    loan: r.loan,
    entries: [...run.entries, ...r.entries],
    events: [...run.events, ...r.events],
  };
}

const money = (x: bigint) => formatAmount(x, CNY);
const of = (events: readonly LoanEvent[], type: LoanEvent["type"]) =>
  events.filter((e) => e.type === type);

describe("daily close", () => {
  it("ages an unpaid flat-fee plan for 40 days: M1, then M2 on day 31, a daily penalty after grace", () => {
    const run = closeTo(start(penalty), penalty, "2026-03-22");
    expect(run.loan.delinquency).toMatchObject({ dpd: 40, bucket: "M2", reported: true });
    expect(of(run.events, "bucket")).toEqual([
      { type: "bucket", date: "2026-02-11", loan: "L1", from: "current", to: "M1" },
      { type: "bucket", date: "2026-03-13", loan: "L1", from: "M1", to: "M2" },
    ]);
    // Reported once, at the first close past the 3-day grace.
    expect(of(run.events, "report")).toEqual([
      { type: "report", date: "2026-02-14", loan: "L1", dpd: 4 },
    ]);
    // round(0.0005 × 500.00) = 0.25 a day: bill 1 on days 4–40 (37 days), bill 2 (due Mar 10) on days 4–12 (9).
    const late = of(run.events, "late_charge") as Extract<LoanEvent, { type: "late_charge" }>[];
    expect(late.filter((e) => e.n === 1)).toHaveLength(37);
    expect(late.filter((e) => e.n === 2)).toHaveLength(9);
    expect(new Set(late.map((e) => e.amount))).toEqual(new Set([25n]));
    expect(late[0]?.date).toBe("2026-02-14");
    expect(money(run.loan.installments.reduce((s, i) => s + i.late, 0n))).toBe("11.50");
    expect(balances(run.entries).get("loan:L1:late")).toBe(1150n);
  });

  it("holds a bureau report while the gate is shut and reports at the first close it opens (US-CREDIT-REPORT)", () => {
    const gate = (date: CivilDate) => compareDates(date, "2026-02-25") >= 0;
    const held = closeThrough(start(penalty).loan, penalty, "2026-02-24", gate);
    expect(of(held.events, "report")).toEqual([]);
    expect(held.loan.delinquency.reported).toBe(false);
    const opened = closeThrough(held.loan, penalty, "2026-03-01", gate);
    expect(of(opened.events, "report")).toEqual([
      { type: "report", date: "2026-02-25", loan: "L1", dpd: 15 },
    ]);
    // The gate changes only when the report goes out; charges and ageing are those of no gate.
    const ungated = closeThrough(start(penalty).loan, penalty, "2026-03-01");
    expect(opened.loan.installments).toEqual(ungated.loan.installments);
    expect(opened.loan.delinquency).toEqual(ungated.loan.delinquency);
  });

  it("charges nothing and reports nothing for a payment inside the grace period", () => {
    let run = closeTo(start(penalty), penalty, "2026-02-11");
    run = pay(run, penalty, "2026-02-12", 53600n);
    run = closeTo(run, penalty, "2026-03-09");
    expect(of(run.events, "late_charge")).toEqual([]);
    expect(of(run.events, "report")).toEqual([]);
    expect(run.loan.delinquency).toMatchObject({ dpd: 0, bucket: "current" });
    expect(of(run.events, "bucket").map((e) => (e as { to: string }).to)).toEqual([
      "M1",
      "current",
    ]);
  });

  it("counts a few cents left unpaid as overdue unless the tolerance covers them", () => {
    for (const [tolerance, dpd] of [
      ["0.00", 10],
      ["1.00", 0],
    ] as const) {
      const p = product({
        method: "flat_fee",
        periodFeeRate: "0.006",
        installments: [12],
        arrearsTolerance: tolerance,
      });
      let run = closeTo(start(p), p, "2026-02-10");
      run = pay(run, p, "2026-02-10", 53597n); // 0.03 short
      run = closeTo(run, p, "2026-02-20");
      expect(run.loan.delinquency.dpd).toBe(dpd);
    }
  });

  it("clamps a late fee at the all-in cap, to the cent, and records the clamp", () => {
    // 24 % a year over 3 months: the interest alone takes most of the room under the 24 % cap.
    const p = product({
      method: "equal_installment",
      annualRate: "0.24",
      installments: [3],
      lateCharges: [{ kind: "late_fee_fixed", amount: "500.00" }],
    });
    const run = closeTo(start(p, 100000n, 3), p, "2026-02-11");
    // Σ principal_d: 1000.00 on each of the 32 closes Jan 10 … Feb 10, and Feb 11 → 33 days.
    // cap = round(0.24 × 1000.00 × 33 / 365) = round(21.698) = 21.70; bill 1 interest 20.00 → room 1.70.
    const late = of(run.events, "late_charge");
    expect(late).toEqual([
      {
        type: "late_charge",
        date: "2026-02-11",
        loan: "L1",
        n: 1,
        kind: "late_fee_fixed",
        amount: 170n,
      },
    ]);
    expect(of(run.events, "clamp")).toEqual([
      { type: "clamp", date: "2026-02-11", loan: "L1", amount: 49830n },
    ]);
    expect(run.loan.delinquency.lateClamped).toBe(49830n);
    // A one-time fee is never charged again, even when the cap grows.
    const later = closeTo(run, p, "2026-03-11");
    expect(
      of(later.events, "late_charge").filter((e) => (e as { n: number }).n === 1),
    ).toHaveLength(1);
  });

  it("counts days past due across month ends from a month-end origination", () => {
    const p = product({ method: "flat_fee", periodFeeRate: "0.006", installments: [3] });
    const run = closeTo(start(p, 300000n, 3, "2026-01-31"), p, "2026-03-02");
    expect(run.loan.installments.map((i) => i.due)).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
    ]);
    expect(run.loan.delinquency.dpd).toBe(2);
  });

  it("charges off at chargeOffDays, then charges nothing more", () => {
    const p = product({
      method: "equal_installment",
      annualRate: "0.12",
      installments: [3],
      chargeOffDays: 30,
      lateCharges: [{ kind: "penalty_daily", rate: "0.001" }],
    });
    const run = closeTo(start(p, 300000n, 3), p, "2026-04-30");
    expect(run.loan.status).toBe("charged_off");
    expect(of(run.events, "charge_off")).toHaveLength(1);
    expect(of(run.events, "charge_off")[0]?.date).toBe("2026-03-12");
    // Bill 1 fell due Feb 10, so DPD reaches 30 on Mar 12. Bill 2 fell due (Mar 10) before the
    // charge-off and keeps its interest; bill 3 falls due after it with principal only.
    const [, second, third] = run.loan.installments;
    expect(second?.interest).toBe(2010n);
    expect(third).toMatchObject({ interest: 0n, fee: 0n, charged: true });
    // A payment after the charge-off is a recovery: it pays what is owed and charges nothing new.
    const recovered = pay(closeTo(start(p, 300000n, 3), p, "2026-03-20"), p, "2026-03-21", 300000n);
    expect(recovered.loan.status).toBe("charged_off");
    expect(recovered.loan.installments[2]).toMatchObject({ charged: true, interest: 0n, fee: 0n });
    expect(recovered.events.filter((e) => e.type === "due")).toEqual(
      of(closeTo(start(p, 300000n, 3), p, "2026-03-20").events, "due"),
    );
    // The loss booked at the charge-off is released by what the recovery paid: the allowance
    // stays equal to what is still receivable.
    const receivable = (b: Map<string, bigint>) =>
      [...b].filter(([a]) => a.startsWith("loan:L1:")).reduce((s, [, v]) => s + v, 0n);
    const chargedOff = closeTo(start(p, 300000n, 3), p, "2026-03-20");
    const atChargeOff = balances(chargedOff.entries);
    const loss = atChargeOff.get("lender:write_off_expense") ?? 0n;
    expect(loss).toBe(receivable(atChargeOff));
    expect(atChargeOff.get("lender:charge_off_allowance")).toBe(-loss);
    const partly = pay(chargedOff, p, "2026-03-21", 100000n);
    const afterPart = balances(partly.entries);
    expect(afterPart.get("lender:write_off_expense")).toBe(loss - 100000n);
    expect(afterPart.get("lender:charge_off_allowance")).toBe(-receivable(afterPart));
    // Paid in full and more: no loss is left; the excess is the borrower's credit, not income.
    const full = balances(pay(chargedOff, p, "2026-03-21", loss + 5000n).entries);
    expect(receivable(full)).toBe(0n);
    expect(full.get("lender:write_off_expense")).toBe(0n);
    expect(full.get("lender:charge_off_allowance")).toBe(0n);
    expect(full.get("lender:borrower_credit")).toBe(-5000n);
    const lateAfter = of(run.events, "late_charge").filter(
      (e) => compareDates(e.date, "2026-03-12") > 0,
    );
    expect(lateAfter).toEqual([]);
  });

  it("changes nothing when a closed date is closed again", () => {
    const run = closeTo(start(penalty), penalty, "2026-02-20");
    const again = closeDay(run.loan, penalty, "2026-02-20");
    expect(again.loan).toBe(run.loan);
    expect(again.entries).toEqual([]);
  });
});

describe("daily close invariants", () => {
  const productArb = fc
    .record({
      rate: fc.constantFrom("0.06", "0.18", "0.24"),
      grace: fc.integer({ min: 0, max: 5 }),
      late: fc.constantFrom(
        [{ kind: "penalty_daily", rate: "0.0005" }],
        [{ kind: "penalty_daily", rate: "0.01" }],
        [{ kind: "late_fee_fixed", amount: "50.00" }],
        [
          { kind: "late_fee_percent", rate: "0.2" },
          { kind: "penalty_daily", rate: "0.002" },
        ],
      ),
    })
    .map((r) =>
      product({
        method: "equal_installment",
        annualRate: r.rate,
        installments: [3, 6],
        graceDays: r.grace,
        lateCharges: r.late,
      }),
    );

  it("never takes everything charged above the cap through late charges, whatever is paid", () => {
    fc.assert(
      fc.property(
        productArb,
        fc.bigInt({ min: 1000n, max: 5000000n }),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 120 }),
            amount: fc.bigInt({ min: 1n, max: 200000n }),
          }),
          { maxLength: 4 },
        ),
        (p, principal, payments) => {
          let run = start(p, principal, 3);
          const byDay = new Map(payments.map((x) => [x.day, x.amount]));
          for (let day = 0; day <= 130; day++) {
            const date = addDays("2026-01-10", day);
            const amount = byDay.get(day);
            if (amount && run.loan.status === "open") run = pay(run, p, date, amount);
            const before = run.loan;
            const r = closeDay(run.loan, p, date);
            run = {
              loan: r.loan,
              entries: [...run.entries, ...r.entries],
              events: [...run.events, ...r.events],
            };
            const lateToday =
              r.loan.installments.reduce((s, i) => s + i.late, 0n) -
              before.installments.reduce((s, i) => s + i.late, 0n);
            if (lateToday > 0n) {
              const charged = r.loan.installments.reduce(
                (s, i) => s + i.late + (i.charged ? i.interest + i.fee : 0n),
                0n,
              );
              const cap =
                (r.loan.delinquency.principalDays * 2400n * 2n + 10000n * 365n) /
                (10000n * 365n * 2n);
              expect(charged <= cap + 1n).toBe(true);
            }
          }
          expect([...balances(run.entries).values()].reduce((a, b) => a + b, 0n)).toBe(0n);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps a charged-off loan's allowance equal to what is still receivable, whatever is recovered", () => {
    let recoveries = 0;
    fc.assert(
      fc.property(
        productArb.map((p) => ({ ...p, chargeOffDays: 20 })),
        fc.bigInt({ min: 1000n, max: 5000000n }),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 150 }),
            amount: fc.bigInt({ min: 1n, max: 3000000n }),
          }),
          { maxLength: 5 },
        ),
        (p, principal, payments) => {
          let run = start(p, principal, 3);
          const byDay = new Map(payments.map((x) => [x.day, x.amount]));
          for (let day = 0; day <= 150; day++) {
            const date = addDays("2026-01-10", day);
            const amount = byDay.get(day);
            if (amount && run.loan.status === "charged_off") recoveries++;
            if (amount) run = pay(run, p, date, amount);
            run = closeTo(run, p, date);
            if (run.loan.status !== "charged_off") continue;
            const b = balances(run.entries);
            const receivable = [...b]
              .filter(([account]) => account.startsWith("loan:L1:"))
              .reduce((sum, [, v]) => sum + v, 0n);
            expect(b.get("lender:charge_off_allowance")).toBe(-receivable);
          }
        },
      ),
      { numRuns: 100 },
    );
    // Not vacuous: payments reached charged-off loans.
    expect(recoveries).toBeGreaterThan(20);
  });

  it("catching up several dates at once is closing them one by one", () => {
    fc.assert(
      fc.property(
        productArb,
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 10 }),
        (p, days, gap) => {
          const base = closeTo(start(p, 300000n, 3), p, addDays("2026-01-10", days));
          const target = addDays(base.loan.delinquency.closedThrough, gap);
          const together = closeThrough(base.loan, p, target);
          let loan = base.loan;
          const events: LoanEvent[] = [];
          for (
            let d = addDays(loan.delinquency.closedThrough, 1);
            compareDates(d, target) <= 0;
            d = addDays(d, 1)
          ) {
            const r = closeDay(loan, p, d);
            loan = r.loan;
            events.push(...r.events);
          }
          expect({ ...together.loan, version: 0 }).toEqual({ ...loan, version: 0 });
          expect(together.events).toEqual(events);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("closing a date twice is closing it once", () => {
    fc.assert(
      fc.property(productArb, fc.integer({ min: 0, max: 100 }), (p, days) => {
        const run = closeTo(start(p, 300000n, 3), p, addDays("2026-01-10", days));
        const again = closeDay(run.loan, p, run.loan.delinquency.closedThrough);
        expect(again.loan).toEqual(run.loan);
        expect(again.events).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
