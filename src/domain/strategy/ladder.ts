import type { Channel } from "../policy/attempt.js";
import type { TemplateId } from "../policy/templates.js";

// The ladder's whole public face in one import: what a step is, and what a ladder proposes.
export {
  type InstallmentState,
  installmentsPerLoanMax,
  type ProposeStepsInput,
  proposeSteps,
} from "./propose-steps.js";
export { defaultStepTime, stepTimePattern } from "./step-time.js";

/**
 * A strategy ladder: lender data naming what to send, by which channel, on which day relative to
 * a due date (DESIGN.md "Overdue handling": "a strategy (lender data) is a ladder of steps
 * relative to due dates"). Ladders are versioned, and a loan records the `id@version` treating
 * it, so a change of strategy never rewrites what an older loan was promised. The ladder only
 * proposes; the policy engine judges every proposal.
 */
export interface Ladder {
  readonly id: string;
  readonly version: number;
  readonly steps: readonly LadderStep[];
}

export interface LadderStep {
  /** Days after the due date: −3 is three days before, 0 the due date, 1 the day after. */
  readonly day: number;
  readonly channel: Channel;
  readonly template: TemplateId;
  /** Local time of the borrower, "HH:MM"; `defaultStepTime` when left out. */
  readonly time?: string;
}

/** Steps one ladder may hold: a year of daily steps on two channels is far beyond any strategy. */
export const ladderStepsMax = 64;

/** The farthest a step may sit from the due date, either way. */
export const ladderDayOffsetMax = 365;

/** "id@version": how a loan and a stored proposal name the ladder. */
export function ladderRef(ladder: Ladder): string {
  return `${ladder.id}@${ladder.version}`;
}
