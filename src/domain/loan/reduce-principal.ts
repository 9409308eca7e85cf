import { compareDates } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import { divRound } from "../money/rounding.js";
import { monthlyRate } from "../schedule/annuity.js";
import { scheduleAmounts } from "../schedule/schedule.js";
import { proRata } from "./settlement.js";
import type { MutableInstallment, WorkingLoan } from "./working-loan.js";

/**
 * Applies money beyond what is due as a principal reduction (DESIGN.md "Payments"): it reduces
 * the principal of installments not yet due, last installment first (`shorten_term`), or
 * re-amortizes what remains over the same later installments (`reamortize`). Installments whose
 * principal reaches zero, with nothing charged, are removed: the term shortens. Later periods'
 * interest is recomputed on the new balances and a flat-fee plan's fee on the reduced principal;
 * the current period keeps its interest and fee — unless nothing is left to repay, when they are
 * prorated to the date as in early settlement. Returns what is left after all principal.
 */
export function reducePrincipal(
  loan: WorkingLoan,
  amount: Amount,
  reason: "prepayment" | "refund",
): Amount {
  const notDue = loan.installments.filter((i) => compareDates(i.due, loan.date) > 0);
  if (notDue.length === 0 || amount === 0n) return amount;
  const before = notDue.reduce((sum, i) => sum + i.principal - i.paid.principal, 0n);
  const left =
    loan.product.prepayment === "reamortize"
      ? reamortize(loan, notDue, amount)
      : shortenTerm(notDue, amount);
  const reduced = amount - left;
  if (reduced === 0n) return left;
  loan.principalReduced += reduced;
  loan.receive("principal", reduced);
  dropEmptyInstallments(loan);
  if (reduced === before) prorateCurrent(loan, before);
  else recomputeLaterPeriods(loan);
  loan.events.push({
    type: "schedule_changed",
    date: loan.date,
    loan: loan.base.id,
    reason,
    installments: loan.installments.length,
  });
  return left;
}

function shortenTerm(notDue: MutableInstallment[], amount: Amount): Amount {
  let left = amount;
  for (let i = notDue.length - 1; i >= 0 && left > 0n; i--) {
    const installment = notDue[i] as MutableInstallment;
    const open = installment.principal - installment.paid.principal;
    const take = open < left ? open : left;
    installment.principal -= take;
    left -= take;
  }
  return left;
}

/**
 * Re-amortizes the later installments (after the current one): their remaining principal less the
 * amount is spread again by the product's method over the same due dates. Money beyond their
 * principal reduces the current installment's principal, as shortening would.
 */
function reamortize(loan: WorkingLoan, notDue: MutableInstallment[], amount: Amount): Amount {
  const [current, ...later] = notDue;
  const laterPrincipal = later.reduce((sum, i) => sum + i.principal, 0n);
  const onLater = amount < laterPrincipal ? amount : laterPrincipal;
  const remaining = laterPrincipal - onLater;
  if (remaining > 0n) {
    const amounts = scheduleAmounts(loan.product, remaining, later.length);
    later.forEach((installment, k) => {
      installment.principal = amounts.principal[k] ?? 0n;
    });
  } else {
    for (const installment of later) installment.principal = 0n;
  }
  return current ? shortenTerm([current], amount - onLater) : amount - onLater;
}

/** Removes not-yet-due installments left with nothing to ask for and nothing charged. */
function dropEmptyInstallments(loan: WorkingLoan): void {
  for (let i = loan.installments.length - 1; i >= 0; i--) {
    const installment = loan.installments[i] as MutableInstallment;
    const empty =
      compareDates(installment.due, loan.date) > 0 &&
      !installment.charged &&
      installment.principal === 0n &&
      installment.paid.principal === 0n;
    if (empty && i !== loan.currentIndex()) loan.installments.splice(i, 1);
  }
}

/**
 * Nothing is left to repay: the current period's interest and fee shrink to their pro-rata values
 * on the principal that was outstanding, as in early settlement.
 */
function prorateCurrent(loan: WorkingLoan, principal: Amount): void {
  const index = loan.currentIndex();
  if (index === undefined) return;
  const current = loan.installments[index] as MutableInstallment;
  if (!current.charged) {
    const quote = proRata(loan, principal);
    current.interest = quote.interest;
    current.fee = quote.fee;
  }
  if (
    !current.charged &&
    current.principal === 0n &&
    current.interest === 0n &&
    current.fee === 0n
  ) {
    loan.installments.splice(index, 1);
  }
}

/** Interest of every later period on its new opening balance; a flat fee on the reduced principal. */
function recomputeLaterPeriods(loan: WorkingLoan): void {
  const index = loan.currentIndex();
  if (index === undefined) return;
  const rate = monthlyRate(loan.product.annualRate);
  const { rounding, periodFeeRate } = loan.product;
  const fee = divRound(
    (loan.base.principal - loan.principalReduced) * periodFeeRate.num,
    periodFeeRate.den,
    rounding,
  );
  let balance = loan.installments.slice(index + 1).reduce((sum, i) => sum + i.principal, 0n);
  for (const installment of loan.installments.slice(index + 1)) {
    installment.interest = divRound(balance * rate.p, rate.q, rounding);
    installment.fee = fee;
    balance -= installment.principal;
  }
}
