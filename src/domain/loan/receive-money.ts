import { lenderAccounts } from "../ledger/journal.js";
import type { Amount } from "../money/amount.js";
import type { Component } from "../product/product.js";
import type { Parts } from "./loan.js";
import { reducePrincipal } from "./reduce-principal.js";
import { quoteWorking, settleWorking } from "./settlement.js";
import { emptyAllocation, type Serviced, type WorkingLoan } from "./working-loan.js";

/** Pays what a kind of money pays before any principal reduction; returns what is left. */
export type PayDue = (
  loan: WorkingLoan,
  amount: Amount,
  allocated: Record<Component, Amount>,
) => Amount;

/**
 * What a payment and a refund share (DESIGN.md "Payments, settlement, returns"): money sent to a
 * settled or cancelled loan is borrower credit; money that covers the day's settlement quote
 * settles an open loan; otherwise `payDue` pays what that kind of money pays, the rest reduces
 * principal, and what is left after all principal is borrower credit.
 */
export function receiveMoney(
  loan: WorkingLoan,
  amount: Amount,
  reason: "prepayment" | "refund",
  payDue: PayDue,
): Parts {
  const allocated = emptyAllocation();
  if (loan.status === "settled" || loan.status === "cancelled") {
    loan.toCredit(amount);
    return allocated;
  }
  const quote = loan.status === "open" ? quoteWorking(loan) : undefined;
  if (quote && amount >= quote.total) return settleWorking(loan, amount, quote);
  let left = payDue(loan, amount, allocated);
  const beforeReduction = left;
  left = reducePrincipal(loan, left, reason);
  allocated.principal += beforeReduction - left;
  if (left > 0n) loan.toCredit(left);
  return allocated;
}

/**
 * Records the money's event (with where it went and the credit it created) and closes the
 * operation. On a charged-off loan the money that paid receivables is a recovery: the loss booked
 * at the charge-off is released by as much (allowance down, write-off expense down), so the
 * allowance always stands at exactly what is still receivable and a full recovery leaves no loss.
 */
export function finishMoney(
  loan: WorkingLoan,
  type: "payment" | "refund",
  amount: Amount,
  allocated: Parts,
): Serviced & { allocated: Parts } {
  const recovered = allocated.late + allocated.fee + allocated.interest + allocated.principal;
  if (loan.status === "charged_off" && recovered > 0n)
    loan.post(lenderAccounts.allowance, lenderAccounts.writeOff, recovered);
  const credit = loan.credit - loan.base.credit;
  loan.events.push({ type, date: loan.date, loan: loan.base.id, amount, allocated, credit });
  return { ...loan.finish(), allocated };
}
