import { addDays, type CivilDate, compareDates, daysBetween } from "../calendar/civil-date.js";
import { type LoanState, outstandingOf } from "../loan/loan.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import { bucketOf } from "./close-day.js";

/**
 * Quiet dates. On most business dates most loans have nothing happen to them: no installment
 * falls due, nothing passes its grace, no bucket, report or charge-off threshold is crossed. The
 * close of such a date only counts: the day's outstanding principal joins the cap's base
 * (principal-days) of an open loan, a delinquent loan's DPD grows by one, and the loan is closed
 * through the date. Charged-off loans, which pile up over the years and never accrue again, are
 * quiet on all but the dates an installment falls due or their bucket changes. The store runs those closes set-based, in one statement over the whole portfolio, and
 * reads into the domain step only the loans where something happens. `quietThrough` is the
 * domain's word on which dates are quiet; the property tests hold it to `closeDay`.
 */

/** The DPD above which each bucket ends (M4+ never does). */
const bucketEnds: Readonly<Record<string, number>> = { current: 0, M1: 30, M2: 60, M3: 90 };

/**
 * The last business date through which every close after the loan's last closed date is quiet,
 * as long as nothing but the close happens to the loan (a payment or any other operation makes
 * its own close decide again). The loan's last closed date itself when the next close is not
 * quiet. Conservative by construction: a date it calls quiet is one where `closeDay` only counts.
 */
export function quietThrough(loan: LoanState, product: Product): CivilDate {
  const { closedThrough, dpd, bucket, reported } = loan.delinquency;
  const none = closedThrough;
  const open = loan.status === "open";
  if (!open && loan.status !== "charged_off") return none;
  let last: CivilDate | undefined;
  const bound = (date: CivilDate) => {
    if (last === undefined || compareDates(date, last) < 0) last = date;
  };
  let oldestOwing: CivilDate | undefined;
  for (const installment of loan.installments) {
    if (!installment.charged) {
      // The close of its due date charges its interest and fee (a `due` event).
      bound(addDays(installment.due, -1));
      continue;
    }
    if (!owes(installment, product.arrearsTolerance)) continue;
    // Charged early by a payment that reached it, not yet due: past due the day after its due date.
    if (compareDates(installment.due, closedThrough) > 0) bound(installment.due);
    else if (oldestOwing === undefined) oldestOwing = installment.due;
  }
  if (oldestOwing === undefined) {
    // Nothing past due, nor will anything be before the next due date: DPD stays 0.
    if (dpd !== 0 || bucket !== "current" || reported) return none;
  } else {
    const age = daysBetween(oldestOwing, closedThrough);
    // The stored DPD must be the one the close would compute; anything else decides in full.
    if (age <= 0 || dpd !== age || bucket !== bucketOf(age)) return none;
    // Past the grace late charges start and the report is due; past the bucket's end the bucket
    // changes; at chargeOffDays the loan is charged off. Each installment's DPD is at most the
    // oldest's, so the oldest bounds them all. A charged-off loan is charged nothing more and
    // reported no more: only its bucket can still change.
    const end = bucketEnds[bucket];
    if (open) {
      bound(addDays(oldestOwing, product.graceDays));
      bound(addDays(oldestOwing, product.chargeOffDays - 1));
    }
    if (end !== undefined) bound(addDays(oldestOwing, end));
  }
  // A loan with nothing left to fall due and nothing owing stays quiet; a year keeps the bound a date.
  const through = last ?? addDays(closedThrough, 366);
  return compareDates(through, closedThrough) > 0 ? through : none;
}

/** Whether an installment counts as unpaid for days past due: its principal, interest and fee above the tolerance. */
function owes(installment: LoanState["installments"][number], tolerance: Amount): boolean {
  const owed = outstandingOf(installment);
  return owed.principal + owed.interest + owed.fee > tolerance;
}

/** The principal outstanding: what a quiet close adds to principal-days. */
export function principalOutstanding(loan: LoanState): Amount {
  return loan.installments.reduce((sum, i) => sum + i.principal - i.paid.principal, 0n);
}

/**
 * The close of one quiet date, as the store performs it set-based: an open loan's principal-days
 * grow by the principal outstanding, a delinquent loan's DPD by one, and the loan is closed
 * through `date`. No entries, no events. Only for a date `quietThrough` allows, the day after
 * the last closed.
 */
export function closeQuietly(loan: LoanState, date: CivilDate): LoanState {
  const d = loan.delinquency;
  const accrued = loan.status === "open" ? principalOutstanding(loan) : 0n;
  return {
    ...loan,
    delinquency: {
      ...d,
      closedThrough: date,
      dpd: d.dpd > 0 ? d.dpd + 1 : 0,
      principalDays: d.principalDays + accrued,
    },
    version: loan.version + 1,
  };
}
