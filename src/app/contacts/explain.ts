import { idPattern } from "../../domain/borrower/borrower-input.js";
import {
  formatInstant,
  type Instant,
  isValidTimeZone,
  localTimeAt,
  parseInstant,
} from "../../domain/calendar/instant.js";
import { type JurisdictionId, jurisdictionIds } from "../../domain/jurisdiction/packs.js";
import {
  type AttemptOutcome,
  attemptOutcomes,
  type Channel,
  type ChannelPreference,
  type ConsentFacts,
  channels,
  type DailyWindow,
  type Decision,
  type DecisionInput,
  type HistoryEntry,
  noPreferences,
  type Preferences,
  type Recipient,
} from "../../domain/policy/attempt.js";
import { houseChannelRule } from "../../domain/policy/house-rules.js";
import { type HouseRuleSet, houseRulesInForce } from "../../domain/policy/house-rules-file.js";
import { judge } from "../../domain/policy/judge.js";
import { packTemplateRule, policyPackFor } from "../../domain/policy/packs.js";
import type { PolicyPack } from "../../domain/policy/policy-pack.js";
import { templateSpec } from "../../domain/policy/templates.js";
import type { Problem, Result } from "../../domain/result.js";
import { type FieldReader, readObject } from "../../domain/validation/reader.js";
import { historyEntriesMax, numberIdOf } from "./facts.js";

/**
 * `fenqi policy explain`: one attempt described in a readable JSON file (docs/overdue-handling.md
 * "Explaining a decision"), judged by the pack's engine, and every rule that decided it shown
 * with its one-line summary and source from the pack's catalogue. For a compliance officer who
 * asks "why was this call refused?" and a lender who asks "would this be allowed?". The pack is
 * tightened by the lender's house rules in force for the file's jurisdiction, when given
 * (`FENQI_HOUSE_RULES`), as a running process would judge. Pure: no store, no clock; the same
 * file and house rules always give the same answer and input hash.
 */

/** Zones one recipient may have on file (several mean the location is unknown). */
export const recipientZonesMax = 8;
/** Consents, opt-outs, holds or refused contacts one file may list. */
export const explainListMax = 100;

/** What `to` means in the file: the debtor, anyone not registered, or an emergency-contact id. */
export function recipientOfText(to: string): Recipient {
  if (to === "borrower") return { kind: "borrower" };
  if (to === "other") return { kind: "unregistered" };
  return { kind: "contact", contactId: to };
}

/** One rule of a decision as the explanation shows it. */
export interface ExplainedRule {
  readonly id: string;
  readonly summary: string;
  readonly source: string;
}

export interface Explanation {
  readonly jurisdiction: JurisdictionId;
  readonly pack: string;
  /** The house rules that tightened the pack, or null for none. */
  readonly house: string | null;
  readonly outcome: Decision["outcome"];
  readonly until: string | null;
  /** `until` on the recipient's first zone's wall clock, "YYYY-MM-DD HH:MM". */
  readonly untilLocal: string | null;
  readonly rules: readonly ExplainedRule[];
  readonly inputHash: string;
  readonly attempt: {
    readonly channel: Channel;
    readonly to: string;
    readonly template: string;
    readonly at: string;
    readonly source: string;
  };
}

/** The engine's own rules, which are not rows of POLICY.md. */
const engineRules: Readonly<Record<string, ExplainedRule>> = {
  [packTemplateRule]: {
    id: packTemplateRule,
    summary: "the pack does not allow this template to this recipient (or no such template)",
    source: "the pack's template table",
  },
  [houseChannelRule]: {
    id: houseChannelRule,
    summary: "the lender's house rules close this channel",
    source: "house rules",
  },
};

function explainedRule(pack: PolicyPack, id: string): ExplainedRule {
  const spec = pack.rules.find((r) => r.id === id);
  if (spec) return { id, summary: spec.summary, source: spec.source };
  return engineRules[id] ?? { id, summary: "not in the pack's catalogue", source: "unknown" };
}

/** Reads, judges and explains one attempt file; every bad field is named. */
export function explainAttempt(
  raw: unknown,
  houseRules?: HouseRuleSet,
): Result<Explanation, Problem[]> {
  const read = readAttemptFile(raw);
  if (!read.ok) return read;
  const { pack, input, to } = read.value;
  const decision = judge(input, pack, houseRulesInForce(houseRules, pack.jurisdiction));
  const zone = input.recipient.timeZones[0] as string;
  const local = (at: Instant) => {
    const t = localTimeAt(at, zone);
    return `${t.date} ${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
  };
  return {
    ok: true,
    value: {
      jurisdiction: pack.jurisdiction,
      pack: decision.pack,
      house: decision.house ?? null,
      outcome: decision.outcome,
      until: decision.until === undefined ? null : formatInstant(decision.until),
      untilLocal: decision.until === undefined ? null : local(decision.until),
      rules: decision.rules.map((id) => explainedRule(pack, id)),
      inputHash: decision.inputHash,
      attempt: {
        channel: input.attempt.channel,
        to,
        template: input.attempt.template,
        at: formatInstant(input.attempt.at),
        source: input.attempt.source,
      },
    },
  };
}

interface AttemptFile {
  readonly pack: PolicyPack;
  readonly input: DecisionInput;
  readonly to: string;
}

/** Validates the whole file, collecting every problem, and builds the engine's input. */
export function readAttemptFile(raw: unknown): Result<AttemptFile, Problem[]> {
  const problems: Problem[] = [];
  const r = readObject(raw, "", problems);
  if (!r) return { ok: false, error: problems };
  const jurisdiction = r.choice("jurisdiction", jurisdictionIds);
  const pack = policyPackFor(jurisdiction);
  const attempt = readAttempt(r, pack);
  const timeZones = readZones(r);
  const history = r.array("history", (e, p) => readHistoryEntry(e, p, r, attempt.loanId), []);
  if (history.length > historyEntriesMax)
    r.problem("field.range", "history", `history holds at most ${historyEntriesMax} attempts`);
  const consents = bounded(
    r,
    "consents",
    r.array("consents", (c, p) => readConsent(c, p, r), []),
  );
  const preferences = readPreferences(r);
  const asOf = r.has("asOf") ? instantField(r, "asOf") : attempt.at;
  r.rejectUnknown();
  if (problems.length > 0) return { ok: false, error: problems };
  const debtorNumber = numberIdOf({ kind: "borrower" }) as string;
  const lastResult = history.filter((h) => h.numberId === debtorNumber && h.outcome).at(-1);
  const input: DecisionInput = {
    attempt: { ...attempt, recipient: recipientOfText(attempt.to) },
    recipient: {
      timeZones,
      debtorNumbers: [{ id: debtorNumber, wrongNumber: lastResult?.outcome === "wrong_number" }],
      numberId: numberIdOf(recipientOfText(attempt.to)),
    },
    history,
    consents,
    preferences: {
      ...preferences,
      // The notice on file is the first validation notice that went out (as the app derives it).
      validation: {
        ...preferences.validation,
        noticeAt:
          preferences.validation.noticeAt ??
          history.find((h) => h.dispatched && h.template === "validation_notice")?.at,
      },
    },
    asOf,
  };
  return { ok: true, value: { pack, input, to: attempt.to } };
}

function bounded<T>(r: FieldReader, key: string, items: T[]): T[] {
  if (items.length > explainListMax)
    r.problem("field.range", key, `${r.field(key)} holds at most ${explainListMax} items`);
  return items;
}

function instantField(r: FieldReader, key: string): Instant {
  const parsed = parseInstant(r.value(key), r.field(key));
  if (parsed.ok) return parsed.value;
  r.problems.push(parsed.error);
  return 0;
}

function optionalInstant(r: FieldReader, key: string): Instant | undefined {
  return r.has(key) ? instantField(r, key) : (r.value(key) as undefined);
}

function booleanField(r: FieldReader, key: string, fallback: boolean): boolean {
  const value = r.value(key) ?? fallback;
  if (typeof value === "boolean") return value;
  r.problem("field.type", key, `${r.field(key)} must be true or false`);
  return fallback;
}

/** The template when none is named: the pack's for the recipient, the call script for a call to the debtor. */
function defaultTemplate(pack: PolicyPack, to: string, channel: Channel): string {
  const kind = recipientOfText(to).kind;
  if (kind === "borrower" && channel === "phone") return "collection_call";
  return pack.templates.defaults[kind] ?? "callback_request";
}

function templateField(r: FieldReader, pack: PolicyPack, to: string, channel: Channel): string {
  if (!r.has("template")) return defaultTemplate(pack, to, channel);
  const template = r.string("template", /^[a-z_]{1,40}$/);
  if (template !== "" && !templateSpec(template))
    r.problem("field.choice", "template", `${r.field("template")} is not a known template`);
  return template;
}

function readAttempt(parent: FieldReader, pack: PolicyPack) {
  const r = readObject(parent.value("attempt"), "attempt", parent.problems);
  const empty = { loanId: "L1", borrowerId: "B1", channel: "sms" as Channel, to: "borrower" };
  if (!r) return { ...empty, template: "", at: 0, source: "agent" as const };
  const channel = r.choice("channel", channels);
  const to = r.string("to", idPattern);
  const attempt = {
    loanId: r.string("loan", idPattern, "L1"),
    borrowerId: r.string("borrower", idPattern, "B1"),
    channel,
    to,
    template: templateField(r, pack, to, channel),
    at: instantField(r, "at"),
    source: r.choice("source", ["agent", "strategy"] as const, "agent"),
  };
  r.rejectUnknown();
  return attempt;
}

function readZones(parent: FieldReader): string[] {
  const r = readObject(parent.value("recipient"), "recipient", parent.problems);
  if (!r) return [];
  const zones = r.array("timezones", (z, path) => {
    if (typeof z === "string" && isValidTimeZone(z)) return z;
    r.problems.push({ code: "field.format", field: path, message: `${path} must be an IANA zone` });
    return undefined;
  });
  if (zones.length === 0 && r.problems.length === 0)
    r.problem("field.required", "timezones", "recipient.timezones must name at least one zone");
  if (zones.length > recipientZonesMax)
    r.problem("field.range", "timezones", `recipient.timezones holds at most ${recipientZonesMax}`);
  r.rejectUnknown();
  return zones;
}

function readHistoryEntry(
  raw: unknown,
  path: string,
  parent: FieldReader,
  loanId: string,
): HistoryEntry | undefined {
  const r = readObject(raw, path, parent.problems);
  if (!r) return undefined;
  const to = r.string("to", idPattern);
  const channel = r.choice("channel", channels);
  const recipient = recipientOfText(to);
  const entry: HistoryEntry = {
    at: instantField(r, "at"),
    loanId: r.string("loan", idPattern, loanId),
    recipient,
    channel,
    template: r.has("template") ? r.string("template", /^[a-z_]{1,40}$/) : "overdue_notice",
    numberId: channel === "phone" ? numberIdOf(recipient) : undefined,
    dispatched: booleanField(r, "dispatched", true),
    outcome: r.has("outcome")
      ? r.choice<AttemptOutcome>("outcome", attemptOutcomes)
      : (r.value("outcome") as undefined),
  };
  r.rejectUnknown();
  return entry;
}

function readConsent(raw: unknown, path: string, parent: FieldReader): ConsentFacts | undefined {
  const r = readObject(raw, path, parent.problems);
  if (!r) return undefined;
  const consent: ConsentFacts = {
    purpose: r.choice("purpose", ["emergency_contact"] as const, "emergency_contact"),
    contactId: r.string("contact", idPattern),
    grantedAt: instantField(r, "grantedAt"),
    withdrawnAt: optionalInstant(r, "withdrawnAt"),
  };
  r.rejectUnknown();
  return consent;
}

const timePattern = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

function windowAt(raw: unknown, path: string, parent: FieldReader): DailyWindow | undefined {
  const r = readObject(raw, path, parent.problems);
  if (!r) return undefined;
  const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
  const from = minutes(r.string("from", timePattern));
  const to = minutes(r.string("to", timePattern));
  r.rejectUnknown();
  if (!(from < to) && r.problems.length === 0)
    r.problem("field.range", "to", `${r.field("to")} must be later than from`);
  return { from, to };
}

function readOptOut(
  raw: unknown,
  path: string,
  parent: FieldReader,
): ChannelPreference | undefined {
  const r = readObject(raw, path, parent.problems);
  if (!r) return undefined;
  const choice: ChannelPreference = {
    recipient: recipientOfText(r.string("to", idPattern, "borrower")),
    channel: r.choice("channel", channels),
    optedOut: booleanField(r, "optedOut", true),
    at: instantField(r, "at"),
  };
  r.rejectUnknown();
  return choice;
}

function readHold(raw: unknown, path: string, parent: FieldReader) {
  const r = readObject(raw, path, parent.problems);
  if (!r) return undefined;
  const hold = {
    kind: r.choice("kind", ["complaint", "hardship"] as const),
    since: instantField(r, "since"),
  };
  r.rejectUnknown();
  return hold;
}

function readPreferences(parent: FieldReader): Preferences {
  if (!parent.has("preferences")) {
    parent.value("preferences");
    return noPreferences;
  }
  const r = readObject(parent.value("preferences"), "preferences", parent.problems);
  if (!r) return noPreferences;
  const list = <T>(key: string, each: (e: unknown, p: string) => T | undefined) =>
    bounded(r, key, r.array(key, each, []));
  const preferences: Preferences = {
    channels: list("optOuts", (e, p) => readOptOut(e, p, r)),
    agreedWindow: r.has("agreedWindow")
      ? windowAt(r.value("agreedWindow"), r.field("agreedWindow"), r)
      : undefined,
    inconvenient: list("inconvenient", (e, p) => windowAt(e, p, r)),
    ceasedAt: optionalInstant(r, "ceasedAt"),
    attorney: booleanField(r, "attorney", false),
    promiseUntil: r.has("promiseUntil") ? r.date("promiseUntil") : undefined,
    holds: list("holds", (e, p) => readHold(e, p, r)),
    contactsRefused: list("contactsRefused", (e, p) => {
      if (typeof e === "string" && idPattern.test(e)) return e;
      r.problems.push({ code: "field.format", field: p, message: `${p} must be a contact id` });
      return undefined;
    }),
    lastSignOfLife: optionalInstant(r, "lastSignOfLife"),
    validation: readValidation(r),
  };
  r.rejectUnknown();
  return preferences;
}

function readValidation(parent: FieldReader): Preferences["validation"] {
  if (!parent.has("validation")) {
    parent.value("validation");
    return noPreferences.validation;
  }
  const r = readObject(parent.value("validation"), "preferences.validation", parent.problems);
  if (!r) return noPreferences.validation;
  const validation = {
    noticeAt: optionalInstant(r, "noticeAt"),
    disputedAt: optionalInstant(r, "disputedAt"),
    verifiedAt: optionalInstant(r, "verifiedAt"),
  };
  r.rejectUnknown();
  return validation;
}
