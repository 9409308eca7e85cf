import type { JurisdictionPack } from "../jurisdiction/packs.js";
import type { Amount } from "../money/amount.js";
import type { Currency } from "../money/currency.js";
import type { Rate } from "../money/rate.js";
import type { ScheduleTerms } from "../schedule/terms.js";

/** A late charge of the product's list, judged per installment after its grace (DESIGN.md "Daily close"). */
export type LateCharge =
  | { readonly kind: "penalty_daily"; readonly rate: Rate }
  | { readonly kind: "late_fee_fixed"; readonly amount: Amount }
  | { readonly kind: "late_fee_percent"; readonly rate: Rate };

export const lateChargeKinds = ["penalty_daily", "late_fee_fixed", "late_fee_percent"] as const;

/** The parts of an installment a payment can cover, in the order a payment covers them. */
export type Component = "late" | "fee" | "interest" | "principal";

/** Civil Code Art. 561: costs, then interest, then principal. */
export const defaultAllocation: readonly Component[] = ["late", "fee", "interest", "principal"];

export type Prepayment = "shorten_term" | "reamortize";

/** A validated product: every field present, every amount and rate exact. */
export interface Product extends ScheduleTerms {
  readonly id: string;
  readonly pack: JurisdictionPack;
  readonly currency: Currency;
  /** Installment counts offered, in the order given. */
  readonly installments: readonly number[];
  readonly graceDays: number;
  /** Unpaid principal + interest + fee at or below this does not make an installment overdue. */
  readonly arrearsTolerance: Amount;
  readonly chargeOffDays: number;
  readonly lateCharges: readonly LateCharge[];
  readonly allocation: readonly Component[];
  readonly prepayment: Prepayment;
}
