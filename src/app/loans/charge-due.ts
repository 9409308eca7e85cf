import { type CivilDate, compareDates } from "../../domain/calendar/civil-date.js";
import { chargeThrough } from "../../domain/loan/charge-due.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult } from "../errors.js";
import { loadProduct } from "../products.js";
import { transact } from "../transact.js";
import { type EventView, eventView } from "./event-view.js";

/**
 * Charges the interest and fees of every installment of a loan due on or before `date` (the
 * start-of-day step of the daily close). Running it again for the same date changes nothing.
 */
export async function chargeDueInstallments(
  ctx: AppContext,
  loanId: string,
  date: CivilDate,
): Promise<AppResult<readonly EventView[]>> {
  return transact(ctx, async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${loanId}` });
    if (compareDates(date, loan.chargedThrough) <= 0) return [];
    const product = await loadProduct(tx, loan.productId);
    if (!product) throw new Error(`loan ${loan.id} names a missing product`);
    const result = chargeThrough(loan, product, date);
    const now = ctx.clock.now();
    await tx.loans.update(result.loan);
    await tx.ledger.append(result.entries, `charge:${loan.id}:${date}`, now);
    if (result.entries.length > 0)
      await audit(tx, now, "loan.charged", loan.id, { date, version: result.loan.version });
    return result.events.map((e) => eventView(e, product.currency));
  });
}
