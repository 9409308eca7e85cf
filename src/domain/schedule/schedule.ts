import { type CivilDate, dueDates } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import { divRound, divRoundSafe, type RoundingMode } from "../money/rounding.js";
import { assert } from "../result.js";
import { equalInstallmentPayment, type MonthlyRate, monthlyRate } from "./annuity.js";
import { installmentCountMax, type ScheduleTerms } from "./terms.js";

/** One row of a contractual schedule. All amounts are minor units; `total` = principal + interest + fee. */
export interface Installment {
  readonly n: number;
  readonly due: CivilDate;
  readonly principal: Amount;
  readonly interest: Amount;
  readonly fee: Amount;
  readonly total: Amount;
}

/** The amounts of a schedule without dates, as parallel arrays indexed by installment − 1. */
export interface ScheduleAmounts {
  readonly principal: Amount[];
  readonly interest: Amount[];
  readonly fee: Amount[];
}

/**
 * The contractual schedule of a plan originated on `origination`: due dates from the original
 * day of month (see `dueDates`) and the amounts of `scheduleAmounts`.
 *
 * @example
 * buildSchedule(flatFee, 600000n, 12, "2026-01-10")[0]
 * // { n: 1, due: "2026-02-10", principal: 50000n, interest: 0n, fee: 3600n, total: 53600n }
 */
export function buildSchedule(
  terms: ScheduleTerms,
  principal: Amount,
  count: number,
  origination: CivilDate,
): Installment[] {
  const amounts = numericSchedule(terms, principal, count);
  const length = amounts.principal.length;
  const dates = dueDates(origination, length);
  const principals = toBigints(amounts.principal);
  const interests = toBigints(amounts.interest);
  const totals = toBigints(
    amounts.principal.map((p, k) => p + (amounts.interest[k] as number) + amounts.fee),
  );
  const fee = BigInt(amounts.fee);
  const rows: Installment[] = new Array(length);
  for (let k = 0; k < length; k++) {
    rows[k] = {
      n: k + 1,
      due: dates[k] as CivilDate,
      principal: principals[k] as Amount,
      interest: interests[k] as Amount,
      fee,
      total: totals[k] as Amount,
    };
  }
  return rows;
}

/**
 * The principal, interest and fee of each installment, exactly as DESIGN.md defines them:
 * - equal_installment: A = round(P·r/(1−(1+r)^−n)); interest_k = round(B_{k−1}·r),
 *   principal_k = A − interest_k; the last installment takes the remaining balance.
 *   With r = 0 it is equal_principal with zero interest. Where the rounded A would repay the
 *   principal early (a few fen over hundreds of months), the installment that reaches zero takes
 *   the remaining balance and the schedule ends there: fewer rows than `count`, never a negative part.
 * - equal_principal: principal_k = floor(P/n), the remainder in the last; interest_k = round(B_{k−1}·r).
 * - flat_fee: principal as equal_principal; fee_k = round(P·periodFeeRate) on every installment.
 */
export function scheduleAmounts(
  terms: ScheduleTerms,
  principal: Amount,
  count: number,
): ScheduleAmounts {
  const amounts = numericSchedule(terms, principal, count);
  const fee = BigInt(amounts.fee);
  return {
    principal: toBigints(amounts.principal),
    interest: toBigints(amounts.interest),
    fee: amounts.principal.map(() => fee),
  };
}

/**
 * The schedule's amounts on JavaScript numbers. Why numbers: amounts are below 2^53 (see
 * `amountIntegerDigitsMax`), so balances are exact integers; only B·p can exceed 2^53, and when
 * it can, the interest is computed on bigints instead (a property test compares the two paths).
 * Numbers keep the per-row cost to a few arithmetic operations; bigints are made once, at the end.
 */
export function numericSchedule(
  terms: ScheduleTerms,
  principal: Amount,
  count: number,
): { principal: number[]; interest: number[]; fee: number } {
  assert(principal > 0n, "scheduleAmounts: principal must be positive");
  assert(
    Number.isInteger(count) && count >= 1 && count <= installmentCountMax,
    "scheduleAmounts: installment count out of range",
  );
  assert(principal <= BigInt(Number.MAX_SAFE_INTEGER), "scheduleAmounts: principal above 2^53");
  const rate = monthlyRate(terms.annualRate);
  const interestOn = interestFunction(rate, Number(principal), terms.rounding);
  const fee = Number(
    divRound(principal * terms.periodFeeRate.num, terms.periodFeeRate.den, terms.rounding),
  );
  const annuity =
    terms.method === "equal_installment" && rate.p > 0n
      ? Number(equalInstallmentPayment(principal, rate, count, terms.rounding))
      : -1;
  const p = Number(principal);
  const evenPart = Math.floor(p / count);

  const principals: number[] = new Array(count);
  const interests: number[] = new Array(count);
  let balance = p;
  let rows = 0;
  while (rows < count && balance > 0) {
    const interest = interestOn(balance);
    const planned = rows === count - 1 ? balance : annuity < 0 ? evenPart : annuity - interest;
    // A rounded-up annuity on a tiny balance over a long term can repay the principal before the
    // last installment; the term then ends there, as it does after a principal reduction.
    const part = planned >= balance ? balance : planned;
    principals[rows] = part;
    interests[rows] = interest;
    balance -= part;
    rows++;
  }
  assert(
    balance === 0 && principals.every((part) => part >= 0),
    "scheduleAmounts: parts must be non-negative and repay the principal",
  );
  principals.length = rows;
  interests.length = rows;
  return { principal: principals, interest: interests, fee };
}

/**
 * round(B·p/q) for balances B ≤ `principalMax`: on numbers when B·p and q stay below 2^53,
 * otherwise on bigints. Chosen once per schedule so the loop stays monomorphic.
 */
export function interestFunction(
  rate: MonthlyRate,
  principalMax: number,
  mode: RoundingMode,
): (balance: number) => number {
  // A zero rate goes through the same closure (0 · B / q = 0): one function shape keeps the
  // schedule loop's call site monomorphic.
  const p = Number(rate.p);
  const q = Number(rate.q);
  const safe =
    rate.p <= BigInt(Number.MAX_SAFE_INTEGER) &&
    rate.q <= BigInt(Number.MAX_SAFE_INTEGER) &&
    principalMax * p + q <= Number.MAX_SAFE_INTEGER;
  if (safe) return (balance) => divRoundSafe(balance * p, q, mode);
  return (balance) => Number(divRound(BigInt(balance) * rate.p, rate.q, mode));
}

/**
 * Converts integers to bigints, reusing the previous bigint when a value repeats: a schedule
 * repeats its installment (equal_installment) or its principal part (equal_principal, flat_fee)
 * row after row, and each conversion allocates.
 */
function toBigints(values: readonly number[]): bigint[] {
  const out: bigint[] = new Array(values.length);
  let last = Number.NaN;
  let lastBig = 0n;
  for (let k = 0; k < values.length; k++) {
    const value = values[k] as number;
    if (value !== last) {
      last = value;
      lastBig = BigInt(value);
    }
    out[k] = lastBig;
  }
  return out;
}
