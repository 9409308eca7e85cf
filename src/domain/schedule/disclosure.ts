import type { Amount } from "../money/amount.js";
import { divRound } from "../money/rounding.js";
import { assert } from "../result.js";

/**
 * The annualized rates shown on every offer, contract and schedule (PBOC 2021 No. 3;
 * CN-DISCLOSE-APR): nominal APR = 12 × the monthly IRR of (+P, −total_1..n) and effective annual
 * rate = (1 + irr)^12 − 1, both in percent with 2 decimals, rounded half-up.
 */
export interface Disclosure {
  /** Nominal APR in hundredths of a percent: 1303 means "13.03". */
  readonly aprBasis: bigint;
  readonly apr: string;
  readonly ear: string;
}

/** Fixed-point scale of the IRR: 40 decimal digits, above the 30 significant digits DESIGN.md asks for. */
const scaleDigits = 40n;
const SCALE = 10n ** scaleDigits;
/** Newton steps on the fixed-point IRR; it converges quadratically from the float seed in 2–3. */
const newtonStepsMax = 20;
/** Bisection steps for the float seed: the bracket shrinks to below 1e-13. */
const bisectionStepsMax = 60;

/**
 * Discloses APR and EAR for a principal and the installment totals of its schedule.
 *
 * The APR is exact: the rounded value m is confirmed by the sign of the NPV at the two rounding
 * boundaries (m ± ½ hundredth), computed on exact rationals. The EAR comes from the IRR held to
 * 40 digits; it could differ from the exact value only if (1+irr)^12 − 1 lay within 1e-35 of a
 * rounding boundary.
 */
export function disclose(principal: Amount, totals: readonly Amount[]): Disclosure {
  assert(principal > 0n && totals.length > 0, "disclose: needs a principal and payments");
  assert(
    totals.every((t) => t >= 0n),
    "disclose: payments must not be negative",
  );
  const sum = totals.reduce((a, b) => a + b, 0n);
  if (sum === principal) return { aprBasis: 0n, apr: "0.00", ear: "0.00" };

  const irr = fixedPointIrr(principal, totals);
  const aprBasis = confirmAprBasis(principal, totals, divRound(irr * 120000n, SCALE, "half_up"));
  const growth = (SCALE + irr) ** 12n / SCALE ** 11n - SCALE;
  const earBasis = divRound(growth * 10000n, SCALE, "half_up");
  return { aprBasis, apr: formatBasis(aprBasis), ear: formatBasis(earBasis) };
}

/** Formats hundredths of a percent: 1303n → "13.03", -5n → "-0.05". */
export function formatBasis(basis: bigint): string {
  const negative = basis < 0n;
  const digits = (negative ? -basis : basis).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The monthly IRR × 10^40, by float bisection then Newton steps on 40-digit fixed point. */
function fixedPointIrr(principal: Amount, totals: readonly Amount[]): bigint {
  let irr = BigInt(Math.round(floatIrr(principal, totals) * 1e15)) * 10n ** (scaleDigits - 15n);
  for (let step = 0; step < newtonStepsMax; step++) {
    const v = (SCALE * SCALE) / (SCALE + irr);
    let value = 0n; // Σ t_k v^k, scaled
    let slope = 0n; // Σ k t_k v^k, scaled
    for (let k = totals.length; k >= 1; k--) {
      const t = (totals[k - 1] as bigint) * SCALE;
      value = ((value + t) * v) / SCALE;
      slope = ((slope + value) * v) / SCALE;
    }
    // slope now holds Σ k t_k v^(k+1): f(i) = value − P, f'(i) = −slope.
    if (slope === 0n) break;
    const delta = ((value - principal * SCALE) * SCALE) / slope;
    irr += delta;
    if (delta >= -(10n ** 5n) && delta <= 10n ** 5n) break;
  }
  return irr;
}

/** A float seed for the IRR by bisection on the NPV, which falls as the rate rises. */
function floatIrr(principal: Amount, totals: readonly Amount[]): number {
  const p = Number(principal);
  const t = totals.map(Number);
  const npv = (i: number): number => {
    let acc = 0;
    for (let k = t.length - 1; k >= 0; k--) acc = (acc + (t[k] as number)) / (1 + i);
    return acc - p;
  };
  let lo = -0.99;
  let hi = 10;
  for (let step = 0; step < bisectionStepsMax; step++) {
    const mid = (lo + hi) / 2;
    if (npv(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Moves the candidate APR (in hundredths of a percent) until the exact IRR lies in
 * [(m − ½)/120000, (m + ½)/120000): a half-up rounding decided on exact rationals.
 */
function confirmAprBasis(principal: Amount, totals: readonly Amount[], candidate: bigint): bigint {
  let m = candidate;
  for (let guard = 0; guard < 4; guard++) {
    if (npvSign(principal, totals, 2n * m + 1n, 240000n) >= 0) m += 1n;
    else if (npvSign(principal, totals, 2n * m - 1n, 240000n) < 0) m -= 1n;
    else return m;
  }
  assert(false, "disclose: APR rounding did not settle near the fixed-point estimate");
}

/**
 * The sign of NPV(a/b) = Σ t_k (1 + a/b)^−k − P, computed exactly: multiplied through by
 * ((a+b)/b)^n it is Σ t_k b^k (a+b)^(n−k) − P (a+b)^n.
 */
function npvSign(principal: Amount, totals: readonly Amount[], a: bigint, b: bigint): number {
  const c = a + b;
  let acc = 0n;
  let bPower = 1n;
  for (const total of totals) {
    bPower *= b;
    acc = acc * c + total * bPower;
  }
  const diff = acc - principal * c ** BigInt(totals.length);
  return diff > 0n ? 1 : diff < 0n ? -1 : 0;
}
