import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { instantAt } from "../calendar/instant.js";
import type { ProposedAttempt } from "../policy/attempt.js";
import { assert } from "../result.js";
import type { Ladder, LadderStep } from "./ladder.js";
import { defaultStepTime, stepTimePattern } from "./step-time.js";

/** One installment as the strategy sees it on the business date. */
export interface InstallmentState {
  readonly n: number;
  readonly dueDate: CivilDate;
  /** Still owed, in whole or in part, on the business date. */
  readonly unpaid: boolean;
}

export interface ProposeStepsInput {
  readonly ladder: Ladder;
  readonly loanId: string;
  readonly borrowerId: string;
  readonly installments: readonly InstallmentState[];
  /** The business date the close runs for. */
  readonly date: CivilDate;
  /** The borrower's zone: a step's local time is read there. */
  readonly timeZone: string;
}

/** The most installments one loan may have; a longer list is a bug upstream. */
export const installmentsPerLoanMax = 1_000;

function stepInstant(step: LadderStep, date: CivilDate, timeZone: string) {
  const match = stepTimePattern.exec(step.time ?? defaultStepTime);
  assert(match !== null, `step time ${step.time} is not HH:MM`);
  return instantAt(date, Number(match[1]), Number(match[2]), timeZone);
}

/**
 * What the ladder proposes for one loan on one business date. A step at day k fires for every
 * installment still unpaid whose `dueDate + k` is `date`: a pre-due reminder only for an
 * installment not yet paid, a post-due step only while that installment is overdue (unpaid after
 * its due date). Each proposal is addressed to the borrower at the step's local time in the
 * borrower's zone, from the strategy. When two installments make the same (channel, template)
 * fire on one date the borrower gets one message, at the earlier time. Proposals come in
 * instant order, then ladder order: the US validation notice at 09:00 before the 10:00 SMS.
 * The policy engine judges each one.
 *
 * @example proposeSteps({ ladder: cnDefaultLadder, loanId, borrowerId, installments: [{ n: 1, dueDate: "2026-03-10", unpaid: true }], date: "2026-03-07", timeZone: "Asia/Shanghai" })
 * // two reminders, in_app and sms, at 2026-03-07T01:00:00Z
 */
export function proposeSteps(input: ProposeStepsInput): ProposedAttempt[] {
  const { ladder, installments, date, timeZone } = input;
  assert(installments.length <= installmentsPerLoanMax, "too many installments for one loan");
  const fired: { order: number; attempt: ProposedAttempt }[] = [];
  ladder.steps.forEach((step, order) => {
    const due = addDays(date, -step.day);
    if (!installments.some((i) => i.unpaid && i.dueDate === due)) return;
    fired.push({
      order,
      attempt: {
        loanId: input.loanId,
        borrowerId: input.borrowerId,
        recipient: { kind: "borrower" },
        channel: step.channel,
        template: step.template,
        at: stepInstant(step, date, timeZone),
        source: "strategy",
      },
    });
  });
  fired.sort((a, b) => a.attempt.at - b.attempt.at || a.order - b.order);
  const seen = new Set<string>();
  return fired
    .map((f) => f.attempt)
    .filter((attempt) => {
      const key = `${attempt.channel} ${attempt.template}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
