import { closeBusinessDay } from "../app/close/close-business-day.js";
import type { AppContext } from "../app/context.js";
import { originate } from "../app/loans/loans.js";
import { addDays, type CivilDate, dueDates } from "../domain/calendar/civil-date.js";
import { civilDateAt } from "../domain/calendar/instant.js";
import { CN1 } from "../domain/jurisdiction/packs.js";

/**
 * Two demo loans dated from today, so a newcomer's `fenqi serve` has reminders to send: one whose
 * first bill falls due in three days (today brings the D−3 in-app and SMS reminders to b1) and
 * one five days overdue (today brings the D+5 e-mail with the amount and consequences to b4).
 */
const liveLoans = [
  { order: "demo-live-reminder", borrower: "b1", principal: "1200.00", dueIn: 3 },
  { order: "demo-live-overdue", borrower: "b4", principal: "2400.00", dueIn: -5 },
] as const;

/** How far back an origination date is searched for a first due date on the wanted day. */
const originationSearchDays = 45;

export async function seedLiveLoans(ctx: AppContext): Promise<void> {
  const today = civilDateAt(ctx.clock.now(), CN1.timeZone);
  for (const live of liveLoans) {
    const date = originationFor(addDays(today, live.dueIn), today);
    if (!date) continue;
    const created = await originate(ctx, {
      orderId: `${live.order}-${date}`,
      borrowerId: live.borrower,
      productId: "mall-flat",
      principal: live.principal,
      installments: 6,
      date,
    });
    if (!created.ok) throw new Error(`demo loan ${live.order}: ${created.error.message}`);
  }
  // Every loan, the demo's older ones too, is closed through yesterday as the server would.
  const closed = await closeBusinessDay(ctx, addDays(today, -1));
  if (!closed.ok) throw new Error(`demo close: ${closed.error.message}`);
}

/** An origination date whose first due date is `due` (month ends clamp, so some days have none). */
function originationFor(due: CivilDate, today: CivilDate): CivilDate | undefined {
  for (let back = 20; back <= originationSearchDays; back++) {
    const candidate = addDays(today, -back);
    if (dueDates(candidate, 1)[0] === due) return candidate;
  }
  return undefined;
}
