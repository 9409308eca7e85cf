import type { CivilDate } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import { assert } from "../result.js";
import { type Disclosure, disclose } from "../schedule/disclosure.js";
import { buildSchedule, type Installment } from "../schedule/schedule.js";

/** What a borrower is shown before accepting a plan: the schedule and its annualized rates. */
export interface PlanOffer {
  readonly productId: string;
  readonly principal: Amount;
  readonly origination: CivilDate;
  readonly schedule: readonly Installment[];
  readonly disclosure: Disclosure;
}

/**
 * The offer for `principal` over `count` installments of `product`, originated on `origination`.
 * The count must be one the product offers (the caller validated it; a mismatch is a bug).
 */
export function offerPlan(
  product: Product,
  principal: Amount,
  count: number,
  origination: CivilDate,
): PlanOffer {
  assert(
    product.installments.includes(count),
    "offerPlan: installment count not offered by the product",
  );
  const schedule = buildSchedule(product, principal, count, origination);
  const disclosure = disclose(
    principal,
    schedule.map((row) => row.total),
  );
  return { productId: product.id, principal, origination, schedule, disclosure };
}
