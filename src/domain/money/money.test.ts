import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "./amount.js";
import { CNY } from "./currency.js";
import { divideRate, mulRate, parseRate } from "./rate.js";
import { divRound, divRoundSafe } from "./rounding.js";
import { allocate, splitEven } from "./split.js";

function amount(text: string): bigint {
  const r = parseAmount(text, CNY, "amount");
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function rate(text: string) {
  const r = parseRate(text, "rate");
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("parseAmount", () => {
  it("reads decimal strings into minor units", () => {
    expect(amount("548.00")).toBe(54800n);
    expect(amount("0.01")).toBe(1n);
    expect(amount("7")).toBe(700n);
    expect(amount("7.5")).toBe(750n);
    expect(amount("9999999999999.99")).toBe(999999999999999n);
  });

  it.each([
    ["1.234", "amount.precision"],
    ["1e3", "amount.format"],
    ["", "amount.format"],
    [" 1.00", "amount.format"],
    ["01.00", "amount.format"],
    ["1.", "amount.format"],
    [".5", "amount.format"],
    ["+1.00", "amount.format"],
    ["1,000.00", "amount.format"],
    ["-0.00", "amount.negative_zero"],
    ["-5.00", "amount.negative"],
    ["10000000000000.00", "amount.too_large"],
  ])("refuses %j with %s and names the field", (text, code) => {
    const r = parseAmount(text, CNY, "events[3].amount");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe("events[3].amount");
      expect(r.error.message).toContain("events[3].amount");
    }
  });

  it("refuses a JSON number: money is never a float at the edge", () => {
    const r = parseAmount(548, CNY, "amount");
    expect(r.ok ? "" : r.error.code).toBe("amount.type");
  });

  it("accepts a negative only where allowed, and never -0", () => {
    const r = parseAmount("-5.25", CNY, "adjustment", { allowNegative: true });
    expect(r.ok && r.value).toBe(-525n);
    const z = parseAmount("-0.00", CNY, "adjustment", { allowNegative: true });
    expect(z.ok).toBe(false);
  });
});

describe("formatAmount", () => {
  it("writes exactly the currency's minor digits", () => {
    expect(formatAmount(54800n, CNY)).toBe("548.00");
    expect(formatAmount(1n, CNY)).toBe("0.01");
    expect(formatAmount(0n, CNY)).toBe("0.00");
    expect(formatAmount(-150n, CNY)).toBe("-1.50");
    expect(formatAmount(-5n, CNY)).toBe("-0.05");
  });

  it("parse ∘ format is the identity on every amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -999999999999999n, max: 999999999999999n }), (minor) => {
        const parsed = parseAmount(formatAmount(minor, CNY), CNY, "x", { allowNegative: true });
        expect(parsed.ok && parsed.value).toBe(minor);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("rounding", () => {
  it("rounds ties to even or away from zero, named per call", () => {
    // 599.10 at 20 % for a month is exactly 9.985 (DESIGN.md): 9.98 half-even, 9.99 half-up.
    const monthly = divideRate(rate("0.20"), 12n);
    expect(mulRate(59910n, monthly, "half_even")).toBe(998n);
    expect(mulRate(59910n, monthly, "half_up")).toBe(999n);
    expect(divRound(5n, 2n, "half_even")).toBe(2n);
    expect(divRound(7n, 2n, "half_even")).toBe(4n);
    expect(divRound(5n, 2n, "half_up")).toBe(3n);
    expect(divRound(-5n, 2n, "half_up")).toBe(-3n);
    expect(divRound(-5n, 2n, "half_even")).toBe(-2n);
    expect(divRound(-7n, 3n, "half_even")).toBe(-2n);
  });

  it("the number path equals the bigint path wherever it is used", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.constantFrom("half_even" as const, "half_up" as const),
        (num, den, mode) => {
          expect(BigInt(divRoundSafe(num, den, mode))).toBe(
            divRound(BigInt(num), BigInt(den), mode),
          );
        },
      ),
      { numRuns: 20000 },
    );
  });

  it("is never more than half a unit away from the exact quotient", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (num, den) => {
          const q = divRound(num, den, "half_even");
          const error = q * den - num;
          expect(2n * (error < 0n ? -error : error) <= den).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("parseRate", () => {
  it("holds rates as exact reduced fractions", () => {
    expect(rate("0.18")).toMatchObject({ num: 9n, den: 50n });
    expect(rate("0.006")).toMatchObject({ num: 3n, den: 500n });
    expect(rate("0")).toMatchObject({ num: 0n, den: 1n });
    expect(rate("0.094822")).toMatchObject({ num: 47411n, den: 500000n });
  });

  it.each([
    ["1e-3", "rate.format"],
    ["-0.1", "rate.format"],
    ["0.1234567890123", "rate.precision"],
    ["11", "rate.too_large"],
    ["", "rate.format"],
  ])("refuses %j with %s", (text, code) => {
    const r = parseRate(text, "products[0].annualRate");
    expect(r.ok ? "" : r.error.code).toBe(code);
    expect(r.ok ? "" : r.error.field).toBe("products[0].annualRate");
  });

  it("refuses a float", () => {
    expect(parseRate(0.18, "annualRate").ok).toBe(false);
  });
});

describe("splits", () => {
  it("splits evenly with the remainder first", () => {
    expect(splitEven(1000n, 3)).toEqual([334n, 333n, 333n]);
    expect(splitEven(-1000n, 3)).toEqual([-334n, -333n, -333n]);
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(1000n, [50n, 30n, 20n])).toEqual([500n, 300n, 200n]);
    expect(allocate(5n, [0n, 1n])).toEqual([0n, 5n]);
  });

  it("conserves every amount to the minor unit", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          parts.forEach((part, i) => {
            if (weights[i] === 0n) expect(part).toBe(0n);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
