import type { JurisdictionId } from "../jurisdiction/packs.js";
import { assert } from "../result.js";
import type { ContactRules, PolicyPack, RuleSpec, TemplateRules } from "./policy-pack.js";

/**
 * The packs CN@1 and US@1 (POLICY.md), as data. The contact parameters are written once, in
 * `cnContact` / `usContact`; the catalogue rows of the contact rules quote them, so the numbers a
 * compliance officer reads are the numbers the engine uses.
 */

const minutesPerHour = 60;

/** The engine's own rule for a template the pack does not allow to the debtor (not a POLICY.md row). */
export const packTemplateRule = "PACK-TEMPLATE";

const cnContact = {
  timeWindow: {
    rule: "CN-TIME-WINDOW",
    window: { from: 8 * minutesPerHour, to: 22 * minutesPerHour },
    agreedWindowReplaces: true,
  },
  inconvenient: undefined,
  conversationsDaily: { rule: "CN-VOICE-DAILY", max: 3 },
  unansweredDaily: { rule: "CN-UNANSWERED-DAILY", max: 6 },
  callsPerDebt: undefined,
  quietAfterConversation: undefined,
  optOut: {
    rule: "CN-CHANNEL-OPT-OUT",
    channels: ["sms", "phone", "email", "in_app", "push", "letter"],
    mandatoryExempt: true,
  },
  cease: undefined,
  attorney: undefined,
  promise: { rule: "CN-PROMISE" },
  hold: { rule: "CN-HOLD" },
  validation: undefined,
  voicemail: undefined,
  thirdParty: {
    unregisteredRule: "CN-DEBTOR-ONLY",
    contentRule: "CN-NO-DISCLOSURE",
    consent: { rule: "CN-CONTACT-CONSENT", purpose: "emergency_contact" },
    unreachable: { rule: "CN-CONTACT-PERSON", days: 7, attemptsMin: 6, channelsMin: 2 },
    refused: { rule: "CN-CONTACT-REFUSED" },
    perContact: { rule: "CN-CONTACT-FREQUENCY", max: 1, days: 7 },
  },
} satisfies ContactRules;

const cnTemplates: TemplateRules = {
  rule: packTemplateRule,
  allowed: {
    borrower: [
      "reminder",
      "overdue_notice",
      "overdue_consequences",
      "formal_notice",
      "collection_call",
      "callback_request",
    ],
    contact: ["callback_request"],
    unregistered: [],
  },
  defaults: { borrower: "overdue_notice", contact: "callback_request", unregistered: undefined },
};

const usContact = {
  timeWindow: {
    rule: "US-TIME-WINDOW",
    window: { from: 8 * minutesPerHour, to: 21 * minutesPerHour },
    agreedWindowReplaces: false,
  },
  inconvenient: { rule: "US-INCONVENIENT" },
  conversationsDaily: undefined,
  unansweredDaily: undefined,
  callsPerDebt: { rule: "US-7IN7-CALLS", max: 7, days: 7 },
  quietAfterConversation: { rule: "US-7DAY-AFTER-CONVERSATION", days: 7 },
  optOut: { rule: "US-ELECTRONIC-OPT-OUT", channels: ["sms", "email"], mandatoryExempt: false },
  cease: { rule: "US-CEASE" },
  attorney: { rule: "US-ATTORNEY" },
  promise: undefined,
  hold: undefined,
  validation: {
    rule: "US-VALIDATION",
    noticeTemplate: "validation_notice",
    noticeDays: 5,
    disputeDays: 30,
  },
  voicemail: { rule: "US-LIMITED-CONTENT", template: "voicemail_limited", channel: "phone" },
  thirdParty: {
    unregisteredRule: "US-THIRD-PARTY",
    contentRule: "US-THIRD-PARTY",
    consent: undefined,
    unreachable: undefined,
    refused: undefined,
    perContact: { rule: "US-THIRD-PARTY", max: 1, days: undefined },
  },
} satisfies ContactRules;

const usTemplates: TemplateRules = {
  rule: packTemplateRule,
  allowed: {
    borrower: [
      "reminder",
      "overdue_notice",
      "overdue_consequences",
      "formal_notice",
      "collection_call",
      "validation_notice",
      "verification_notice",
      "voicemail_limited",
      "callback_request",
    ],
    contact: ["location_request"],
    unregistered: [],
  },
  defaults: { borrower: "validation_notice", contact: "location_request", unregistered: undefined },
};

function hhmm(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minutes / minutesPerHour))}:${pad(minutes % minutesPerHour)}`;
}

const gbt = "GB/T 45251-2025";
const cba = "CBA consumer-loan collection guideline 2026";
const nifa = "NIFA 2018";

const cnThirdParty = cnContact.thirdParty;

/** The catalogue of CN@1 (POLICY.md "CN@1"): data, so it is not held to the function length. */
const cnRules: readonly RuleSpec[] = [
  contact(
    "CN-TIME-WINDOW",
    "no contact of any kind outside the window in the recipient's local time, unless the debtor agreed to another; defer",
    `${gbt}; ${cba}; NIFA 2024 guideline`,
    {
      windowFrom: hhmm(cnContact.timeWindow.window.from),
      windowTo: hhmm(cnContact.timeWindow.window.to),
    },
  ),
  contact(
    "CN-VOICE-DAILY",
    "at most N conversations (answered calls, AI voice included) with one debtor per local day",
    gbt,
    { conversationsPerDayMax: cnContact.conversationsDaily.max },
  ),
  contact(
    "CN-UNANSWERED-DAILY",
    "at most N unanswered dials to one phone number per local day",
    cba,
    { unansweredPerNumberPerDayMax: cnContact.unansweredDaily.max },
  ),
  contact(
    "CN-DEBTOR-ONLY",
    "collection goes to the debtor or a registered contact person, never an address-book contact",
    `${gbt}; ${cba}; ${nifa}`,
    {},
  ),
  contact(
    "CN-CONTACT-PERSON",
    "a contact person only when the debtor is unreachable (attempts on channels in the last days, nothing answered, no sign of life; or every number wrong)",
    `${gbt}; ${cba}; ${nifa}`,
    {
      days: cnThirdParty.unreachable.days,
      attemptsMin: cnThirdParty.unreachable.attemptsMin,
      channelsMin: cnThirdParty.unreachable.channelsMin,
    },
  ),
  contact(
    "CN-CONTACT-CONSENT",
    "house rule of the product: the debtor's separate consent naming the contact and the purpose, not withdrawn",
    "PIPL Arts. 14, 15, 23",
    { purpose: cnThirdParty.consent.purpose },
  ),
  contact(
    "CN-CONTACT-REFUSED",
    "a contact person who refused is never contacted again",
    `${gbt}; ${cba}`,
    {},
  ),
  contact(
    "CN-CONTACT-FREQUENCY",
    "at most N attempts per contact person per period",
    "house rule",
    { attemptsMax: cnThirdParty.perContact.max, days: cnThirdParty.perContact.days },
  ),
  contact(
    "CN-NO-DISCLOSURE",
    "anyone but the debtor gets a limited-content template only (lender's name, call-back request)",
    `${gbt}; ${cba}; PIPL Art. 25`,
    {},
  ),
  contact(
    "CN-CHANNEL-OPT-OUT",
    "an opted-out channel is closed to non-mandatory messages",
    "PIPL Arts. 15, 44",
    {},
  ),
  contact(
    "CN-PROMISE",
    "no automatic contact while a promise-to-pay is open, before its date",
    "house rule",
    {},
  ),
  contact(
    "CN-HOLD",
    "no collection contact while a complaint about collection conduct or a hardship request is undecided",
    "house rule",
    {},
  ),
  rule(
    "CN-COST-CAP",
    "cost",
    "amounts above the cap are never charged nor demanded; products above it are refused",
    `${nifa}; SPC private-lending provisions Arts. 25-29; 2025 bank-platform lending notice`,
    { annualAllInCapBasisPoints: 2400, privateLendingLprMultiple: 4 },
  ),
  rule(
    "CN-DISCLOSE-APR",
    "disclosure",
    "the annualized rate is shown on every offer, contract and schedule",
    "PBOC Announcement 2021 No. 3",
    {},
  ),
  rule(
    "CN-COMPLAINT-SLA",
    "complaint",
    "a complaint is decided within the days; extendable twice, the complainant told each time",
    "bank and insurer consumer-complaint measures (2020)",
    { decideDays: 15, extendedDays: 30, seniorApprovedDaysMax: 60 },
  ),
  rule(
    "CN-HARDSHIP-REPLY",
    "hardship",
    "an installment or waiver request is answered within the working days",
    `${gbt} (single secondary source)`,
    { replyWorkingDays: 7 },
  ),
  rule(
    "CN-RETENTION",
    "retention",
    "collection records (attempts, recordings, decisions) kept at least the years, then deleted",
    gbt,
    { years: 5 },
  ),
  rule(
    "CN-REPORTING",
    "reporting",
    "bureau reporting only after the grace period, at DPD above the threshold",
    "house rule",
    { dpdAbove: "graceDays" },
  ),
];

/** The catalogue of US@1 (POLICY.md "US@1"). */
const usRules: readonly RuleSpec[] = [
  contact(
    "US-TIME-WINDOW",
    "contact only inside the window at the consumer's location; where unknown, the overlap of the zones on file; defer",
    "12 CFR 1006.6(b)(1)(i)",
    {
      windowFrom: hhmm(usContact.timeWindow.window.from),
      windowTo: hhmm(usContact.timeWindow.window.to),
    },
  ),
  contact(
    "US-INCONVENIENT",
    "times the consumer named as inconvenient are closed",
    "12 CFR 1006.6(b)(1)",
    {},
  ),
  contact(
    "US-7IN7-CALLS",
    "at most N call attempts per debt in any D consecutive days",
    "12 CFR 1006.14(b)(2)(i)(A)",
    { callsMax: usContact.callsPerDebt.max, days: usContact.callsPerDebt.days },
  ),
  contact(
    "US-7DAY-AFTER-CONVERSATION",
    "no call within the days after a telephone conversation about the debt (conversation day is day 1)",
    "12 CFR 1006.14(b)(2)(i)(B)",
    { days: usContact.quietAfterConversation.days },
  ),
  contact(
    "US-CEASE",
    "after a written cease or refusal, only the narrow notices",
    "12 CFR 1006.6(c)",
    {},
  ),
  contact(
    "US-ATTORNEY",
    "a consumer known to be represented is contacted through the attorney only",
    "12 CFR 1006.6(b)(2)",
    {},
  ),
  contact(
    "US-ELECTRONIC-OPT-OUT",
    "every e-mail and text carries an opt-out; an opted-out medium is closed",
    "12 CFR 1006.6(e)",
    { channels: usContact.optOut.channels.join(",") },
  ),
  contact(
    "US-THIRD-PARTY",
    "third parties only for location information, no mention of the debt, once per person",
    "12 CFR 1006.10",
    { attemptsPerPersonMax: usContact.thirdParty.perContact.max },
  ),
  contact(
    "US-LIMITED-CONTENT",
    "voicemail is a limited-content message only",
    "12 CFR 1006.2(j)",
    {},
  ),
  contact(
    "US-VALIDATION",
    "the validation notice goes in or within the days after the first communication; a dispute in the window after it pauses collection until verification",
    "12 CFR 1006.34, 1006.38",
    { noticeDays: usContact.validation.noticeDays, disputeDays: usContact.validation.disputeDays },
  ),
  rule(
    "US-CREDIT-REPORT",
    "reporting",
    "before reporting to a bureau, speak to the consumer or wait the days after a letter",
    "12 CFR 1006.30(a)",
    { daysAfterLetter: 14 },
  ),
  rule("US-RETENTION", "retention", "records kept the years", "12 CFR 1006.100", { years: 3 }),
  rule(
    "US-COST-CAP",
    "cost",
    "late charges never take all-in charges above the cap; products above it are refused",
    "house rule (the 36 % line of the Military Lending Act)",
    { annualAllInCapBasisPoints: 3600 },
  ),
  rule(
    "US-REPORTING",
    "reporting",
    "bureau reporting once per episode at DPD above the threshold, only after US-CREDIT-REPORT holds",
    "house rule; 12 CFR 1006.30(a)",
    { dpdAbove: "graceDays", oncePerEpisode: true },
  ),
];

function rule(
  id: string,
  family: RuleSpec["family"],
  summary: string,
  source: string,
  parameters: RuleSpec["parameters"],
): RuleSpec {
  return { id, family, summary, source, parameters };
}

function contact(id: string, summary: string, source: string, parameters: RuleSpec["parameters"]) {
  return rule(id, "contact", summary, source, parameters);
}

/** CN@1 (POLICY.md "CN@1 — China"). */
export const CN1Policy: PolicyPack = {
  jurisdiction: "CN",
  version: 1,
  ref: "CN@1",
  rules: cnRules,
  contact: cnContact,
  templates: cnTemplates,
};

/** US@1 (POLICY.md "US@1 — United States"). */
export const US1Policy: PolicyPack = {
  jurisdiction: "US",
  version: 1,
  ref: "US@1",
  rules: usRules,
  contact: usContact,
  templates: usTemplates,
};

const latest: Readonly<Record<JurisdictionId, PolicyPack>> = { CN: CN1Policy, US: US1Policy };
const byRef: ReadonlyMap<string, PolicyPack> = new Map([
  [CN1Policy.ref, CN1Policy],
  [US1Policy.ref, US1Policy],
]);

/** The current policy pack of a jurisdiction. */
export function policyPackFor(id: JurisdictionId): PolicyPack {
  return latest[id];
}

/** The pack a stored decision or loan names ("CN@1"), or undefined for an unknown ref. */
export function policyPackByRef(ref: string): PolicyPack | undefined {
  return byRef.get(ref);
}

/** The catalogue row of `id` in `pack`; asserts it exists (a rule id typed wrong is a bug). */
export function ruleSpec(pack: PolicyPack, id: string): RuleSpec {
  const found = pack.rules.find((r) => r.id === id);
  assert(found !== undefined, `rule ${id} is not in ${pack.ref}`);
  return found;
}
