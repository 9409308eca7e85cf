import { assert } from "../result.js";

/**
 * How a division to the minor unit rounds. A product names its mode; there is no hidden global
 * default (STYLE 6). `half_up` rounds a tie away from zero.
 */
export type RoundingMode = "half_even" | "half_up";

export const roundingModes: readonly RoundingMode[] = ["half_even", "half_up"];

/** round(num / den) exactly, for any sign of `num`; `den` must be positive. */
export function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  assert(den > 0n, "divRound: denominator must be positive");
  if (num < 0n) return -divRound(-num, den, mode);
  const q = num / den;
  const twiceRem = (num - q * den) * 2n;
  if (twiceRem > den) return q + 1n;
  if (twiceRem < den) return q;
  return mode === "half_up" || q % 2n === 1n ? q + 1n : q;
}

/**
 * The same rounding on JavaScript numbers, for the hot loop of schedule generation. It is exact
 * only while `num` and `den` are non-negative integers at most 2^53 − 1: callers check that range
 * once per schedule (see `isSafeProduct`) and otherwise use `divRound` on bigints.
 */
export function divRoundSafe(num: number, den: number, mode: RoundingMode): number {
  const q = Math.floor(num / den);
  // Math.floor of a float quotient can be one off near integers; correct it with exact integer math.
  let quotient = q;
  let rem = num - quotient * den;
  if (rem < 0) {
    quotient -= 1;
    rem += den;
  } else if (rem >= den) {
    quotient += 1;
    rem -= den;
  }
  const twiceRem = rem * 2;
  if (twiceRem > den) return quotient + 1;
  if (twiceRem < den) return quotient;
  return mode === "half_up" || quotient % 2 === 1 ? quotient + 1 : quotient;
}

/** True when a × b is an exact JavaScript number (both non-negative integers). */
export function isSafeProduct(a: number, b: number): boolean {
  return a * b <= Number.MAX_SAFE_INTEGER;
}
