import { type Instant, parseInstant } from "../calendar/instant.js";
import { assert } from "../result.js";
import {
  type DecisionInput,
  type HistoryEntry,
  noPreferences,
  type Preferences,
  type ProposedAttempt,
  type RecipientFacts,
} from "./attempt.js";

/**
 * Builders for the policy tests: a decision input with nothing on file, to which each scenario
 * adds the one fact it is about. Pure and deterministic like the rest of the domain; no
 * production code imports this module.
 */

/** Parses an instant literal the caller knows is valid. */
export function instant(text: string): Instant {
  const parsed = parseInstant(text, "instant");
  assert(parsed.ok, `bad instant literal ${text}`);
  return parsed.value;
}

export { noPreferences };

export interface InputChanges {
  readonly attempt?: Partial<ProposedAttempt>;
  readonly recipient?: Partial<RecipientFacts>;
  readonly history?: readonly HistoryEntry[];
  readonly consents?: DecisionInput["consents"];
  readonly preferences?: Partial<Preferences>;
  readonly asOf?: Instant;
}

/**
 * A decision input for loan L1 of borrower B1: an SMS `overdue_notice` from the strategy to the
 * borrower in Asia/Shanghai at `at`, number N1, nothing on file.
 */
export function decisionInput(at: Instant, changes: InputChanges = {}): DecisionInput {
  return {
    attempt: {
      loanId: "L1",
      borrowerId: "B1",
      recipient: { kind: "borrower" },
      channel: "sms",
      template: "overdue_notice",
      at,
      source: "strategy",
      ...changes.attempt,
    },
    recipient: {
      timeZones: ["Asia/Shanghai"],
      debtorNumbers: [{ id: "N1", wrongNumber: false }],
      numberId: "N1",
      ...changes.recipient,
    },
    history: changes.history ?? [],
    consents: changes.consents ?? [],
    preferences: { ...noPreferences, ...changes.preferences },
    asOf: changes.asOf ?? at,
  };
}

/** A dispatched attempt to the borrower about L1 (an answered call unless changed). */
export function sent(at: Instant, changes: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    at,
    loanId: "L1",
    recipient: { kind: "borrower" },
    channel: "phone",
    template: "collection_call",
    numberId: "N1",
    dispatched: true,
    outcome: "answered",
    ...changes,
  };
}
