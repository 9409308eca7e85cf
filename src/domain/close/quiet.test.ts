import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type CivilDate, compareDates } from "../calendar/civil-date.js";
import type { LoanState } from "../loan/loan.js";
import { applyPayment } from "../loan/payment.js";
import type { Product } from "../product/product.js";
import { closeDay, closeThrough } from "./close-day.js";
import { cnProduct, originateL1 } from "./fixtures.js";
import { closeQuietly, principalOutstanding, quietThrough } from "./quiet.js";

const product = cnProduct;

const flat = product({
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [3],
  graceDays: 3,
  lateCharges: [{ kind: "penalty_daily", rate: "0.0005" }],
});

function originate(p: Product, principal = 300000n, origination: CivilDate = "2026-01-10") {
  return originateL1(p, principal, 3, origination).loan;
}

describe("quiet dates", () => {
  it("runs up to the day before the next due date, then through the grace, then stops", () => {
    const loan = originate(flat);
    // Closed through the day before origination: quiet until the day before the first due date.
    expect(quietThrough(loan, flat)).toBe("2026-02-09");
    const due = closeThrough(loan, flat, "2026-02-10").loan;
    // Due today and unpaid: tomorrow it is 1 day past due, a bucket change.
    expect(quietThrough(due, flat)).toBe("2026-02-10");
    const late1 = closeThrough(due, flat, "2026-02-11").loan;
    expect(late1.delinquency.dpd).toBe(1);
    // DPD 2 and 3 are inside the grace of 3 days; DPD 4 charges the first penalty.
    expect(quietThrough(late1, flat)).toBe("2026-02-13");
    const late4 = closeThrough(late1, flat, "2026-02-14").loan;
    expect(quietThrough(late4, flat)).toBe("2026-02-14");
  });

  it("starts again after a payment brings the loan current", () => {
    const late = closeThrough(originate(flat), flat, "2026-02-20").loan;
    const paid = applyPayment(late, flat, "2026-02-21", 200000n).loan;
    const closed = closeThrough(paid, flat, "2026-02-21").loan;
    expect(closed.delinquency.dpd).toBe(0);
    // The payment reached the second installment and charged it early: no `due` event on its due
    // date, so the due date itself is quiet; the day after, what is left of it is past due.
    expect(closed.installments[1]?.charged).toBe(true);
    expect(quietThrough(closed, flat)).toBe("2026-03-10");
  });

  it("keeps a charged-off loan quiet between its bucket changes and due dates", () => {
    const p = cnProduct({
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3],
      chargeOffDays: 30,
      lateCharges: [{ kind: "penalty_daily", rate: "0.001" }],
    });
    // Bill 1 fell due Feb 10: DPD 30 on Mar 12, the charge-off; M2 from Mar 13.
    const chargedOff = closeThrough(originate(p), p, "2026-03-12").loan;
    expect(chargedOff.status).toBe("charged_off");
    expect(quietThrough(chargedOff, p)).toBe("2026-03-12");
    const m2 = closeThrough(chargedOff, p, "2026-03-13").loan;
    // Then quiet until bill 3 falls due on Apr 10 (principal only, but a `due` event).
    expect(quietThrough(m2, p)).toBe("2026-04-09");
    const quiet = closeQuietly(m2, "2026-03-14");
    expect(quiet.delinquency.principalDays).toBe(m2.delinquency.principalDays);
    expect(quiet).toEqual(closeDay(m2, p, "2026-03-14").loan);
  });

  it("is never quiet for a loan that is settled or cancelled", () => {
    const settled: LoanState = { ...originate(flat), status: "settled" };
    expect(quietThrough(settled, flat)).toBe(settled.delinquency.closedThrough);
  });

  it("counts exactly what the close counts on a quiet date", () => {
    const loan = closeThrough(originate(flat), flat, "2026-01-20").loan;
    const quiet = closeQuietly(loan, "2026-01-21");
    expect(quiet.delinquency.principalDays - loan.delinquency.principalDays).toBe(300000n);
    expect(quiet).toEqual(closeDay(loan, flat, "2026-01-21").loan);
  });
});

describe("quiet dates against the close", () => {
  const productArb = fc
    .record({
      grace: fc.integer({ min: 0, max: 5 }),
      tolerance: fc.constantFrom("0", "1.00"),
      chargeOffDays: fc.constantFrom(40, 180),
      late: fc.constantFrom(
        [{ kind: "penalty_daily", rate: "0.0005" }],
        [{ kind: "late_fee_fixed", amount: "50.00" }],
        [
          { kind: "late_fee_percent", rate: "0.2" },
          { kind: "penalty_daily", rate: "0.002" },
        ],
      ),
      method: fc.constantFrom("flat_fee", "equal_installment"),
    })
    .map((r) =>
      product({
        method: r.method,
        ...(r.method === "flat_fee" ? { periodFeeRate: "0.006" } : { annualRate: "0.18" }),
        installments: [3],
        graceDays: r.grace,
        arrearsTolerance: r.tolerance,
        chargeOffDays: r.chargeOffDays,
        lateCharges: r.late,
      }),
    );

  it("every date it calls quiet closes with counting only: no entries, no events", () => {
    let quietDates = 0;
    let chargedOffQuietDates = 0;
    fc.assert(
      fc.property(
        productArb,
        fc.bigInt({ min: 1000n, max: 5000000n }),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 150 }),
            amount: fc.bigInt({ min: 1n, max: 2000000n }),
          }),
          { maxLength: 4 },
        ),
        fc.integer({ min: 0, max: 150 }),
        (p, principal, payments, stopDay) => {
          let loan = originate(p, principal);
          const sorted = [...payments].sort((a, b) => a.day - b.day);
          for (const payment of sorted) {
            if (payment.day > stopDay || loan.status !== "open") break;
            const date = addDays("2026-01-10", payment.day);
            loan = closeThrough(loan, p, addDays(date, -1)).loan;
            loan = applyPayment(loan, p, date, payment.amount).loan;
          }
          loan = closeThrough(loan, p, addDays("2026-01-10", stopDay)).loan;
          const through = quietThrough(loan, p);
          expect(compareDates(through, loan.delinquency.closedThrough)).toBeGreaterThanOrEqual(0);
          let current = loan;
          for (
            let date = addDays(loan.delinquency.closedThrough, 1);
            compareDates(date, through) <= 0 && quietDates < 1_000_000;
            date = addDays(date, 1)
          ) {
            const closed = closeDay(current, p, date);
            expect(closed.entries).toEqual([]);
            expect(closed.events).toEqual([]);
            expect(closeQuietly(current, date)).toEqual(closed.loan);
            if (current.status === "charged_off") chargedOffQuietDates++;
            // What the store keeps for the next quiet close stays right along the way.
            expect(principalOutstanding(closed.loan)).toBe(principalOutstanding(loan));
            current = closed.loan;
            quietDates++;
          }
        },
      ),
      { numRuns: 300 },
    );
    // Not vacuous: the runs met quiet dates, in numbers.
    expect(quietDates).toBeGreaterThan(1000);
    expect(chargedOffQuietDates).toBeGreaterThan(50);
  });
});
