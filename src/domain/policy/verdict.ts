import type { Instant } from "../calendar/instant.js";
import type { DecisionInput, HistoryEntry, Recipient } from "./attempt.js";
import type { ContactPolicy } from "./house-rules.js";
import type { TemplateSpec } from "./templates.js";

/**
 * What one rule says about an attempt at one instant: nothing (it passes), `deny`, or `defer`
 * with the first later instant at which this rule alone would pass on the same facts. The engine
 * (`judge`) combines the verdicts of every rule; a rule never looks at another rule's verdict.
 */
export type Verdict =
  | { readonly rule: string; readonly outcome: "deny" }
  | { readonly rule: string; readonly outcome: "defer"; readonly next: Instant };

/** Everything a rule check reads besides the instant it judges. */
export interface RuleContext {
  readonly input: DecisionInput;
  readonly policy: ContactPolicy;
  /** The attempt's template, or undefined when the catalogue has no such id. */
  readonly template: TemplateSpec | undefined;
}

/**
 * One family of rules, judged at `at`. `at` is the attempt's instant on the first pass and a
 * later candidate while the engine searches for the earliest allowed instant of a defer.
 */
export type RuleCheck = (context: RuleContext, at: Instant) => Verdict[];

/** A day of elapsed time, for the rules counted in rolling days ("per 7 days"), not calendar days. */
export const dayMs = 86_400_000;

/** A verdict that waiting cannot change. */
export function deny(rule: string): Verdict {
  return { rule, outcome: "deny" };
}

/** A verdict that lifts at `next`, which must be later than the instant judged. */
export function defer(rule: string, next: Instant): Verdict {
  return { rule, outcome: "defer", next };
}

/** Whether two recipients are the same person (contact persons by id). */
export function sameRecipient(a: Recipient, b: Recipient): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== "contact" || (b.kind === "contact" && a.contactId === b.contactId);
}

/** The attempts that really went out: frequency rules count only these (POLICY.md conventions). */
export function dispatched(history: readonly HistoryEntry[]): HistoryEntry[] {
  return history.filter((entry) => entry.dispatched);
}

/** A conversation: a phone attempt answered (POLICY.md counting conventions). */
export function isConversation(entry: HistoryEntry): boolean {
  return entry.dispatched && entry.channel === "phone" && entry.outcome === "answered";
}

/**
 * The latest `next` over the zones where `check` fails, or undefined when it passes in all of
 * them. With several zones on file the recipient's location is unknown, so a day-based limit must
 * hold on the local day of every zone (the strict reading of "the recipient's local day").
 */
export function latestFailure(
  zones: readonly string[],
  check: (zone: string) => Instant | undefined,
): Instant | undefined {
  let latest: Instant | undefined;
  for (const zone of zones) {
    const next = check(zone);
    if (next !== undefined && (latest === undefined || next > latest)) latest = next;
  }
  return latest;
}
