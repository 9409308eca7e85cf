import { addDays, type CivilDate, compareDates, daysBetween } from "../calendar/civil-date.js";
import { type JournalEntry, lenderAccounts } from "../ledger/journal.js";
import { chargeDue } from "../loan/charge-due.js";
import type { LoanEvent } from "../loan/events.js";
import { type Bucket, type LoanState, outstandingOf, totalOf } from "../loan/loan.js";
import { type MutableInstallment, type Serviced, WorkingLoan } from "../loan/working-loan.js";
import type { Amount } from "../money/amount.js";
import { divRound } from "../money/rounding.js";
import type { LateCharge, Product } from "../product/product.js";
import { assert } from "../result.js";

/**
 * The daily close of one loan for business date D (DESIGN.md "Daily close and delinquency"):
 * the start-of-day charges of D, then late charges for installments past their grace, clamped
 * so that everything ever charged stays within the pack's all-in cap, then days past due,
 * bucket, bureau reporting and charge-off. D must be the day after the last closed date; closing
 * a date already closed changes nothing (the same loan comes back, no entries, no events).
 */
/**
 * Whether a bureau report may go out on a date, beyond the threshold (US-CREDIT-REPORT: the
 * consumer was spoken to, or a letter went 14 days before). Absent: always (CN).
 */
export type ReportGate = (date: CivilDate) => boolean;

export function closeDay(
  loan: LoanState,
  product: Product,
  date: CivilDate,
  reportGate?: ReportGate,
): Serviced {
  if (compareDates(date, loan.delinquency.closedThrough) <= 0)
    return { loan, entries: [], events: [] };
  assert(
    date === addDays(loan.delinquency.closedThrough, 1),
    "closeDay: dates must be closed in order",
  );
  const working = new WorkingLoan(loan, product, date, "charge");
  chargeDue(working);
  const principal = working.installments.reduce(
    (sum, i) => sum + i.principal - i.paid.principal,
    0n,
  );
  const principalDays =
    working.delinquency.principalDays + (working.status === "open" ? principal : 0n);
  working.delinquency = { ...working.delinquency, principalDays, closedThrough: date };
  if (working.status === "open") chargeLate(working);
  ageDelinquency(working, reportGate);
  return working.finish();
}

/** An installment's days past due: D − due while its unpaid principal+interest+fee exceeds the tolerance. */
export function installmentDpd(
  installment: MutableInstallment,
  date: CivilDate,
  tolerance: Amount,
): number {
  if (compareDates(installment.due, date) >= 0) return 0;
  const owed = outstandingOf(installment);
  return owed.principal + owed.interest + owed.fee > tolerance
    ? daysBetween(installment.due, date)
    : 0;
}

export function bucketOf(dpd: number): Bucket {
  return dpd <= 0 ? "current" : dpd <= 30 ? "M1" : dpd <= 60 ? "M2" : dpd <= 90 ? "M3" : "M4+";
}

/** The all-in cap: round(capRate × Σ_d principal_d / 365) (CN-COST-CAP, US-COST-CAP). */
export function costCap(loan: WorkingLoan): Amount {
  return divRound(
    loan.delinquency.principalDays * loan.product.pack.costCapBasis,
    10000n * 365n,
    loan.product.rounding,
  );
}

/** Everything ever charged on the loan: interest, fees and late charges. */
export function chargedSoFar(loan: WorkingLoan): Amount {
  return loan.installments.reduce(
    (sum, i) => sum + i.late + (i.charged ? i.interest + i.fee : 0n),
    0n,
  );
}

/**
 * Late charges of the day, oldest installment first and in the product's list order, each only
 * once its installment's own DPD exceeds the grace; limited together to the room under the cap.
 * What the cap prevents is forgone for good and recorded as a clamp.
 */
function chargeLate(loan: WorkingLoan): void {
  const { product, date } = loan;
  let room = costCap(loan) - chargedSoFar(loan);
  if (room < 0n) room = 0n;
  let clamped = 0n;
  for (const installment of loan.installments) {
    const dpd = installmentDpd(installment, date, product.arrearsTolerance);
    if (dpd <= product.graceDays) continue;
    const oneTimeDue = !installment.lateFeeCharged;
    for (const charge of product.lateCharges) {
      const wanted = lateChargeAmount(charge, installment, product, oneTimeDue);
      if (wanted === 0n) continue;
      const granted = wanted < room ? wanted : room;
      room -= granted;
      clamped += wanted - granted;
      if (granted > 0n) {
        installment.late += granted;
        loan.charge("late", granted);
        loan.events.push({
          type: "late_charge",
          date,
          loan: loan.base.id,
          n: installment.n,
          kind: charge.kind,
          amount: granted,
        });
      }
    }
    if (oneTimeDue && product.lateCharges.some((c) => c.kind !== "penalty_daily"))
      installment.lateFeeCharged = true;
  }
  if (clamped > 0n) {
    loan.delinquency = { ...loan.delinquency, lateClamped: loan.delinquency.lateClamped + clamped };
    loan.events.push({ type: "clamp", date, loan: loan.base.id, amount: clamped });
  }
}

function lateChargeAmount(
  charge: LateCharge,
  installment: MutableInstallment,
  product: Product,
  oneTimeDue: boolean,
): Amount {
  switch (charge.kind) {
    case "penalty_daily": {
      const unpaid = installment.principal - installment.paid.principal;
      return divRound(unpaid * charge.rate.num, charge.rate.den, product.rounding);
    }
    case "late_fee_fixed":
      return oneTimeDue ? charge.amount : 0n;
    case "late_fee_percent": {
      const total = installment.principal + installment.interest + installment.fee;
      return oneTimeDue ? divRound(total * charge.rate.num, charge.rate.den, product.rounding) : 0n;
    }
  }
}

/**
 * The loan's DPD (its oldest overdue installment's), bucket changes, one bureau report per
 * delinquency episode at the first close past the threshold (CN-REPORTING: DPD > graceDays),
 * and charge-off at chargeOffDays. A report the gate holds back waits for a later close of the
 * same episode (US-REPORTING: "only after US-CREDIT-REPORT holds").
 */
function ageDelinquency(loan: WorkingLoan, reportGate: ReportGate | undefined): void {
  const { product, date } = loan;
  const active = loan.status === "open" || loan.status === "charged_off";
  const dpd = active
    ? loan.installments.reduce(
        (max, i) => Math.max(max, installmentDpd(i, date, product.arrearsTolerance)),
        0,
      )
    : 0;
  const bucket = bucketOf(dpd);
  const before = loan.delinquency;
  if (bucket !== before.bucket)
    loan.events.push({ type: "bucket", date, loan: loan.base.id, from: before.bucket, to: bucket });
  let reported = dpd > 0 && before.reported;
  if (
    dpd > product.graceDays &&
    !reported &&
    loan.status === "open" &&
    (reportGate === undefined || reportGate(date))
  ) {
    loan.events.push({ type: "report", date, loan: loan.base.id, dpd });
    reported = true;
  }
  loan.delinquency = { ...loan.delinquency, dpd, bucket, reported };
  if (loan.status === "open" && dpd >= product.chargeOffDays) chargeOff(loan);
}

/**
 * Charges the loan off for good: the outstanding balance is booked as a loss against an
 * allowance (the receivables stay, so recoveries still pay them), and nothing more is charged.
 */
function chargeOff(loan: WorkingLoan): void {
  const outstanding = loan.installments.reduce((sum, i) => sum + totalOf(outstandingOf(i)), 0n);
  loan.status = "charged_off";
  loan.nextEntry("charge_off");
  loan.post(lenderAccounts.writeOff, lenderAccounts.allowance, outstanding);
  loan.events.push({ type: "charge_off", date: loan.date, loan: loan.base.id, outstanding });
}

/**
 * Closes every business date after the loan's last closed one up to and including `through`, in
 * order: the catch-up of a missed close, and what an operation dated D needs first (the closes of
 * the dates before D). Closing one by one and catching up give the same loan.
 */
export function closeThrough(
  loan: LoanState,
  product: Product,
  through: CivilDate,
  reportGate?: ReportGate,
): Serviced {
  let current = loan;
  const entries: JournalEntry[] = [];
  const events: LoanEvent[] = [];
  for (
    let d = addDays(current.delinquency.closedThrough, 1);
    compareDates(d, through) <= 0;
    d = addDays(d, 1)
  ) {
    const closed = closeDay(current, product, d, reportGate);
    current = closed.loan;
    entries.push(...closed.entries);
    events.push(...closed.events);
  }
  return { loan: current, entries, events };
}
