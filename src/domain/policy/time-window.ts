import { civilDateAt } from "../calendar/instant.js";
import type { DailyWindow } from "./attempt.js";
import { complement, instantAtMinute, intersect, nextOpenInAll } from "./local-window.js";
import { defer, deny, latestFailure, type RuleCheck, type RuleContext } from "./verdict.js";

/**
 * CN-TIME-WINDOW / US-TIME-WINDOW, US-INCONVENIENT and CN-PROMISE: the rules that close hours or
 * days and so `defer` rather than deny.
 */

/**
 * The daily window for this recipient, or undefined when no hour is open. CN-TIME-WINDOW: a
 * window the debtor agreed to replaces the pack's, for the debtor only (the agreement is theirs,
 * not their contacts'); a house window narrows whichever applies. US@1 has no agreed window:
 * Regulation F's "prior consent" to other hours is not modelled.
 */
export function contactWindow(context: RuleContext): DailyWindow | undefined {
  const { timeWindow } = context.policy.contact;
  const agreed = context.input.preferences.agreedWindow;
  const forDebtor = context.input.attempt.recipient.kind === "borrower";
  const base =
    timeWindow.agreedWindowReplaces && forDebtor && agreed !== undefined
      ? agreed
      : timeWindow.window;
  const house = context.policy.houseWindow;
  return house === undefined ? base : intersect(base, house);
}

/**
 * CN-TIME-WINDOW / US-TIME-WINDOW: every channel, every recipient, judged in every zone on
 * file. Outside the window: defer to the next instant open in all zones. No such instant (an
 * empty window, or zones whose windows never overlap): deny, since waiting would not help.
 */
export const checkTimeWindow: RuleCheck = (context, at) => {
  const rule = context.policy.contact.timeWindow.rule;
  const window = contactWindow(context);
  if (window === undefined) return [deny(rule)];
  const next = nextOpenInAll(at, context.input.recipient.timeZones, () => [window]);
  if (next === undefined) return [deny(rule)];
  return next === at ? [] : [defer(rule, next)];
};

/**
 * US-INCONVENIENT: the daily times the consumer named as inconvenient are closed to contact with
 * the consumer. Defer past the closed time; if the consumer closed the whole day, deny.
 */
export const checkInconvenient: RuleCheck = (context, at) => {
  const spec = context.policy.contact.inconvenient;
  const closed = context.input.preferences.inconvenient;
  if (spec === undefined || closed.length === 0) return [];
  if (context.input.attempt.recipient.kind !== "borrower") return [];
  const open = complement(closed);
  const next = nextOpenInAll(at, context.input.recipient.timeZones, () => open);
  if (next === undefined) return [deny(spec.rule)];
  return next === at ? [] : [defer(spec.rule, next)];
};

/**
 * CN-PROMISE: while a promise-to-pay is open, automatic (strategy) contact waits until the
 * promised date, at the opening of that day's window in the recipient's zone. An agent may still
 * call: the rule is about automatic contact only. On the promised date itself contact is allowed.
 */
export const checkPromise: RuleCheck = (context, at) => {
  const spec = context.policy.contact.promise;
  const until = context.input.preferences.promiseUntil;
  if (spec === undefined || until === undefined) return [];
  if (context.input.attempt.source !== "strategy") return [];
  const opening = contactWindow(context)?.from ?? 0;
  const next = latestFailure(context.input.recipient.timeZones, (zone) =>
    civilDateAt(at, zone) < until ? instantAtMinute(until, opening, zone) : undefined,
  );
  return next === undefined ? [] : [defer(spec.rule, next)];
};
