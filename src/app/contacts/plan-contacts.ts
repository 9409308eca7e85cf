import type { CivilDate } from "../../domain/calendar/civil-date.js";
import type { LoanState } from "../../domain/loan/loan.js";
import type { ProposedAttempt } from "../../domain/policy/attempt.js";
import type { Product } from "../../domain/product/product.js";
import { ladderOfLoan } from "../../domain/strategy/known-ladders.js";
import { type Ladder, ladderRef } from "../../domain/strategy/ladder.js";
import { proposeSteps } from "../../domain/strategy/propose-steps.js";
import type { ContactPlanRecord } from "../../ports/contact-store.js";
import type { StoreTx } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { loadProduct } from "../products.js";
import { isUnpaid } from "./message-values.js";

/** Loans read per planning transaction (STYLE 10). */
export const planBatchLoans = 500;

/**
 * Which ladder treats this loan, or none (the loan is skipped): the ladder the loan records in
 * `fenqi serve` and `fenqi worker` (`recordedStrategy`), the scenario's ladder in a simulation.
 */
export type StrategyFor = (loan: LoanState, product: Product) => Ladder | undefined;

/**
 * The ladder a loan records, found by its ref among the known ladders; a loan that records none
 * (stored before loans recorded it) gets its pack's default ladder. Undefined for a ref that is
 * not a known ladder: such a loan is not planned for, and the pass counts it.
 */
export const recordedStrategy: StrategyFor = (loan, product) =>
  ladderOfLoan(loan.strategy, product.pack.id);

/** What one planning pass did: plans made, and loans skipped as their ladder is not known. */
export interface PlanningPass {
  readonly planned: number;
  readonly unknownStrategy: number;
}

/** The key that makes planning idempotent: one step per loan, date, channel and template. */
export function planKey(loanId: string, date: CivilDate, attempt: ProposedAttempt): string {
  return `${loanId}:${date}:${attempt.channel}:${attempt.template}`;
}

/** The ladder's steps for one loan on one business date, as the loan stands now. */
export function stepsFor(
  ladder: Ladder,
  loan: LoanState,
  product: Product,
  timeZone: string,
  date: CivilDate,
): ProposedAttempt[] {
  if (loan.status !== "open" && loan.status !== "charged_off") return [];
  return proposeSteps({
    ladder,
    loanId: loan.id,
    borrowerId: loan.borrowerId,
    installments: loan.installments.map((i) => ({
      n: i.n,
      dueDate: i.due,
      unpaid: isUnpaid(i, product),
    })),
    date,
    timeZone,
  });
}

/**
 * The strategy proposes the day's steps (DESIGN.md "strategy proposes, policy disposes"): for
 * every open loan, the ladder's steps that fall on `date` become plans due at the step's local
 * time. Each is judged only when it falls due (`runDuePlans`), on the facts of that moment.
 * Planning a date again inserts nothing new. Each loan is planned by the ladder `strategyFor`
 * gives it; a loan it gives none is skipped and counted (by number only: no ids, no personal data).
 */
export async function planContacts(
  ctx: AppContext,
  date: CivilDate,
  strategyFor: StrategyFor,
): Promise<PlanningPass> {
  let planned = 0;
  let unknownStrategy = 0;
  for (const status of ["open", "charged_off"] as const) {
    for (let after: string | undefined; ; ) {
      const batch = await ctx.store.transaction(async (tx) => {
        const loans = await tx.loans.list({ status }, { after, limit: planBatchLoans });
        const batchPlans = await plansFor(ctx, tx, loans, strategyFor, date);
        planned += await tx.contactPlans.insertMany(batchPlans.plans);
        return { loans, unknownStrategy: batchPlans.unknownStrategy };
      });
      unknownStrategy += batch.unknownStrategy;
      if (batch.loans.length < planBatchLoans) break;
      after = batch.loans.at(-1)?.id;
    }
  }
  return { planned, unknownStrategy };
}

async function plansFor(
  ctx: AppContext,
  tx: StoreTx,
  loans: readonly LoanState[],
  strategyFor: StrategyFor,
  date: CivilDate,
): Promise<{ plans: ContactPlanRecord[]; unknownStrategy: number }> {
  const products = new Map<string, Product | undefined>();
  for (const loan of loans)
    if (!products.has(loan.productId))
      products.set(loan.productId, await loadProduct(tx, loan.productId));
  // Each loan's ladder, resolved in memory (the loan row carries its ref): no query per loan.
  const ladders = new Map<string, Ladder>();
  let unknownStrategy = 0;
  for (const loan of loans) {
    const product = products.get(loan.productId);
    const ladder = product && strategyFor(loan, product);
    if (ladder) ladders.set(loan.id, ladder);
    else if (product) unknownStrategy++;
  }
  // Whether a step falls on the date depends on the due dates only (the zone sets its hour), and
  // on most dates most loans have none: read the zones of the borrowers that do, in one query.
  const firing = loans.filter((loan) => {
    const product = products.get(loan.productId);
    const ladder = ladders.get(loan.id);
    return product && ladder && stepsFor(ladder, loan, product, "UTC", date).length > 0;
  });
  const zones = await tx.borrowers.timeZonesOf(firing.map((loan) => loan.borrowerId));
  const plans: ContactPlanRecord[] = [];
  for (const loan of firing) {
    const product = products.get(loan.productId);
    const zone = zones.get(loan.borrowerId);
    const ladder = ladders.get(loan.id);
    if (!product || !zone || !ladder) continue;
    for (const step of stepsFor(ladder, loan, product, zone, date)) {
      plans.push({
        id: ctx.ids.next("plan"),
        key: planKey(loan.id, date, step),
        borrowerId: loan.borrowerId,
        loanId: loan.id,
        stepDate: date,
        channel: step.channel,
        template: step.template,
        dueAt: step.at,
        strategy: ladderRef(ladder),
        status: "pending",
      });
    }
  }
  return { plans, unknownStrategy };
}
