import { divRound, type RoundingMode } from "../money/rounding.js";

/**
 * The monthly rate r = annualRate / 12 as a reduced fraction p/q: every product B·r is then
 * computed exactly as B·p/q, never with a rounded monthly rate (DESIGN.md).
 */
export interface MonthlyRate {
  readonly p: bigint;
  readonly q: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function monthlyRate(annual: { num: bigint; den: bigint }): MonthlyRate {
  const q = annual.den * 12n;
  const g = gcd(annual.num, q) || 1n;
  return { p: annual.num / g, q: q / g };
}

/**
 * The equal installment A = round(P·r / (1 − (1+r)^−n)), computed exactly.
 *
 * With r = p/q and X = q + p, (1+r)^n = X^n / q^n, so A = P·p·X^n / (q·(X^n − q^n)): a ratio of
 * two integers. The one power is computed once, exactly (no truncated decimal), and the quotient
 * is rounded once in the product's mode — so the result cannot be a cent off, however large n.
 */
export function equalInstallmentPayment(
  principal: bigint,
  rate: MonthlyRate,
  count: number,
  mode: RoundingMode,
): bigint {
  const { growth, denominator } = annuityFactor(rate, count);
  return divRound(principal * rate.p * growth, denominator, mode);
}

/** How many (rate, count) annuity factors are kept: a catalogue has a few dozen. */
export const annuityFactorCacheMax = 4096;
const annuityFactors = new Map<string, { growth: bigint; denominator: bigint }>();

/**
 * X^n and q·(X^n − q^n) for a rate and count. They depend on neither the principal nor the date,
 * so they are computed once and kept (a bounded memo: same inputs, same value, no other state).
 */
function annuityFactor(rate: MonthlyRate, count: number): { growth: bigint; denominator: bigint } {
  const key = `${rate.p}/${rate.q}/${count}`;
  let factor = annuityFactors.get(key);
  if (!factor) {
    const n = BigInt(count);
    const growth = (rate.q + rate.p) ** n;
    factor = { growth, denominator: rate.q * (growth - rate.q ** n) };
    if (annuityFactors.size >= annuityFactorCacheMax) annuityFactors.clear();
    annuityFactors.set(key, factor);
  }
  return factor;
}
