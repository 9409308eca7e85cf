import type { Decision } from "../policy/attempt.js";

/**
 * Restricted processing (PIPL Art. 47 read with Art. 44: where deletion waits for a legal
 * retention period to end, the data is kept but not otherwise processed). The contact path makes
 * no new contact while it is in force: every decision becomes a deny naming this rule, beside any
 * rules that also failed. It is not a pack rule, because it applies in every pack.
 */
export const restrictedRule = "PIPL-RESTRICTED";

/** The engine's decision as the restriction leaves it: unchanged when processing is not restricted. */
export function withRestriction(decision: Decision, restricted: boolean): Decision {
  if (!restricted) return decision;
  const rules = [...new Set([...decision.rules, restrictedRule])].sort();
  return { ...decision, outcome: "deny", until: undefined, rules };
}
