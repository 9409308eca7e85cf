import { type CivilDate, compareDates } from "../calendar/civil-date.js";
import { incomeAccount, lenderAccounts, receivableAccount } from "../ledger/journal.js";
import type { Amount } from "../money/amount.js";
import type { Component, Product } from "../product/product.js";
import { assert } from "../result.js";
import { chargeDue } from "./charge-due.js";
import type { LoanState, Parts } from "./loan.js";
import { finishMoney, receiveMoney } from "./receive-money.js";
import { emptyAllocation, type Serviced, WorkingLoan } from "./working-loan.js";

/**
 * A merchandise refund of `amount` on `date`, paid by the merchant (DESIGN.md "Returns"):
 * - the whole principal returned strictly before the first due date cancels the loan at no cost;
 *   whatever the borrower had paid becomes borrower credit;
 * - otherwise the refund pays everything due on or before its date (allocation order) and the
 *   rest is a principal reduction, so no fee or interest is charged on refunded principal for any
 *   later period; what is left after all principal is borrower credit.
 */
export function applyRefund(
  loan: LoanState,
  product: Product,
  date: CivilDate,
  amount: Amount,
): Serviced & { allocated: Parts } {
  assert(amount > 0n, "applyRefund: amount must be positive");
  const working = new WorkingLoan(loan, product, date, "charge");
  chargeDue(working);
  working.nextEntry("refund");
  const firstDue = loan.installments[0]?.due;
  const cancels =
    working.status === "open" &&
    amount === loan.principal &&
    firstDue !== undefined &&
    compareDates(date, firstDue) < 0;
  if (cancels) {
    cancel(working);
    return finishMoney(working, "refund", amount, emptyAllocation());
  }
  return finishMoney(
    working,
    "refund",
    amount,
    receiveMoney(working, amount, "refund", payDueOnly),
  );
}

/** A refund pays what is due on or before its date, oldest first — not the current bill. */
function payDueOnly(
  loan: WorkingLoan,
  amount: Amount,
  allocated: Record<Component, Amount>,
): Amount {
  let left = amount;
  for (const installment of loan.installments) {
    if (compareDates(installment.due, loan.date) > 0 || left === 0n) break;
    left = loan.pay(installment, left, allocated);
  }
  return left;
}

/**
 * Cancels the loan: every charge is reversed, the merchant's refund clears the principal, and
 * everything the borrower paid becomes credit owed back to them. Afterwards every receivable
 * of the loan is zero and the loan earned nothing.
 */
function cancel(loan: WorkingLoan): void {
  let paidByBorrower = 0n;
  for (const installment of loan.installments) {
    if (installment.charged) {
      loan.post(
        incomeAccount("interest"),
        receivableAccount(loan.base.id, "interest"),
        installment.interest,
      );
      loan.post(incomeAccount("fee"), receivableAccount(loan.base.id, "fee"), installment.fee);
    }
    const { paid } = installment;
    paidByBorrower += paid.late + paid.fee + paid.interest + paid.principal;
    // The borrower's payments had reduced the receivables; restore them, owing the money back.
    loan.post(receivableAccount(loan.base.id, "interest"), lenderAccounts.credit, paid.interest);
    loan.post(receivableAccount(loan.base.id, "fee"), lenderAccounts.credit, paid.fee);
    loan.post(receivableAccount(loan.base.id, "principal"), lenderAccounts.credit, paid.principal);
    installment.interest = 0n;
    installment.fee = 0n;
    installment.charged = false;
    installment.paid = { late: 0n, fee: 0n, interest: 0n, principal: 0n };
  }
  loan.receive("principal", loan.base.principal);
  loan.principalReduced = loan.base.principal;
  for (const installment of loan.installments) installment.principal = 0n;
  loan.credit += paidByBorrower;
  loan.end("cancelled");
  loan.events.push({
    type: "cancelled",
    date: loan.date,
    loan: loan.base.id,
    credit: paidByBorrower,
  });
}
