import { describe, expect, it } from "vitest";
import { CN1Policy, policyPackByRef, policyPackFor, US1Policy } from "./packs.js";
import { templateSpec } from "./templates.js";

/** Every rule id of POLICY.md (/work/shared/POLICY.md, outside the repository), by hand. */
const policyRuleIds = {
  CN: [
    "CN-TIME-WINDOW",
    "CN-VOICE-DAILY",
    "CN-UNANSWERED-DAILY",
    "CN-DEBTOR-ONLY",
    "CN-CONTACT-PERSON",
    "CN-CONTACT-CONSENT",
    "CN-CONTACT-REFUSED",
    "CN-CONTACT-FREQUENCY",
    "CN-NO-DISCLOSURE",
    "CN-CHANNEL-OPT-OUT",
    "CN-PROMISE",
    "CN-HOLD",
    "CN-COST-CAP",
    "CN-DISCLOSE-APR",
    "CN-COMPLAINT-SLA",
    "CN-HARDSHIP-REPLY",
    "CN-RETENTION",
    "CN-REPORTING",
  ],
  US: [
    "US-TIME-WINDOW",
    "US-INCONVENIENT",
    "US-7IN7-CALLS",
    "US-7DAY-AFTER-CONVERSATION",
    "US-CEASE",
    "US-ATTORNEY",
    "US-ELECTRONIC-OPT-OUT",
    "US-THIRD-PARTY",
    "US-LIMITED-CONTENT",
    "US-VALIDATION",
    "US-CREDIT-REPORT",
    "US-RETENTION",
    "US-COST-CAP",
    "US-REPORTING",
  ],
} as const;

/** Every rule id the contact configuration names (what `judge` can put in a decision). */
function contactRuleIds(pack: typeof CN1Policy): string[] {
  const ids: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if ((key === "rule" || key.endsWith("Rule")) && typeof inner === "string") ids.push(inner);
      else visit(inner);
    }
  };
  visit(pack.contact);
  return ids;
}

describe("policy packs CN@1 and US@1", () => {
  for (const pack of [CN1Policy, US1Policy]) {
    const expected = policyRuleIds[pack.jurisdiction];

    it(`${pack.ref} holds exactly the rule ids of POLICY.md, each with a summary and source`, () => {
      expect(pack.rules.map((r) => r.id).sort()).toEqual([...expected].sort());
      for (const rule of pack.rules) {
        expect(rule.summary.length).toBeGreaterThan(10);
        expect(rule.source.length).toBeGreaterThan(3);
      }
    });

    it(`${pack.ref}: every rule the engine can name is a contact rule of the catalogue`, () => {
      const contactIds = pack.rules.filter((r) => r.family === "contact").map((r) => r.id);
      for (const id of contactRuleIds(pack)) expect(contactIds).toContain(id);
    });

    it(`${pack.ref}: third parties get limited templates only, and defaults are allowed`, () => {
      for (const id of [
        ...pack.templates.allowed.contact,
        ...pack.templates.allowed.unregistered,
      ]) {
        expect(templateSpec(id)?.kind).toBe("limited");
      }
      for (const kind of ["borrower", "contact"] as const) {
        const fallback = pack.templates.defaults[kind];
        expect(fallback && pack.templates.allowed[kind]).toContain(fallback);
      }
    });
  }

  it("carries the POLICY.md parameters", () => {
    const cn = CN1Policy.contact;
    expect(cn.timeWindow.window).toEqual({ from: 480, to: 1320 });
    expect(cn.conversationsDaily?.max).toBe(3);
    expect(cn.unansweredDaily?.max).toBe(6);
    expect(cn.thirdParty.unreachable).toMatchObject({ days: 7, attemptsMin: 6, channelsMin: 2 });
    expect(cn.thirdParty.perContact).toMatchObject({ max: 1, days: 7 });
    expect(CN1Policy.templates.allowed.contact).toEqual(["callback_request"]);
    const us = US1Policy.contact;
    expect(us.timeWindow.window).toEqual({ from: 480, to: 1260 });
    expect(us.callsPerDebt).toMatchObject({ max: 7, days: 7 });
    expect(us.quietAfterConversation?.days).toBe(7);
    expect(us.thirdParty.perContact).toMatchObject({ max: 1, days: undefined });
    expect(us.validation).toMatchObject({ noticeDays: 5, disputeDays: 30 });
    expect(US1Policy.templates.allowed.contact).toEqual(["location_request"]);
    expect(US1Policy.templates.defaults.borrower).toBe("validation_notice");
    const window = CN1Policy.rules.find((r) => r.id === "CN-TIME-WINDOW");
    expect(window?.parameters).toEqual({ windowFrom: "08:00", windowTo: "22:00" });
  });

  it("finds packs by jurisdiction and by ref", () => {
    expect(policyPackFor("CN")).toBe(CN1Policy);
    expect(policyPackFor("US")).toBe(US1Policy);
    expect(policyPackByRef("US@1")).toBe(US1Policy);
    expect(policyPackByRef("CN@2")).toBeUndefined();
  });
});
