import type { Rate } from "../money/rate.js";
import type { RoundingMode } from "../money/rounding.js";

/** How principal, interest and fees are spread over the installments (DESIGN.md "Products and schedules"). */
export type Method = "equal_installment" | "equal_principal" | "flat_fee";

export const methods: readonly Method[] = ["equal_installment", "equal_principal", "flat_fee"];

/** The part of a product that decides a schedule's numbers. */
export interface ScheduleTerms {
  readonly method: Method;
  /** Nominal annual interest rate; zero for a flat-fee plan. */
  readonly annualRate: Rate;
  /** Fee per installment as a share of the original principal; zero unless `flat_fee`. */
  readonly periodFeeRate: Rate;
  readonly rounding: RoundingMode;
}

/** The most installments a plan may have: 30 years of monthly payments. */
export const installmentCountMax = 360;
