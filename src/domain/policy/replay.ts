import type { Instant } from "../calendar/instant.js";
import { canonicalJson } from "../crypto/canonical-json.js";
import { restrictedRule, withRestriction } from "../privacy/restriction.js";
import type { Decision, DecisionInput, DecisionOutcome } from "./attempt.js";
import type { HouseRules } from "./house-rules.js";
import { type HouseRuleSet, houseRulesByRef } from "./house-rules-file.js";
import { judge } from "./judge.js";
import { policyPackByRef } from "./packs.js";

/**
 * Decision replay (DESIGN.md "Audit": "decision replay re-judges stored contact decisions
 * against the pack version they name and reports any that disagree"). Pure: the stored decision
 * in, the differences out. The engine is a pure function of its inputs and the pack, and a
 * released pack never changes, so a stored decision that does not replay was edited after the
 * fact — or the engine changed under a released pack, which is as serious.
 */

/** A decision as stored (src/ports/contact-store.ts `ContactAttemptRecord`), the fields replay reads. */
export interface StoredDecision {
  readonly outcome: DecisionOutcome;
  readonly until: Instant | undefined;
  readonly rules: readonly string[];
  readonly pack: string;
  readonly house: string | undefined;
  readonly inputHash: string;
  /** The canonical JSON of the decision's `DecisionInput`. */
  readonly inputs: string;
}

/** What differs: the field, and the stored and replayed values as text. */
export interface ReplayDifference {
  readonly field: "inputs" | "pack" | "house" | "outcome" | "until" | "rules" | "inputHash";
  readonly stored: string;
  readonly replayed: string;
}

/**
 * Re-judges a stored decision from its stored inputs with the pack it names — and the house
 * rules it names, looked up by ref in `houseRules` (in force or retired) — and lists every field
 * that differs; empty when it replays exactly. A decision that names no house rules (every
 * decision made before house rules could be loaded) replays with the bare pack.
 *
 * Only the ref of the house rules is stored with a decision, but the input hash covers the whole
 * overlay (`decisionInputHash`): rules edited without a new ref replay with a different hash.
 *
 * Restricted processing (PIPL-RESTRICTED) is not among the engine's inputs: decide.ts applies it
 * after judging, from the borrower's privacy state at the time. Replay applies it when the stored
 * rules name it; the audit leaf of the decision (which replay also compares) keeps that honest.
 */
export function replayDecision(
  stored: StoredDecision,
  houseRules?: HouseRuleSet,
): ReplayDifference[] {
  const pack = policyPackByRef(stored.pack);
  if (pack === undefined) return [{ field: "pack", stored: stored.pack, replayed: "unknown pack" }];
  let house: HouseRules | undefined;
  if (stored.house !== undefined) {
    house = houseRulesByRef(houseRules, pack.jurisdiction, stored.house);
    if (house === undefined)
      return [{ field: "house", stored: stored.house, replayed: "house rules not loaded" }];
  }
  const input = decisionInputOf(stored.inputs);
  if (input === undefined)
    return [{ field: "inputs", stored: "unreadable", replayed: "not a decision input" }];
  let decision: Decision;
  try {
    decision = withRestriction(judge(input, pack, house), stored.rules.includes(restrictedRule));
  } catch {
    // The engine asserts its inputs' invariants; inputs edited into nonsense trip them.
    return [{ field: "inputs", stored: "unreadable", replayed: "the engine refused them" }];
  }
  const differences: ReplayDifference[] = [];
  const compare = (field: ReplayDifference["field"], a: string, b: string) => {
    if (a !== b) differences.push({ field, stored: a, replayed: b });
  };
  compare("outcome", stored.outcome, decision.outcome);
  compare("until", String(stored.until ?? ""), String(decision.until ?? ""));
  compare("rules", stored.rules.join(","), decision.rules.join(","));
  compare("inputHash", stored.inputHash, decision.inputHash);
  return differences;
}

/**
 * The stored inputs back as a `DecisionInput`: JSON that is canonical (so it is the very text
 * that was hashed; canonical JSON drops undefined fields, which read back as absent, i.e.
 * undefined) and has the shape the engine reads. Undefined when it is not.
 */
export function decisionInputOf(text: string): DecisionInput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const again = canonicalJson(value);
  if (!again.ok || again.value !== text || !isRecord(value)) return undefined;
  const { attempt, recipient, history, consents, preferences, asOf } = value;
  if (!isRecord(attempt) || !isRecord(recipient) || !isRecord(preferences)) return undefined;
  if (!Array.isArray(history) || !Array.isArray(consents) || typeof asOf !== "number")
    return undefined;
  const zones = recipient.timeZones;
  if (!Array.isArray(zones) || zones.length === 0 || !zones.every((z) => typeof z === "string"))
    return undefined;
  return value as unknown as DecisionInput;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
