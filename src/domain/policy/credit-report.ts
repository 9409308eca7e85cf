import type { Instant } from "../calendar/instant.js";
import { assert } from "../result.js";
import type { HistoryEntry } from "./attempt.js";
import { ruleSpec } from "./packs.js";
import type { PolicyPack } from "./policy-pack.js";
import { dayMs, isConversation } from "./verdict.js";

/** The rule CN@1 lacks and US@1 enforces before any bureau report. */
const creditReportRule = "US-CREDIT-REPORT";

/** Channels that carry a letter in the sense of 1006.30(a)(1)(ii): mail or an electronic message. */
const letterChannels: readonly string[] = ["letter", "email"];

/**
 * US-CREDIT-REPORT (Regulation F 1006.30(a)): before reporting a debt to a bureau the collector
 * has spoken to the consumer about it (an answered call) or sent a letter or e-mail and waited
 * `daysAfterLetter` days (14) for a notice that it could not be delivered. Pass the history of
 * the one debt to be reported. A pack without the rule (CN@1) always allows.
 *
 * @example creditReportAllowed(history, asOf, US1Policy) // { allowed: false, rules: ["US-CREDIT-REPORT"] }
 */
export function creditReportAllowed(
  history: readonly HistoryEntry[],
  asOf: Instant,
  pack: PolicyPack,
): { allowed: boolean; rules: string[] } {
  if (!pack.rules.some((r) => r.id === creditReportRule)) return { allowed: true, rules: [] };
  const days = ruleSpec(pack, creditReportRule).parameters.daysAfterLetter;
  assert(typeof days === "number", `${pack.ref} ${creditReportRule} names no daysAfterLetter`);
  const wait = days * dayMs;
  const toConsumer = history.filter(
    (e) => e.dispatched && e.recipient.kind === "borrower" && e.at <= asOf,
  );
  const spoke = toConsumer.some(isConversation);
  const lettered = toConsumer.some(
    (e) => letterChannels.includes(e.channel) && e.at + wait <= asOf,
  );
  return spoke || lettered
    ? { allowed: true, rules: [] }
    : { allowed: false, rules: [creditReportRule] };
}
