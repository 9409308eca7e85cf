import type { CivilDate } from "../../domain/calendar/civil-date.js";
import type { LoanState } from "../../domain/loan/loan.js";
import type { ProposedAttempt } from "../../domain/policy/attempt.js";
import type { Product } from "../../domain/product/product.js";
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
 * Which ladder treats a loan of this product, or none: the pack's default ladder in `fenqi serve`
 * (CN and US loans each get their own), the scenario's ladder in a simulation.
 */
export type StrategyFor = (product: Product) => Ladder | undefined;

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
 * Planning a date again inserts nothing new. Returns the number of plans made.
 */
export async function planContacts(
  ctx: AppContext,
  date: CivilDate,
  strategyFor: StrategyFor,
): Promise<number> {
  let made = 0;
  for (const status of ["open", "charged_off"] as const) {
    for (let after: string | undefined; ; ) {
      const batch = await ctx.store.transaction(async (tx) => {
        const loans = await tx.loans.list({ status }, { after, limit: planBatchLoans });
        made += await tx.contactPlans.insertMany(await plansFor(ctx, tx, loans, strategyFor, date));
        return loans;
      });
      if (batch.length < planBatchLoans) break;
      after = batch.at(-1)?.id;
    }
  }
  return made;
}

async function plansFor(
  ctx: AppContext,
  tx: StoreTx,
  loans: readonly LoanState[],
  strategyFor: StrategyFor,
  date: CivilDate,
): Promise<ContactPlanRecord[]> {
  const products = new Map<string, Product | undefined>();
  for (const loan of loans)
    if (!products.has(loan.productId))
      products.set(loan.productId, await loadProduct(tx, loan.productId));
  // Whether a step falls on the date depends on the due dates only (the zone sets its hour), and
  // on most dates most loans have none: read the zones of the borrowers that do, in one query.
  const firing = loans.filter((loan) => {
    const product = products.get(loan.productId);
    const ladder = product && strategyFor(product);
    return product && ladder && stepsFor(ladder, loan, product, "UTC", date).length > 0;
  });
  const zones = await tx.borrowers.timeZonesOf(firing.map((loan) => loan.borrowerId));
  const plans: ContactPlanRecord[] = [];
  for (const loan of firing) {
    const product = products.get(loan.productId);
    const zone = zones.get(loan.borrowerId);
    const ladder = product && strategyFor(product);
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
  return plans;
}
