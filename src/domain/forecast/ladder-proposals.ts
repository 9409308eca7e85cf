import type { CivilDate } from "../calendar/civil-date.js";
import { type InstallmentState, type LoanState, totalOf } from "../loan/loan.js";
import type { ProposedAttempt, RecipientFacts } from "../policy/attempt.js";
import type { Product } from "../product/product.js";
import { proposeSteps } from "../strategy/ladder.js";
import type { ForecastInput } from "./forecast-input.js";
import type { Simulation } from "./simulation.js";

/**
 * The strategy's side of the forecast: what the ladder proposes on each date, and how a judged
 * proposal changes the facts the later judgements see.
 */

/** The ladder's proposals for `date` on the loan as closed through the day before. */
export function proposalsFor(input: ForecastInput, loan: LoanState, date: CivilDate, zone: string) {
  if (!input.ladder || (loan.status !== "open" && loan.status !== "charged_off")) return [];
  return proposeSteps({
    ladder: input.ladder,
    loanId: loan.id,
    borrowerId: loan.borrowerId,
    installments: loan.installments.map((i) => ({
      n: i.n,
      dueDate: i.due,
      unpaid: unpaid(i, input.product),
    })),
    date,
    timeZone: zone,
  });
}

/**
 * Whether an installment still counts as unpaid: what it owes under the schedule in force,
 * charged or not yet, above the arrears tolerance (the rule the app's planning uses, `isUnpaid`).
 */
function unpaid(installment: InstallmentState, product: Product): boolean {
  const { principal, interest, fee, late, paid } = installment;
  const owed = principal + interest + fee + late - totalOf(paid);
  return owed > product.arrearsTolerance;
}

/**
 * A judged proposal joins the history as the store would keep it (dispatched when allowed, no
 * outcome: no call is answered). A validation notice that goes out is the notice on file from
 * then on (US-VALIDATION), as the app derives it from the history.
 */
export function recordProposal(
  sim: Simulation,
  attempt: ProposedAttempt,
  recipient: RecipientFacts,
  dispatched: boolean,
): void {
  sim.history.push({
    at: attempt.at,
    loanId: attempt.loanId,
    recipient: attempt.recipient,
    channel: attempt.channel,
    template: attempt.template,
    numberId: attempt.channel === "phone" ? recipient.numberId : undefined,
    dispatched,
    outcome: undefined,
  });
  const validation = sim.input.pack.contact.validation;
  if (
    dispatched &&
    validation !== undefined &&
    attempt.template === validation.noticeTemplate &&
    sim.preferences.validation.noticeAt === undefined
  ) {
    sim.preferences = {
      ...sim.preferences,
      validation: { ...sim.preferences.validation, noticeAt: attempt.at },
    };
  }
}
