import { addDays, type CivilDate, daysBetween } from "../calendar/civil-date.js";
import { civilDateAt, type Instant, startOfDay } from "../calendar/instant.js";
import type { HistoryEntry } from "./attempt.js";
import {
  defer,
  dispatched,
  isConversation,
  latestFailure,
  type RuleCheck,
  sameRecipient,
} from "./verdict.js";

/**
 * The call-frequency limits: CN-VOICE-DAILY, CN-UNANSWERED-DAILY, US-7IN7-CALLS and
 * US-7DAY-AFTER-CONVERSATION. A "day" is the recipient's local calendar day (POLICY.md counting
 * conventions), in every zone on file. Each limit applies to phone attempts only and defers:
 * the limit lifts with time, never with anything the engine could be told.
 */

/** The day after `date` begins in `zone`: when a daily count starts again. */
function nextDayStart(date: CivilDate, zone: string): Instant {
  return startOfDay(addDays(date, 1), zone);
}

/** The dispatched entries on the local day `date` in `zone` that `match`. */
function countOnDay(
  history: readonly HistoryEntry[],
  date: CivilDate,
  zone: string,
  match: (entry: HistoryEntry) => boolean,
): number {
  return history.filter((e) => e.dispatched && match(e) && civilDateAt(e.at, zone) === date).length;
}

/**
 * CN-VOICE-DAILY: at most `max` conversations with the debtor per local day. Whether a call will
 * be answered is unknown before it is made, so once the day's conversations are used up every
 * call to the debtor waits for the next local day (counting conversations about any loan: the
 * limit is per debtor).
 */
export const checkConversationsDaily: RuleCheck = (context, at) => {
  const spec = context.policy.contact.conversationsDaily;
  const { attempt, history, recipient } = context.input;
  if (spec === undefined || attempt.channel !== "phone" || attempt.recipient.kind !== "borrower") {
    return [];
  }
  const next = latestFailure(recipient.timeZones, (zone) => {
    const date = civilDateAt(at, zone);
    const count = countOnDay(
      history,
      date,
      zone,
      (e) => isConversation(e) && e.recipient.kind === "borrower",
    );
    return count >= spec.max ? nextDayStart(date, zone) : undefined;
  });
  return next === undefined ? [] : [defer(spec.rule, next)];
};

/**
 * CN-UNANSWERED-DAILY: at most `max` unanswered dials to one number per local day, whoever the
 * number belongs to. The number is `recipient.numberId`.
 */
export const checkUnansweredDaily: RuleCheck = (context, at) => {
  const spec = context.policy.contact.unansweredDaily;
  const { attempt, history, recipient } = context.input;
  if (spec === undefined || attempt.channel !== "phone") return [];
  const next = latestFailure(recipient.timeZones, (zone) => {
    const date = civilDateAt(at, zone);
    const count = countOnDay(
      history,
      date,
      zone,
      (e) =>
        e.channel === "phone" && e.outcome === "no_answer" && e.numberId === recipient.numberId,
    );
    return count >= spec.max ? nextDayStart(date, zone) : undefined;
  });
  return next === undefined ? [] : [defer(spec.rule, next)];
};

/**
 * US-7IN7-CALLS: at most `max` call attempts per debt in any `days` consecutive local days. The
 * calls counted are every dispatched phone attempt about this loan, to anyone: stricter than the
 * regulation's "to a particular person", and it needs no judgement of who a call reached. A
 * call on day D completes the window D−days+1 … D, so it waits until enough of the oldest calls
 * in that window have dropped out of it.
 */
export const checkCallsPerDebt: RuleCheck = (context, at) => {
  const spec = context.policy.contact.callsPerDebt;
  const { attempt, history, recipient } = context.input;
  if (spec === undefined || attempt.channel !== "phone") return [];
  const calls = dispatched(history).filter(
    (e) => e.channel === "phone" && e.loanId === attempt.loanId,
  );
  const next = latestFailure(recipient.timeZones, (zone) => {
    const date = civilDateAt(at, zone);
    const inWindow = calls
      .map((e) => civilDateAt(e.at, zone))
      .filter((d) => {
        const age = daysBetween(d, date);
        return age >= 0 && age < spec.days;
      })
      .sort();
    if (inWindow.length < spec.max) return undefined;
    // Dropping the oldest (count − max + 1) calls leaves max − 1: room for this one.
    const oldestKept = inWindow[inWindow.length - spec.max] as CivilDate;
    return startOfDay(addDays(oldestKept, spec.days), zone);
  });
  return next === undefined ? [] : [defer(spec.rule, next)];
};

/**
 * US-7DAY-AFTER-CONVERSATION: after a telephone conversation with this recipient about this
 * loan, no call until local day `days + 1`, counting the conversation day as day 1: a
 * conversation on March 2 allows the next call on March 9.
 */
export const checkQuietAfterConversation: RuleCheck = (context, at) => {
  const spec = context.policy.contact.quietAfterConversation;
  const { attempt, history, recipient } = context.input;
  if (spec === undefined || attempt.channel !== "phone") return [];
  const conversations = history.filter(
    (e) =>
      isConversation(e) &&
      e.loanId === attempt.loanId &&
      sameRecipient(e.recipient, attempt.recipient),
  );
  if (conversations.length === 0) return [];
  const next = latestFailure(recipient.timeZones, (zone) => {
    const date = civilDateAt(at, zone);
    const days = conversations
      .map((e) => civilDateAt(e.at, zone))
      .filter((d) => d <= date)
      .sort();
    const last = days[days.length - 1];
    if (last === undefined || daysBetween(last, date) >= spec.days) return undefined;
    return startOfDay(addDays(last, spec.days), zone);
  });
  return next === undefined ? [] : [defer(spec.rule, next)];
};
