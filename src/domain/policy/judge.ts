import type { Instant } from "../calendar/instant.js";
import { canonicalJsonUtf8 } from "../crypto/canonical-json.js";
import { sha256Hex } from "../crypto/sha256.js";
import { assert } from "../result.js";
import type { Decision, DecisionInput } from "./attempt.js";
import {
  checkCallsPerDebt,
  checkConversationsDaily,
  checkQuietAfterConversation,
  checkUnansweredDaily,
} from "./frequency.js";
import { applyHouseRules, type ContactPolicy, type HouseRules, packPolicy } from "./house-rules.js";
import type { PolicyPack } from "./policy-pack.js";
import { checkAccountState, checkOptOut, checkTemplateAndChannel } from "./preferences.js";
import { templateSpec } from "./templates.js";
import { checkThirdParty } from "./third-party.js";
import { checkInconvenient, checkPromise, checkTimeWindow } from "./time-window.js";
import { checkValidation } from "./validation.js";
import type { RuleCheck, RuleContext, Verdict } from "./verdict.js";

/**
 * The policy engine: "strategy proposes, policy disposes" (DESIGN.md "Overdue handling"). A pure
 * function of the attempt, the facts about the recipient, the history, consents, preferences,
 * the pack and the house rules: the same inputs always give the same decision and the same
 * `inputHash` (POLICY.md "What a decision looks like").
 */

/** Every rule family; each is judged on every attempt, and each skips what is not its business. */
const ruleChecks: readonly RuleCheck[] = [
  checkTimeWindow,
  checkInconvenient,
  checkPromise,
  checkConversationsDaily,
  checkUnansweredDaily,
  checkCallsPerDebt,
  checkQuietAfterConversation,
  checkThirdParty,
  checkOptOut,
  checkAccountState,
  checkTemplateAndChannel,
  checkValidation,
];

/**
 * Rounds of the search for the earliest instant at which every deferring rule passes. Each round
 * moves to the latest `next` of the rules still deferring; rules that lift at day boundaries and
 * windows agree within a handful of rounds. A search that has not settled by then (zones that
 * never share an open hour) ends in a deny: no instant can be promised.
 */
export const deferSearchRoundsMax = 32;

function verdictsAt(context: RuleContext, at: Instant): Verdict[] {
  return ruleChecks.flatMap((check) => check(context, at));
}

function sortedRules(verdicts: readonly Verdict[]): string[] {
  return [...new Set(verdicts.map((v) => v.rule))].sort();
}

/**
 * The earliest instant ≥ the first `next` at which no rule defers, and every rule that deferred
 * on the way; undefined `until` when the search does not settle.
 */
function earliestAllowed(
  context: RuleContext,
  deferring: readonly Verdict[],
): { until: Instant | undefined; rules: string[] } {
  const seen = [...deferring];
  let current = deferring;
  for (let round = 0; round < deferSearchRoundsMax; round++) {
    let candidate = 0;
    for (const v of current) if (v.outcome === "defer" && v.next > candidate) candidate = v.next;
    current = verdictsAt(context, candidate).filter((v) => v.outcome === "defer");
    if (current.length === 0) return { until: candidate, rules: sortedRules(seen) };
    seen.push(...current);
    for (const v of current) {
      assert(v.outcome === "defer" && v.next > candidate, `${v.rule} deferred to the past`);
    }
  }
  return { until: undefined, rules: sortedRules(seen) };
}

/**
 * The SHA-256 of the canonical JSON of `{ input, pack: pack.ref, house }`. The house rules go in
 * whole, not only their ref: a lender editing an overlay without bumping its ref must not make
 * two different decisions hash alike. The pack goes in by ref because a released pack never
 * changes.
 */
export function decisionInputHash(
  input: DecisionInput,
  pack: PolicyPack,
  house?: HouseRules,
): string {
  // The UTF-8 bytes directly: the same bytes `sha256Hex(canonicalJson(...))` hashes, faster.
  const json = canonicalJsonUtf8({ input, pack: pack.ref, house });
  assert(json.ok, `decision input has no canonical JSON: ${json.ok ? "" : json.error.message}`);
  return sha256Hex(json.value);
}

function policyOf(pack: PolicyPack, house: HouseRules | undefined): ContactPolicy {
  if (house === undefined) return packPolicy(pack);
  const applied = applyHouseRules(pack, house);
  // House rules are validated when the lender saves them; a looser overlay here is a bug.
  assert(applied.ok, `house rules ${house.ref}: ${applied.ok ? "" : applied.error.message}`);
  return applied.value;
}

/**
 * Judges one proposed contact: `allow` (rules []), `defer` with `until`, the earliest instant ≥
 * `attempt.at` at which every deferring rule passes, or `deny`. A deny or defer names every rule
 * that fails at `attempt.at`, sorted; a deny wins over a defer and names the deferring rules too.
 * A defer also names the rules met while searching for `until` (a window closing at the end of
 * a quiet period). Throws only on a bug: house rules looser than the pack, a non-finite number.
 *
 * @example judge(input, CN1Policy) // { outcome: "defer", until: <next 08:00>, rules: ["CN-TIME-WINDOW"], ... }
 */
export function judge(input: DecisionInput, pack: PolicyPack, house?: HouseRules): Decision {
  assert(input.recipient.timeZones.length > 0, "a recipient has at least one zone");
  const context: RuleContext = {
    input,
    policy: policyOf(pack, house),
    template: templateSpec(input.attempt.template),
  };
  const base = {
    pack: pack.ref,
    house: house?.ref,
    inputHash: decisionInputHash(input, pack, house),
  };
  const verdicts = verdictsAt(context, input.attempt.at);
  if (verdicts.length === 0) return { outcome: "allow", until: undefined, rules: [], ...base };
  if (verdicts.some((v) => v.outcome === "deny")) {
    return { outcome: "deny", until: undefined, rules: sortedRules(verdicts), ...base };
  }
  const { until, rules } = earliestAllowed(context, verdicts);
  if (until === undefined) return { outcome: "deny", until: undefined, rules, ...base };
  return { outcome: "defer", until, rules, ...base };
}
