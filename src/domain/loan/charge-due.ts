import { compareDates } from "../calendar/civil-date.js";
import type { WorkingLoan } from "./working-loan.js";

/**
 * The start of business date D: every installment due on or before D that has not been charged
 * has its interest and fee charged now (DESIGN.md: they are charged on the due date, so a payment
 * on the due date pays them). A charged-off loan charges nothing more. Running it again for the
 * same date changes nothing.
 */
export function chargeDue(loan: WorkingLoan): void {
  if (loan.status !== "open" && loan.status !== "charged_off") return;
  for (const installment of loan.installments) {
    if (compareDates(installment.due, loan.date) > 0) break;
    if (installment.charged) continue;
    loan.chargeInstallment(installment);
    loan.events.push({
      type: "due",
      date: installment.due,
      loan: loan.base.id,
      n: installment.n,
      interest: installment.interest,
      fee: installment.fee,
    });
  }
}
