import type { Instant } from "../calendar/instant.js";
import type { DecisionInput } from "./attempt.js";
import type { ContactRules } from "./policy-pack.js";
import { templateSpec } from "./templates.js";
import { dayMs, deny, dispatched, type RuleCheck } from "./verdict.js";

type ValidationSpec = NonNullable<ContactRules["validation"]>;

/**
 * US-VALIDATION (Regulation F 1006.34, 1006.38), for communications with the consumer about this
 * loan. The "first communication" is the first dispatched message to the consumer about this
 * loan that is not a `reminder`: a reminder before the due date is the creditor servicing a
 * current account, not the collection of a debt, and counting it would start the 5-day clock on
 * the first installment of every loan ever reminded. "5 days" and "30 days" are elapsed time
 * (5 × 24 h, 30 × 24 h).
 */

/** When the validation notice went out, from the record or from the history. */
function noticeSentAt(
  input: DecisionInput,
  spec: ValidationSpec,
  at: Instant,
): Instant | undefined {
  const recorded = input.preferences.validation.noticeAt;
  const sent = dispatched(input.history)
    .filter(
      (e) =>
        e.loanId === input.attempt.loanId &&
        e.recipient.kind === "borrower" &&
        e.template === spec.noticeTemplate,
    )
    .map((e) => e.at);
  const all = recorded === undefined ? sent : [...sent, recorded];
  const earliest = all.filter((t) => t <= at).sort((a, b) => a - b)[0];
  return earliest;
}

function firstCommunicationAt(input: DecisionInput): Instant | undefined {
  const firsts = dispatched(input.history)
    .filter(
      (e) =>
        e.loanId === input.attempt.loanId &&
        e.recipient.kind === "borrower" &&
        templateSpec(e.template)?.kind !== "reminder",
    )
    .map((e) => e.at)
    .sort((a, b) => a - b);
  return firsts[0];
}

/**
 * A dispute received within `disputeDays` after the notice pauses collection until verification
 * is sent after it.
 */
function disputePending(
  input: DecisionInput,
  spec: ValidationSpec,
  noticeAt: Instant,
  at: Instant,
) {
  const { disputedAt, verifiedAt } = input.preferences.validation;
  if (disputedAt === undefined || disputedAt > at) return false;
  if (disputedAt > noticeAt + spec.disputeDays * dayMs) return false;
  return verifiedAt === undefined || verifiedAt < disputedAt || verifiedAt > at;
}

export const checkValidation: RuleCheck = (context, at) => {
  const spec = context.policy.contact.validation;
  const { input, template } = context;
  if (spec === undefined || input.attempt.recipient.kind !== "borrower") return [];
  const noticeAt = noticeSentAt(input, spec, at);
  if (noticeAt === undefined) {
    const first = firstCommunicationAt(input);
    const late = first !== undefined && at - first > spec.noticeDays * dayMs;
    return late && input.attempt.template !== spec.noticeTemplate ? [deny(spec.rule)] : [];
  }
  const paused = disputePending(input, spec, noticeAt, at) && template?.kind !== "notice";
  return paused ? [deny(spec.rule)] : [];
};
