import type { CivilDate } from "../calendar/civil-date.js";
import { incomeAccount, receivableAccount } from "../ledger/journal.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import { type LoanState, type Parts, zeroParts } from "./loan.js";
import { type Serviced, WorkingLoan } from "./working-loan.js";

/**
 * A hardship measure (DESIGN.md "Customer service, hardship"): every late charge still owed is
 * waived. The charge is reversed (receivable down, income down), so it no longer counts as
 * charged — neither in the loan's totals nor under the cost cap. Paid late charges stand. Later
 * closes charge late charges again as the product says: a waiver forgives the past only.
 */
export function waiveLateCharges(
  loan: LoanState,
  product: Product,
  date: CivilDate,
): Serviced & { allocated: Parts; paidTotal: Amount } {
  const working = new WorkingLoan(loan, product, date, "waive");
  let waived = 0n;
  for (const installment of working.installments) {
    const owed = installment.late - installment.paid.late;
    if (owed <= 0n) continue;
    installment.late -= owed;
    working.post(incomeAccount("late"), receivableAccount(loan.id, "late"), owed);
    waived += owed;
  }
  working.events.push({ type: "late_waived", date, loan: loan.id, amount: waived });
  return { ...working.finish(), allocated: zeroParts, paidTotal: waived };
}
