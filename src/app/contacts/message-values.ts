import type { CivilDate } from "../../domain/calendar/civil-date.js";
import type { InstallmentState, LoanState } from "../../domain/loan/loan.js";
import { type Amount, formatAmount } from "../../domain/money/amount.js";
import type { Product } from "../../domain/product/product.js";

/**
 * What a message about a loan may say, computed when the contact is decided: the amount asked
 * for, the due date it is about, days past due. No personal data (the name and address are
 * looked up only at sending), so it can sit in the outbox row.
 */
export interface LoanMessageValues {
  readonly loanId: string;
  readonly amount: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
}

/** What an installment still owes under the schedule in force, charged or not yet. */
export function unpaidOf(installment: InstallmentState): Amount {
  const { principal, interest, fee, late, paid } = installment;
  return principal - paid.principal + interest - paid.interest + fee - paid.fee + late - paid.late;
}

/** Whether an installment still counts as unpaid: above the product's arrears tolerance. */
export function isUnpaid(installment: InstallmentState, product: Product): boolean {
  return unpaidOf(installment) > product.arrearsTolerance;
}

/**
 * Overdue: the sum of every unpaid installment due on or before `date`, dated by the oldest.
 * Not overdue: the next unpaid installment.
 */
export function messageValuesOf(
  loan: LoanState,
  product: Product,
  date: CivilDate,
): LoanMessageValues {
  const unpaid = loan.installments.filter((i) => isUnpaid(i, product));
  const due = unpaid.filter((i) => i.due <= date);
  const about = due.length > 0 ? due : unpaid.slice(0, 1);
  const amount = about.reduce((sum, i) => sum + unpaidOf(i), 0n);
  return {
    loanId: loan.id,
    amount: formatAmount(amount, product.currency),
    currency: loan.currency,
    dueDate: about[0]?.due ?? date,
    daysPastDue: loan.delinquency.dpd,
  };
}
