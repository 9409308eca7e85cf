import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount } from "../money/amount.js";
import { CNY } from "../money/currency.js";
import { parseRate, type Rate } from "../money/rate.js";
import { divRound, type RoundingMode } from "../money/rounding.js";
import { monthlyRate } from "./annuity.js";
import { disclose } from "./disclosure.js";
import { buildSchedule, interestFunction, scheduleAmounts } from "./schedule.js";
import type { Method, ScheduleTerms } from "./terms.js";

function rate(text: string): Rate {
  const r = parseRate(text, "rate");
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function terms(
  method: Method,
  annual: string,
  fee = "0",
  rounding: RoundingMode = "half_even",
): ScheduleTerms {
  return { method, annualRate: rate(annual), periodFeeRate: rate(fee), rounding };
}

const money = (xs: readonly bigint[]) => xs.map((x) => formatAmount(x, CNY));
const totalsOf = (s: ReturnType<typeof scheduleAmounts>) =>
  s.principal.map((p, k) => p + (s.interest[k] ?? 0n) + (s.fee[k] ?? 0n));

describe("equal_installment (等額本息)", () => {
  it("matches Fineract: 8000.00 at 10 %, 4 months", () => {
    const s = scheduleAmounts(terms("equal_installment", "0.10"), 800000n, 4);
    expect(money(totalsOf(s))).toEqual(["2041.84", "2041.84", "2041.84", "2041.84"]);
    expect(money(s.principal)).toEqual(["1975.17", "1991.63", "2008.23", "2024.97"]);
    expect(money(s.interest)).toEqual(["66.67", "50.21", "33.61", "16.87"]);
    expect(disclose(800000n, totalsOf(s)).apr).toBe("10.00");
  });

  it("matches Fineract: 100.00 at 9.4822 %, 6 months", () => {
    const s = scheduleAmounts(terms("equal_installment", "0.094822"), 10000n, 6);
    expect(money(totalsOf(s))).toEqual(["17.13", "17.13", "17.13", "17.13", "17.13", "17.13"]);
    expect(money(s.interest)).toEqual(["0.79", "0.66", "0.53", "0.40", "0.27", "0.13"]);
  });

  it("ends the term early where the rounded installment repays a tiny principal before the last", () => {
    // 100.00 at 5 % over 360 months: the exact installment 0.5368 rounds to 0.54, and 359
    // installments of 0.54 would repay more than 100.00.
    const s = scheduleAmounts(terms("equal_installment", "0.05"), 10000n, 360);
    expect(s.principal.length).toBeLessThan(360);
    expect(s.principal.reduce((a, b) => a + b, 0n)).toBe(10000n);
    const totals = totalsOf(s);
    expect(new Set(totals.slice(0, -1))).toEqual(new Set([54n]));
    expect((totals.at(-1) ?? 0n) <= 54n).toBe(true);
  });

  it("with a zero rate is equal_principal with no interest", () => {
    const s = scheduleAmounts(terms("equal_installment", "0"), 100000n, 3);
    expect(money(s.principal)).toEqual(["333.33", "333.33", "333.34"]);
    expect(money(s.interest)).toEqual(["0.00", "0.00", "0.00"]);
  });

  it("rounds the installment in the product's mode", () => {
    // 599.10 at 20 %: the first interest is exactly 9.985 (DESIGN.md example).
    const even = scheduleAmounts(terms("equal_installment", "0.20", "0", "half_even"), 59910n, 3);
    const up = scheduleAmounts(terms("equal_installment", "0.20", "0", "half_up"), 59910n, 3);
    expect(even.interest[0]).toBe(998n);
    expect(up.interest[0]).toBe(999n);
  });
});

describe("equal_principal (等額本金)", () => {
  it("puts floor(P/n) in each installment and the remainder in the last", () => {
    const s = scheduleAmounts(terms("equal_principal", "0.12"), 100000n, 3);
    expect(money(s.principal)).toEqual(["333.33", "333.33", "333.34"]);
    // 1000.00 × 1 % = 10.00; 666.67 × 1 % = 6.6667 → 6.67; 333.34 × 1 % = 3.3334 → 3.33.
    expect(money(s.interest)).toEqual(["10.00", "6.67", "3.33"]);
  });
});

describe("flat_fee (手續費分期)", () => {
  it("charges round(P × periodFeeRate) on every installment: 6000.00 × 0.006 × 12 → 536.00", () => {
    const s = scheduleAmounts(terms("flat_fee", "0", "0.006"), 600000n, 12);
    expect(new Set(money(totalsOf(s)))).toEqual(new Set(["536.00"]));
    const d = disclose(600000n, totalsOf(s));
    expect([d.apr, d.ear]).toEqual(["13.03", "13.84"]);
  });
});

describe("buildSchedule", () => {
  it("dates installments from the original day of month", () => {
    const rows = buildSchedule(terms("flat_fee", "0", "0.006"), 600000n, 4, "2026-01-31");
    expect(rows.map((r) => r.due)).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
    ]);
    expect(rows[0]).toEqual({
      n: 1,
      due: "2026-02-28",
      principal: 150000n,
      interest: 0n,
      fee: 3600n,
      total: 153600n,
    });
    const leap = buildSchedule(terms("equal_principal", "0.12"), 600000n, 2, "2024-01-31");
    expect(leap.map((r) => r.due)).toEqual(["2024-02-29", "2024-03-31"]);
  });
});

const methodArb = fc.constantFrom<Method>("equal_installment", "equal_principal", "flat_fee");
const rateArb = fc.integer({ min: 0, max: 3600 }).map((bp) => (bp / 10000).toFixed(4));
const termsArb = fc
  .record({
    method: methodArb,
    rate: rateArb,
    rounding: fc.constantFrom<RoundingMode>("half_even", "half_up"),
  })
  .map(({ method, rate: r, rounding }) =>
    method === "flat_fee"
      ? terms(method, "0", (Number(r) / 12).toFixed(6), rounding)
      : terms(method, r, "0", rounding),
  );

describe("schedule invariants", () => {
  it("principal parts sum to P, balances end at zero, no part is negative", () => {
    fc.assert(
      fc.property(
        termsArb,
        fc.bigInt({ min: 1n, max: 999999999999999n }),
        fc.integer({ min: 1, max: 360 }),
        (t, principal, count) => {
          const s = scheduleAmounts(t, principal, count);
          expect(s.principal.reduce((a, b) => a + b, 0n)).toBe(principal);
          for (const part of [...s.principal, ...s.interest, ...s.fee])
            expect(part >= 0n).toBe(true);
          let balance = principal;
          const r = monthlyRate(t.annualRate);
          s.principal.forEach((p, k) => {
            // interest_k = round(B_{k−1}·r), checked against the bigint definition.
            expect(s.interest[k]).toBe(divRound(balance * r.p, r.q, t.rounding));
            balance -= p;
          });
          expect(balance).toBe(0n);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("equal_installment payments are equal for every installment but the last", () => {
    fc.assert(
      fc.property(
        rateArb,
        fc.bigInt({ min: 10000n, max: 10n ** 12n }),
        fc.integer({ min: 2, max: 360 }),
        (r, principal, count) => {
          const s = scheduleAmounts(terms("equal_installment", r), principal, count);
          const totals = totalsOf(s).slice(0, -1);
          if (r !== "0.0000") expect(new Set(totals).size).toBe(1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the bigint interest path equals the number path", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.bigInt({ min: 1n, max: 10n ** 7n }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.constantFrom<RoundingMode>("half_even", "half_up"),
        (p, q, balance, mode) => {
          const fast = interestFunction({ p, q }, 10 ** 9, mode);
          const slow = interestFunction({ p, q }, Number.MAX_SAFE_INTEGER, mode);
          expect(fast(balance)).toBe(slow(balance));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("disclosure", () => {
  it("shows 0.00 for a zero-rate, zero-fee plan", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 360 }),
        (principal, count) => {
          const s = scheduleAmounts(terms("equal_principal", "0"), principal, count);
          expect(disclose(principal, totalsOf(s))).toMatchObject({ apr: "0.00", ear: "0.00" });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("APR grows with the rate", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 60 }),
        methodArb,
        (bp, step, count, method) => {
          const at = (b: number) => {
            const text = (b / 10000).toFixed(4);
            const t =
              method === "flat_fee"
                ? terms(method, "0", (b / 120000).toFixed(8))
                : terms(method, text);
            return disclose(1_000_000n, totalsOf(scheduleAmounts(t, 1_000_000n, count))).aprBasis;
          };
          expect(at(bp + step) >= at(bp)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("APR of an interest-only-by-rate schedule is close to the nominal rate", () => {
    const s = scheduleAmounts(terms("equal_installment", "0.18"), 1_000_000n, 12);
    expect(disclose(1_000_000n, totalsOf(s)).apr).toBe("18.00");
    const long = scheduleAmounts(terms("equal_installment", "0.24"), 25_000_000n, 360);
    expect(disclose(25_000_000n, totalsOf(long)).apr).toBe("24.00");
  });

  it("rounds the APR half-up on an exact boundary", () => {
    // One payment of 101.00 on 100.00 one month later: irr = 1 % exactly → APR 12.00, EAR 12.68.
    expect(disclose(10000n, [10100n])).toMatchObject({ apr: "12.00", ear: "12.68" });
    // irr = 0.00125 % a month exactly: the APR is exactly 0.015 %, a tie that rounds up to 0.02;
    // a float IRR could land either side of the tie, the exact check cannot.
    expect(disclose(8000000n, [8000100n]).apr).toBe("0.02");
    // irr = 0.000375 % a month: APR exactly 0.0045 % → 0.00.
    expect(disclose(8000000n, [8000030n]).apr).toBe("0.00");
  });
});
