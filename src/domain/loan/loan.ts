import type { CivilDate } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import type { Component } from "../product/product.js";

export type LoanStatus = "open" | "settled" | "cancelled" | "charged_off";

/** Delinquency buckets by days past due: current 0, M1 1–30, M2 31–60, M3 61–90, M4+ 91+. */
export const buckets = ["current", "M1", "M2", "M3", "M4+"] as const;
export type Bucket = (typeof buckets)[number];

/** What the daily close keeps about a loan between business dates. */
export interface Delinquency {
  /** The last business date whose close has run (the day before origination until the first). */
  readonly closedThrough: CivilDate;
  readonly dpd: number;
  readonly bucket: Bucket;
  /** Σ over closed dates of the principal outstanding at each close, in minor units × days: the cap's base. */
  readonly principalDays: Amount;
  /** Late charges the cap prevented, forgone for good. */
  readonly lateClamped: Amount;
  /** Whether the current delinquency episode has been reported to the bureau. */
  readonly reported: boolean;
}

/** Amounts per component of an installment. */
export type Parts = Readonly<Record<Component, Amount>>;

export const zeroParts: Parts = { late: 0n, fee: 0n, interest: 0n, principal: 0n };

/**
 * One installment in the schedule in force. `principal`, `interest` and `fee` are what the
 * schedule asks for now (after any reduction or recomputation); `charged` says whether its
 * interest and fee have been charged (on the due date, or at an early payment that reached it);
 * `late` is the late charges charged so far; `paid` what payments have covered.
 */
export interface InstallmentState {
  readonly n: number;
  readonly due: CivilDate;
  readonly principal: Amount;
  readonly interest: Amount;
  readonly fee: Amount;
  readonly charged: boolean;
  readonly late: Amount;
  /** Whether the one-time late fees (`late_fee_fixed`, `late_fee_percent`) were charged. */
  readonly lateFeeCharged: boolean;
  readonly paid: Parts;
}

/**
 * A loan as the servicing core sees it. Conservation: principal = Σ installment.principal +
 * principalReduced, at all times (checked by `checkLoan`).
 */
export interface LoanState {
  readonly id: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly orderId: string;
  readonly currency: string;
  /** The principal originated. */
  readonly principal: Amount;
  /** The installment count of the contract (a prepayment may shorten the schedule in force). */
  readonly installmentCount: number;
  /** The annualized rates disclosed at origination (CN-DISCLOSE-APR), percent with 2 decimals. */
  readonly apr: string;
  readonly ear: string;
  readonly origination: CivilDate;
  readonly status: LoanStatus;
  readonly installments: readonly InstallmentState[];
  /** Principal repaid ahead of schedule (prepayments and refunds beyond what was due). */
  readonly principalReduced: Amount;
  /** Money received that the loan does not owe: owed back to the borrower. */
  readonly credit: Amount;
  readonly delinquency: Delinquency;
  /** Optimistic concurrency: incremented by every change the store writes. */
  readonly version: number;
  /**
   * The strategy ladder treating the loan, as its `id@version` (DESIGN.md "a loan records which
   * one treats it"): recorded at origination, changed only by an operator moving the loan. Absent
   * for loans stored before it was recorded: their pack's default ladder treats them.
   */
  readonly strategy?: string;
}

/** What an installment still owes for each component (charged minus paid). */
export function outstandingOf(installment: InstallmentState): Parts {
  const chargedInterest = installment.charged ? installment.interest : 0n;
  const chargedFee = installment.charged ? installment.fee : 0n;
  return {
    late: installment.late - installment.paid.late,
    fee: chargedFee - installment.paid.fee,
    interest: chargedInterest - installment.paid.interest,
    principal: installment.principal - installment.paid.principal,
  };
}

/** Whether two schedules are the same, installment by installment and field by field. */
export function sameInstallments(
  a: readonly InstallmentState[],
  b: readonly InstallmentState[],
): boolean {
  return changedInstallments(a, b)?.length === 0;
}

/**
 * The numbers of the installments of `after` that differ from `before`, field by field, when
 * both schedules hold the same installments (same numbers in the same order); undefined when
 * they do not (a schedule recomputed or shortened).
 */
export function changedInstallments(
  before: readonly InstallmentState[],
  after: readonly InstallmentState[],
): number[] | undefined {
  if (before.length !== after.length) return undefined;
  const changed: number[] = [];
  for (let k = 0; k < after.length; k++) {
    const x = before[k] as InstallmentState;
    const y = after[k] as InstallmentState;
    if (x.n !== y.n) return undefined;
    if (!sameInstallment(x, y)) changed.push(y.n);
  }
  return changed;
}

function sameInstallment(x: InstallmentState, y: InstallmentState): boolean {
  return (
    x.due === y.due &&
    x.principal === y.principal &&
    x.interest === y.interest &&
    x.fee === y.fee &&
    x.charged === y.charged &&
    x.late === y.late &&
    x.lateFeeCharged === y.lateFeeCharged &&
    x.paid.late === y.paid.late &&
    x.paid.fee === y.paid.fee &&
    x.paid.interest === y.paid.interest &&
    x.paid.principal === y.paid.principal
  );
}

export function sumParts(a: Parts, b: Parts): Parts {
  return {
    late: a.late + b.late,
    fee: a.fee + b.fee,
    interest: a.interest + b.interest,
    principal: a.principal + b.principal,
  };
}

export function totalOf(parts: Parts): Amount {
  return parts.late + parts.fee + parts.interest + parts.principal;
}
