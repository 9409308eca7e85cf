import { idPattern } from "../borrower/borrower-input.js";
import { readConsent, readPreference, readPromise } from "../choices/choice-input.js";
import { attemptOutcomes, channels } from "../policy/attempt.js";
import { templateSpec } from "../policy/templates.js";
import type { FieldReader } from "../validation/reader.js";
import type { ScenarioContext } from "./context.js";

/**
 * The overdue-handling events of a scenario (../SCENARIOS.md): consents, preferences, agent
 * contacts and their outcomes, promises, hardship, and the US dispute and verification. Each
 * keeps the body the use case will read, already validated here with the same readers, so a bad
 * field is an input error before anything runs.
 */

/** The fields an event's body is made of: everything but `at` and `type` (and the owner's id). */
function bodyOf(raw: unknown, omit: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>))
    if (!["at", "type", ...omit].includes(key)) body[key] = value;
  return body;
}

export interface BorrowerBodyEvent {
  readonly borrower: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface LoanBodyEvent {
  readonly loan: string;
  readonly body: Readonly<Record<string, unknown>>;
}

function borrowerRef(r: FieldReader, context: ScenarioContext): string | undefined {
  const before = r.problems.length;
  const borrower = r.string("borrower", idPattern);
  if (r.problems.length > before) return undefined;
  if (!context.borrowers.has(borrower)) {
    r.problem(
      "event.unknown_borrower",
      "borrower",
      `${r.field("borrower")} names no borrower of the scenario`,
    );
    return undefined;
  }
  return borrower;
}

function contactOf(
  r: FieldReader,
  context: ScenarioContext,
  borrower: string,
  key: string,
  id: string,
): void {
  const known = context.borrowers.get(borrower)?.emergencyContacts.some((c) => c.id === id);
  if (!known)
    r.problem(
      "event.unknown_contact",
      key,
      `${r.field(key)} names no emergency contact of the borrower`,
    );
}

/** consent: `{ borrower, action: grant|withdraw, purpose, contact }`. */
export function readConsentEvent(
  r: FieldReader,
  context: ScenarioContext,
  raw: unknown,
): BorrowerBodyEvent | undefined {
  const borrower = borrowerRef(r, context);
  const body = bodyOf(raw, ["borrower"]);
  const input = readConsent(body, r.field("").replace(/\.$/, ""), r.problems);
  for (const key of Object.keys(body)) r.value(key);
  if (!borrower || !input) return undefined;
  contactOf(r, context, borrower, "contact", input.contactId);
  return { borrower, body };
}

/** preference, dispute, verification: `{ borrower, action, to, channel, ... }`. */
export function readPreferenceEvent(
  r: FieldReader,
  context: ScenarioContext,
  raw: unknown,
  action: "dispute" | "verification" | undefined,
): BorrowerBodyEvent | undefined {
  const borrower = borrowerRef(r, context);
  const body = action ? { action } : bodyOf(raw, ["borrower"]);
  const input = readPreference(body, r.field("").replace(/\.$/, ""), r.problems);
  for (const key of Object.keys(bodyOf(raw, ["borrower"]))) r.value(key);
  if (!borrower || !input) return undefined;
  if (input.to !== "borrower") contactOf(r, context, borrower, "to", input.to);
  return { borrower, body };
}

/** contact: an agent's proposed contact `{ loan, channel, to, template? }`. */
export function readContactEvent(
  r: FieldReader,
  loan: string | undefined,
): LoanBodyEvent | undefined {
  const channel = r.choice("channel", channels);
  const to = r.string("to", idPattern, "borrower");
  const template = r.has("template") ? r.string("template", /^[a-z_]{1,40}$/) : undefined;
  if (template !== undefined && template !== "" && !templateSpec(template))
    r.problem("field.choice", "template", `${r.field("template")} is not a known template`);
  if (!loan) return undefined;
  return { loan, body: { channel, to, ...(template ? { template } : {}) } };
}

/** contact_outcome: `{ loan, attempt: "last", result }`: the last allowed attempt on the loan. */
export function readOutcomeEvent(
  r: FieldReader,
  loan: string | undefined,
): LoanBodyEvent | undefined {
  r.choice("attempt", ["last"] as const, "last");
  const result = r.choice("result", attemptOutcomes);
  if (!loan) return undefined;
  return { loan, body: { result } };
}

/** promise: `{ loan, until }`. */
export function readPromiseEvent(
  r: FieldReader,
  loan: string | undefined,
  raw: unknown,
): LoanBodyEvent | undefined {
  const body = bodyOf(raw, ["loan"]);
  const input = readPromise(body, r.field("").replace(/\.$/, ""), r.problems);
  for (const key of Object.keys(body)) r.value(key);
  if (!loan || !input) return undefined;
  return { loan, body };
}

/** hardship: `{ loan, action: "waive_late_charges" }` (extensions come with customer service). */
export function readHardshipEvent(
  r: FieldReader,
  loan: string | undefined,
): LoanBodyEvent | undefined {
  const action = r.choice("action", ["waive_late_charges", "extension"] as const);
  if (action === "extension") {
    r.problem(
      "event.unsupported",
      "action",
      `${r.field("action")}: extensions are not supported by this version of fenqi simulate`,
    );
    return undefined;
  }
  if (!loan) return undefined;
  return { loan, body: { action } };
}
