import type { Instant } from "../../domain/calendar/instant.js";
import type { ContactPlanRecord } from "../../ports/contact-store.js";
import type { StoreTx } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { loadProduct } from "../products.js";
import { decideAndRecord } from "./decide.js";
import { type StrategyFor, stepsFor } from "./plan-contacts.js";

/** Plans judged per call: a bounded pass, called again by the scheduler (STYLE 13). */
export const plansPerRunMax = 500;

/**
 * A plan more than this overdue (the process was down) is dropped unjudged: a reminder for
 * yesterday's step is not sent today. The next dates' steps are planned as usual.
 */
export const planStaleAfterMs = 86_400_000;

export interface PlanRun {
  readonly judged: number;
  readonly dropped: number;
  /** Ids of the attempts recorded, in order. */
  readonly attempts: readonly string[];
}

/**
 * Judges the strategy's contacts that have fallen due by `now` (the clock's instant), one
 * transaction each: the plan's status, the decision and its outbox row commit together, so a
 * crash leaves each plan either pending (judged again on the next run) or judged once. A step
 * whose installment has been paid in the meantime, or whose loan is no longer open, is dropped.
 */
export async function runDuePlans(
  ctx: AppContext,
  strategyFor: StrategyFor | undefined,
  limit = plansPerRunMax,
): Promise<PlanRun> {
  const now = ctx.clock.now();
  const plans = await ctx.store.transaction((tx) =>
    tx.contactPlans.due(now, Math.min(limit, plansPerRunMax)),
  );
  let judged = 0;
  let dropped = 0;
  const attempts: string[] = [];
  for (const plan of plans) {
    const outcome = await ctx.store.transaction((tx) => judgePlan(ctx, tx, plan, strategyFor, now));
    if (outcome === undefined) dropped++;
    else {
      judged++;
      attempts.push(outcome);
    }
  }
  return { judged, dropped, attempts };
}

async function judgePlan(
  ctx: AppContext,
  tx: StoreTx,
  plan: ContactPlanRecord,
  strategyFor: StrategyFor | undefined,
  now: Instant,
): Promise<string | undefined> {
  const loan = await tx.loans.get(plan.loanId);
  const product = loan && (await loadProduct(tx, loan.productId));
  const borrower = loan && (await tx.borrowers.get(loan.borrowerId));
  // Still wanted: the ladder, run again for the step's date on the loan as it is now, still
  // proposes it (an installment paid in the meantime, a settled loan: the step is dropped).
  const ladder = loan && product && strategyFor?.(loan, product);
  const relevant =
    now - plan.dueAt <= planStaleAfterMs &&
    loan &&
    product &&
    borrower &&
    ladder !== undefined &&
    stepsFor(ladder, loan, product, borrower.timeZone, plan.stepDate).some(
      (s) => s.channel === plan.channel && s.template === plan.template,
    );
  // The status moves first: a plan another runner took in the meantime is left to it.
  if (!(await tx.contactPlans.setStatus(plan.id, relevant ? "judged" : "dropped")) || !relevant)
    return undefined;
  const record = await decideAndRecord(
    ctx,
    tx,
    { loan, product, borrower },
    {
      loanId: loan.id,
      borrowerId: borrower.id,
      recipient: { kind: "borrower" },
      channel: plan.channel,
      template: plan.template,
      at: now,
      source: "strategy",
    },
    plan,
  );
  return record.id;
}
