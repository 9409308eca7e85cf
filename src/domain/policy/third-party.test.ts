import { describe, expect, it } from "vitest";
import type { ConsentFacts, HistoryEntry } from "./attempt.js";
import { decisionInput, type InputChanges, instant, sent } from "./fixtures.js";
import { judge } from "./judge.js";
import { CN1Policy, US1Policy } from "./packs.js";

const at = instant("2026-03-21T10:00:00+08:00");
const contact = { kind: "contact", contactId: "C1" } as const;
const toContact = { recipient: contact, channel: "phone" as const, template: "callback_request" };

/** Six dispatched attempts to the debtor on two channels in the 7 days before `at`, none answered. */
const unanswered: HistoryEntry[] = [
  ...["15", "16", "17"].map((d) =>
    sent(instant(`2026-03-${d}T10:00:00+08:00`), { outcome: "no_answer" }),
  ),
  ...["18", "19", "20"].map((d) =>
    sent(instant(`2026-03-${d}T10:00:00+08:00`), {
      channel: "sms",
      template: "overdue_notice",
      outcome: undefined,
    }),
  ),
];

const consent: ConsentFacts = {
  purpose: "emergency_contact",
  contactId: "C1",
  grantedAt: instant("2026-01-01T00:00:00Z"),
  withdrawnAt: undefined,
};

/** A call to contact C1 with consent and an unreachable debtor, plus `changes`. */
function contactInput(changes: InputChanges = {}) {
  return decisionInput(at, {
    history: unanswered,
    consents: [consent],
    ...changes,
    attempt: { ...toContact, ...changes.attempt },
  });
}

describe("CN third-party rules for an emergency contact", () => {
  it("allows a limited call-back request when consent holds and the debtor is unreachable", () => {
    expect(judge(contactInput(), CN1Policy)).toMatchObject({ outcome: "allow", rules: [] });
  });

  it("CN-NO-DISCLOSURE: denies a non-limited template to the contact", () => {
    const input = contactInput({ attempt: { template: "overdue_notice" } });
    expect(judge(input, CN1Policy)).toMatchObject({ outcome: "deny", rules: ["CN-NO-DISCLOSURE"] });
  });

  it("CN-CONTACT-CONSENT: denies without consent", () => {
    expect(judge(contactInput({ consents: [] }), CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-CONTACT-CONSENT"],
    });
  });

  it("CN-CONTACT-CONSENT: denies after the consent was withdrawn", () => {
    const withdrawn = { ...consent, withdrawnAt: instant("2026-03-20T00:00:00Z") };
    expect(judge(contactInput({ consents: [withdrawn] }), CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-CONTACT-CONSENT"],
    });
  });

  it("CN-CONTACT-PERSON: denies when the debtor is reachable (answered and refused)", () => {
    const refusedByDebtor = [
      ...unanswered,
      sent(instant("2026-03-20T15:00:00+08:00"), { outcome: "refused" }),
    ];
    expect(judge(contactInput({ history: refusedByDebtor }), CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-CONTACT-PERSON"],
    });
  });

  it("CN-CONTACT-PERSON: denies after a sign of life, or too few attempts, or one channel", () => {
    const life = contactInput({ preferences: { lastSignOfLife: instant("2026-03-19T00:00:00Z") } });
    expect(judge(life, CN1Policy).rules).toEqual(["CN-CONTACT-PERSON"]);
    expect(judge(contactInput({ history: unanswered.slice(1) }), CN1Policy).rules).toEqual([
      "CN-CONTACT-PERSON",
    ]);
    const phoneOnly = unanswered.map((e) => ({ ...e, channel: "phone" as const }));
    expect(judge(contactInput({ history: phoneOnly }), CN1Policy).rules).toEqual([
      "CN-CONTACT-PERSON",
    ]);
  });

  it("CN-CONTACT-PERSON: every debtor number wrong makes the debtor unreachable", () => {
    const wrong = contactInput({
      history: [],
      recipient: { debtorNumbers: [{ id: "N1", wrongNumber: true }] },
    });
    expect(judge(wrong, CN1Policy).outcome).toBe("allow");
  });

  it("CN-CONTACT-REFUSED: denies a contact who refused, on record or by outcome", () => {
    const onRecord = contactInput({ preferences: { contactsRefused: ["C1"] } });
    expect(judge(onRecord, CN1Policy).rules).toEqual(["CN-CONTACT-REFUSED"]);
    const byOutcome = contactInput({
      history: [
        ...unanswered,
        sent(instant("2026-03-01T10:00:00+08:00"), { recipient: contact, outcome: "refused" }),
      ],
    });
    expect(judge(byOutcome, CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-CONTACT-REFUSED"],
    });
  });

  it("CN-CONTACT-FREQUENCY: defers a second attempt within 7 days to the last + 7 days", () => {
    const last = instant("2026-03-18T10:00:00+08:00");
    const input = contactInput({
      history: [
        ...unanswered,
        sent(last, { recipient: contact, template: "callback_request", outcome: "no_answer" }),
      ],
    });
    expect(judge(input, CN1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-25T02:00:00Z"),
      rules: ["CN-CONTACT-FREQUENCY"],
    });
  });

  it("CN-DEBTOR-ONLY: denies anyone who is not a registered contact person", () => {
    const stranger = decisionInput(at, {
      attempt: { recipient: { kind: "unregistered" }, template: "callback_request" },
    });
    expect(judge(stranger, CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-DEBTOR-ONLY"],
    });
    const disclosing = decisionInput(at, { attempt: { recipient: { kind: "unregistered" } } });
    expect(judge(disclosing, CN1Policy).rules).toEqual(["CN-DEBTOR-ONLY", "CN-NO-DISCLOSURE"]);
  });

  it("lists every failing rule at once", () => {
    const input = contactInput({
      consents: [],
      history: [],
      attempt: { template: "overdue_consequences" },
      preferences: { contactsRefused: ["C1"] },
    });
    expect(judge(input, CN1Policy).rules).toEqual([
      "CN-CONTACT-CONSENT",
      "CN-CONTACT-PERSON",
      "CN-CONTACT-REFUSED",
      "CN-NO-DISCLOSURE",
    ]);
  });
});

describe("US-THIRD-PARTY", () => {
  const usAt = instant("2026-03-20T10:00:00-04:00");
  const us = (changes: InputChanges) =>
    decisionInput(usAt, {
      recipient: { timeZones: ["America/New_York"] },
      ...changes,
      attempt: {
        recipient: contact,
        channel: "phone",
        template: "location_request",
        ...changes.attempt,
      },
    });

  it("allows one limited location request", () => {
    expect(judge(us({}), US1Policy)).toMatchObject({ outcome: "allow", rules: [] });
  });

  it("denies a second contact with the same person, ever", () => {
    const before = sent(instant("2026-01-05T10:00:00-05:00"), {
      recipient: contact,
      template: "location_request",
    });
    expect(judge(us({ history: [before] }), US1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["US-THIRD-PARTY"],
    });
  });

  it("denies any template but the location request, and unregistered recipients", () => {
    expect(judge(us({ attempt: { template: "callback_request" } }), US1Policy).rules).toEqual([
      "US-THIRD-PARTY",
    ]);
    expect(
      judge(us({ attempt: { recipient: { kind: "unregistered" } } }), US1Policy).rules,
    ).toEqual(["US-THIRD-PARTY"]);
  });
});
