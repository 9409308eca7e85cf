import { type CivilDate, compareDates } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import { assert } from "../result.js";
import { chargeDue } from "./charge-due.js";
import type { LoanState, Parts } from "./loan.js";
import { finishMoney, receiveMoney } from "./receive-money.js";
import { type MutableInstallment, type Serviced, WorkingLoan } from "./working-loan.js";

/**
 * A borrower's payment of `amount` on `date` (DESIGN.md "Payments"):
 * 1. the installments due on or before the date, oldest first, each in the product's allocation
 *    order (late charges → fees → interest → principal by default, Civil Code Art. 561);
 * 2. then the current installment — the next to fall due — whose interest and fee are charged
 *    at this payment;
 * 3. then a principal reduction of the installments not yet due (see `reducePrincipal`);
 * money that settles the loan settles it (the current period prorated, as in early settlement);
 * what is left, and any money sent to a settled or cancelled loan, is borrower credit.
 */
export function applyPayment(
  loan: LoanState,
  product: Product,
  date: CivilDate,
  amount: Amount,
): Serviced & { allocated: Parts } {
  assert(amount > 0n, "applyPayment: amount must be positive");
  assert(compareDates(date, loan.origination) >= 0, "applyPayment: payment before origination");
  const working = new WorkingLoan(loan, product, date, "charge");
  chargeDue(working);
  working.nextEntry("payment");
  const allocated = receiveMoney(working, amount, "prepayment", payDueThenCurrent);
  return finishMoney(working, "payment", amount, allocated);
}

/** Steps 1 and 2: everything due, oldest first, then the current installment, charged now. */
export function payDueThenCurrent(
  loan: WorkingLoan,
  amount: Amount,
  allocated: Record<keyof Parts, Amount>,
): Amount {
  let left = amount;
  const current = loan.currentIndex() ?? loan.installments.length - 1;
  for (let i = 0; i <= current && left > 0n; i++) {
    const installment = loan.installments[i] as MutableInstallment;
    // The current installment: paying a bill early pays that bill, charged at this payment.
    if (compareDates(installment.due, loan.date) > 0) loan.chargeInstallment(installment);
    left = loan.pay(installment, left, allocated);
  }
  return left;
}
