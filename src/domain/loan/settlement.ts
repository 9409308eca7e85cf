import { type CivilDate, compareDates, daysBetween } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import { divRound } from "../money/rounding.js";
import type { Product } from "../product/product.js";
import { monthlyRate } from "../schedule/annuity.js";
import { chargeDue } from "./charge-due.js";
import { type LoanState, outstandingOf, type Parts, sumParts, totalOf, zeroParts } from "./loan.js";
import {
  emptyAllocation,
  type MutableInstallment,
  type Serviced,
  WorkingLoan,
} from "./working-loan.js";

/** What settling on a date costs, by component (DESIGN.md "Early settlement"). */
export interface SettlementQuote {
  readonly date: CivilDate;
  /** Everything charged and unpaid on installments due on or before the date, and any early charge. */
  readonly due: Parts;
  /** Principal of the installments not yet due. */
  readonly principal: Amount;
  /** The current period's interest and fee, pro rata to the date (zero when already charged). */
  readonly proRataInterest: Amount;
  readonly proRataFee: Amount;
  readonly total: Amount;
}

/**
 * The early-settlement amount of `loan` on `date`: everything due, plus the outstanding principal,
 * plus the current period's interest pro rata — round(B × r × (D − previous due) / (next due −
 * previous due)), the previous due date being the origination date in the first period and B the
 * principal of the installments not yet due; a flat-fee plan's current fee is prorated the same
 * way. Future interest and fees are waived. On a due date that installment is simply due (no
 * pro rata); a current bill already charged by an early payment stands as charged.
 */
export function quoteSettlement(
  loan: LoanState,
  product: Product,
  date: CivilDate,
): SettlementQuote {
  const working = new WorkingLoan(loan, product, date, "settle");
  chargeDue(working);
  return quoteWorking(working);
}

export function quoteWorking(loan: WorkingLoan): SettlementQuote {
  let due = zeroParts;
  let principal = 0n;
  for (const installment of loan.installments) {
    const owed = outstandingOf(installment);
    if (compareDates(installment.due, loan.date) <= 0 || installment.charged) {
      due = sumParts(due, owed);
    } else {
      principal += owed.principal;
    }
  }
  const { interest, fee } = proRata(loan, principal);
  return {
    date: loan.date,
    due,
    principal,
    proRataInterest: interest,
    proRataFee: fee,
    total: totalOf(due) + principal + interest + fee,
  };
}

/** The current period's interest on `principal` and its fee, pro rata to the loan's date. */
export function proRata(loan: WorkingLoan, principal: Amount): { interest: Amount; fee: Amount } {
  const index = loan.currentIndex();
  const current = index === undefined ? undefined : loan.installments[index];
  if (index === undefined || !current || current.charged) return { interest: 0n, fee: 0n };
  const previousDue =
    index === 0 ? loan.base.origination : (loan.installments[index - 1] as MutableInstallment).due;
  const elapsed = BigInt(daysBetween(previousDue, loan.date));
  const period = BigInt(daysBetween(previousDue, current.due));
  const rate = monthlyRate(loan.product.annualRate);
  const mode = loan.product.rounding;
  return {
    interest: divRound(principal * rate.p * elapsed, rate.q * period, mode),
    fee: divRound(current.fee * elapsed, period, mode),
  };
}

/**
 * Settles the loan on the working date with the money given, which must cover the quote: every
 * installment is paid off, the current period's interest and fee become their pro-rata values,
 * future interest and fees are waived, and what is left becomes borrower credit.
 */
export function settleWorking(loan: WorkingLoan, amount: Amount, quote: SettlementQuote): Parts {
  const allocated = emptyAllocation();
  const index = loan.currentIndex();
  loan.installments.forEach((installment, i) => {
    const future = compareDates(installment.due, loan.date) > 0 && !installment.charged;
    if (future) {
      installment.interest = i === index ? quote.proRataInterest : 0n;
      installment.fee = i === index ? quote.proRataFee : 0n;
      loan.chargeInstallment(installment);
    }
  });
  let left = amount;
  for (const installment of loan.installments) left = loan.pay(installment, left, allocated);
  loan.end("settled");
  if (left > 0n) loan.toCredit(left);
  loan.events.push({ type: "settled", date: loan.date, loan: loan.base.id, amount: amount - left });
  return allocated;
}

/** `POST /loans/{id}/settlement` and the scenario's `settle`: pays exactly the quote. */
export function settleLoan(
  loan: LoanState,
  product: Product,
  date: CivilDate,
): Serviced & { quote: SettlementQuote; allocated: Parts } {
  const working = new WorkingLoan(loan, product, date, "charge");
  chargeDue(working);
  working.nextEntry("settle");
  const quote = quoteWorking(working);
  const allocated = settleWorking(working, quote.total, quote);
  return { ...working.finish(), quote, allocated };
}
