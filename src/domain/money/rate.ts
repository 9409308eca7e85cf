import { fail, ok, type Result } from "../result.js";
import type { Amount } from "./amount.js";
import { divRound, type RoundingMode } from "./rounding.js";

/**
 * A rate held exactly as a reduced fraction num/den ("0.18" → 9/50). Never a float (DESIGN.md:
 * rates are decimal strings, parsed exactly).
 */
export interface Rate {
  readonly num: bigint;
  readonly den: bigint;
  /** The decimal string it was parsed from, kept for display and hashing. */
  readonly text: string;
}

/** Rates carry at most this many decimal places ("0.000123456789" is fine, more is refused). */
export const rateFractionDigitsMax = 12;
/** A rate above 10 (1000 %) is a typo, not a product. */
export const rateMax = 10n;

const ratePattern = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Builds a reduced fraction; `den` must be positive. */
export function fraction(num: bigint, den: bigint, text: string): Rate {
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g, text };
}

/**
 * Parses a non-negative decimal rate string such as "0.18".
 *
 * @example parseRate("0.006", "periodFeeRate") // ok({ num: 3n, den: 500n, text: "0.006" })
 */
export function parseRate(text: unknown, field: string): Result<Rate> {
  if (typeof text !== "string") {
    return fail("rate.type", field, `${field} must be a decimal string such as "0.18"`);
  }
  const match = ratePattern.exec(text);
  if (!match) return fail("rate.format", field, `${field} must be a plain decimal such as "0.18"`);
  const [, whole = "", fractionDigits = ""] = match;
  if (fractionDigits.length > rateFractionDigitsMax) {
    return fail(
      "rate.precision",
      field,
      `${field} has more than ${rateFractionDigitsMax} decimal places`,
    );
  }
  const rate = fraction(BigInt(whole + fractionDigits), 10n ** BigInt(fractionDigits.length), text);
  if (rate.num > rateMax * rate.den) {
    return fail("rate.too_large", field, `${field} must not exceed ${rateMax}`);
  }
  return ok(rate);
}

/** amount × rate, rounded once to the minor unit. */
export function mulRate(amount: Amount, rate: Rate, mode: RoundingMode): Amount {
  return divRound(amount * rate.num, rate.den, mode);
}

/** rate / divisor as an exact fraction (an annual rate over 12 months), never a rounded monthly rate. */
export function divideRate(rate: Rate, divisor: bigint): Rate {
  return fraction(rate.num, rate.den * divisor, `${rate.text}/${divisor}`);
}

export function isZeroRate(rate: Rate): boolean {
  return rate.num === 0n;
}
