import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";
import { closeThrough } from "../close/close-day.js";
import { CN1 } from "../jurisdiction/packs.js";
import type { LoanState } from "../loan/loan.js";
import { originateLoan } from "../loan/originate.js";
import type {
  Channel,
  ConsentFacts,
  DecisionInput,
  HistoryEntry,
  Preferences,
  RecipientFacts,
} from "../policy/attempt.js";
import { instant, noPreferences, sent } from "../policy/fixtures.js";
import { judge } from "../policy/judge.js";
import { CN1Policy, US1Policy } from "../policy/packs.js";
import type { PolicyPack } from "../policy/policy-pack.js";
import type { Product } from "../product/product.js";
import { validateProduct } from "../product/validate-product.js";
import { cnDefaultLadder, usDefaultLadder } from "../strategy/default-ladders.js";
import type { Ladder } from "../strategy/ladder.js";
import { type Forecast, type ForecastInput, forecast, forecastDaysMax } from "./forecast.js";

function flatFee(): Product {
  const r = validateProduct(
    {
      id: "flat",
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [12],
      graceDays: 3,
      lateCharges: [{ kind: "late_fee_fixed", amount: "30.00" }],
    },
    CN1,
    "product",
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const product = flatFee();

/** 6000.00 over 12 months from 2026-01-10: the first installment (500.00 + 36.00 fee) is due 02-10. */
function loanClosedThrough(date: CivilDate): LoanState {
  const o = originateLoan({
    loanId: "L1",
    orderId: "o1",
    borrowerId: "B1",
    product,
    principal: 600000n,
    installments: 12,
    origination: "2026-01-10",
  });
  return closeThrough(o.loan, product, date).loan;
}

const shanghai = "Asia/Shanghai";
const borrowerFacts: RecipientFacts = {
  timeZones: [shanghai],
  debtorNumbers: [{ id: "N1", wrongNumber: false }],
  numberId: "N1",
};
const contactFacts: RecipientFacts = { ...borrowerFacts, numberId: "C1" };

const consent: ConsentFacts = {
  purpose: "emergency_contact",
  contactId: "ec1",
  grantedAt: instant("2026-01-05T12:00:00+08:00"),
  withdrawnAt: undefined,
};

interface Changes {
  readonly from?: CivilDate;
  readonly days?: number;
  readonly history?: readonly HistoryEntry[];
  readonly consents?: readonly ConsentFacts[];
  readonly preferences?: Partial<Preferences>;
  readonly ladder?: Ladder | undefined;
  readonly pack?: PolicyPack;
  readonly zone?: string;
}

/** A forecast of L1 with emergency contact ec1, nothing on file unless `changes` says so. */
function inputOf(changes: Changes = {}): ForecastInput {
  const from = changes.from ?? "2026-02-07";
  const zones = { timeZones: [changes.zone ?? shanghai] };
  return {
    loan: loanClosedThrough(addDays(from, -1)),
    product,
    ladder: "ladder" in changes ? changes.ladder : cnDefaultLadder,
    pack: changes.pack ?? CN1Policy,
    borrower: { ...borrowerFacts, ...zones },
    contacts: [{ contactId: "ec1", recipient: { ...contactFacts, ...zones } }],
    facts: {
      history: changes.history ?? [],
      consents: changes.consents ?? [],
      preferences: { ...noPreferences, ...changes.preferences },
    },
    from,
    days: changes.days ?? 30,
  };
}

const iso = (at: Instant | undefined) =>
  at === undefined ? undefined : new Date(at).toISOString();

/** The ladder's judgements, as `date time channel template outcome`. */
function strategyLines(f: Forecast): string[] {
  return f.days.flatMap((d) =>
    d.contacts
      .filter((c) => c.source === "strategy")
      .map((c) => `${d.date} ${iso(c.at)} ${c.channel} ${c.template} ${c.outcome}`),
  );
}

describe("forecast of an unpaid CN flat-fee loan", () => {
  const f = forecast(inputOf());

  it("runs the close each day: due on 02-10, M1 on 02-11, the late fee and the report past grace", () => {
    expect(f).toMatchObject({
      from: "2026-02-07",
      through: "2026-03-08",
      pack: "CN@1",
      ladder: "cn-default@1",
      timeZone: shanghai,
      probe: { channel: "sms", template: "callback_request", hour: 10 },
    });
    expect(f.days).toHaveLength(30);
    expect(f.days.map((d) => d.dpd).slice(0, 9)).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5]);
    expect(f.days.at(-1)).toMatchObject({ date: "2026-03-08", dpd: 26, bucket: "M1" });
    const withEvents = f.days
      .filter((d) => d.events.length > 0)
      .map((d) => [d.date, d.events.map((e) => e.type).join(",")]);
    expect(withEvents).toEqual([
      ["2026-02-10", "due"],
      ["2026-02-11", "bucket"],
      ["2026-02-14", "late_charge,report"],
    ]);
    expect(f.days.find((d) => d.date === "2026-02-14")?.charges).toEqual([
      { n: 1, kind: "late_fee_fixed", amount: 3000n },
    ]);
    expect(f.days.find((d) => d.date === "2026-02-10")?.events).toEqual([
      { type: "due", date: "2026-02-10", loan: "L1", n: 1, interest: 0n, fee: 3600n },
    ]);
  });

  it("judges the ladder's steps at 09:00 local: reminders, the overdue notice, calls and e-mails", () => {
    expect(strategyLines(f)).toEqual([
      "2026-02-07 2026-02-07T01:00:00.000Z in_app reminder allow",
      "2026-02-07 2026-02-07T01:00:00.000Z sms reminder allow",
      "2026-02-10 2026-02-10T01:00:00.000Z sms reminder allow",
      "2026-02-11 2026-02-11T01:00:00.000Z sms overdue_notice allow",
      "2026-02-13 2026-02-13T01:00:00.000Z phone collection_call allow",
      "2026-02-15 2026-02-15T01:00:00.000Z email overdue_consequences allow",
      "2026-02-17 2026-02-17T01:00:00.000Z phone collection_call allow",
      "2026-02-25 2026-02-25T01:00:00.000Z email formal_notice allow",
      "2026-03-07 2026-03-07T01:00:00.000Z in_app reminder allow",
      "2026-03-07 2026-03-07T01:00:00.000Z sms reminder allow",
    ]);
  });

  it("without consent never allows the emergency contact: CN-CONTACT-CONSENT (and CN-CONTACT-PERSON)", () => {
    expect(f.contacts).toEqual([
      {
        contactId: "ec1",
        firstAllowed: undefined,
        dpd: undefined,
        rules: ["CN-CONTACT-CONSENT", "CN-CONTACT-PERSON"],
        answer:
          "ec1 would not be contacted from 2026-02-07 through 2026-03-08, even with nothing paid: " +
          "CN-CONTACT-CONSENT (house rule of the product: the debtor's separate consent naming the " +
          "contact and the purpose, not withdrawn); CN-CONTACT-PERSON (a contact person only when " +
          "the debtor is unreachable (attempts on channels in the last days, nothing answered, no " +
          "sign of life; or every number wrong)).",
      },
    ]);
    const probes = f.days.flatMap((d) => d.contacts.filter((c) => c.source === "probe"));
    expect(probes).toHaveLength(30);
    expect(probes[0]).toMatchObject({
      at: instant("2026-02-07T10:00:00+08:00"),
      recipient: { kind: "contact", contactId: "ec1" },
      channel: "sms",
      template: "callback_request",
      outcome: "deny",
    });
  });

  it("with a standing consent but a ladder that never makes the debtor unreachable: CN-CONTACT-PERSON", () => {
    const withConsent = forecast(inputOf({ consents: [consent] }));
    expect(withConsent.contacts).toMatchObject([
      { contactId: "ec1", firstAllowed: undefined, rules: ["CN-CONTACT-PERSON"] },
    ]);
  });

  it("gives the same forecast for the same inputs", () => {
    expect(forecast(inputOf({ consents: [consent] }))).toEqual(
      forecast(inputOf({ consents: [consent] })),
    );
  });
});

/** Six dispatched attempts to the debtor in the week before 03-01, on phone and SMS, none answered. */
const unanswered: HistoryEntry[] = [
  ...["22", "23", "24", "25"].map((d) =>
    sent(instant(`2026-02-${d}T10:00:00+08:00`), { outcome: "no_answer" }),
  ),
  ...["26", "27"].map((d) =>
    sent(instant(`2026-02-${d}T10:00:00+08:00`), {
      channel: "sms",
      template: "overdue_notice",
      numberId: undefined,
      outcome: undefined,
    }),
  ),
];

describe("forecast of the emergency contact when the debtor is already unreachable", () => {
  it("judges under the lender's house rules: with SMS closed by the house, the probe never passes", () => {
    const input = inputOf({
      from: "2026-03-01",
      days: 3,
      history: unanswered,
      consents: [consent],
    });
    const f = forecast({ ...input, house: { ref: "acme@1", deniedChannels: ["sms"] } });
    expect(f.contacts[0]?.firstAllowed).toBeUndefined();
    expect(f.contacts[0]?.rules).toContain("HOUSE-CHANNEL");
    // On the first day the house rule alone stands in the way.
    const [first] = f.days.flatMap((d) => d.contacts.filter((c) => c.source === "probe"));
    expect(first).toMatchObject({ outcome: "deny", rules: ["HOUSE-CHANNEL"] });
    // Without the house rules the same input allows the contact at once (the case below).
    expect(forecast(input).contacts[0]?.firstAllowed).toBe(instant("2026-03-01T10:00:00+08:00"));
  });

  it("probes a contact far west of the borrower too: at 10:00 their time, on the borrower's date", () => {
    const base = inputOf({
      from: "2026-03-01",
      days: 10,
      history: unanswered,
      consents: [consent],
    });
    const [person] = base.contacts;
    if (!person) throw new Error("the input has a contact");
    const la = "America/Los_Angeles";
    const f = forecast({
      ...base,
      contacts: [{ ...person, recipient: { ...person.recipient, timeZones: [la] } }],
    });
    // 10:00 on 02-28 in Los Angeles is 02:00 on 03-01 in Shanghai: the borrower's first date.
    expect(f.contacts[0]?.firstAllowed).toBe(instant("2026-02-28T10:00:00-08:00"));
    expect(f.contacts[0]?.answer).toMatch(
      /^ec1 could first be contacted on 2026-02-28 at 10:00 \(America\/Los_Angeles\), 19 days past due/,
    );
  });

  it("allows the contact on the first day at 10:00 local, with the limited template", () => {
    const f = forecast(
      inputOf({ from: "2026-03-01", days: 10, history: unanswered, consents: [consent] }),
    );
    expect(f.contacts).toEqual([
      {
        contactId: "ec1",
        firstAllowed: instant("2026-03-01T10:00:00+08:00"),
        dpd: 19,
        rules: [],
        answer:
          "ec1 could first be contacted on 2026-03-01 at 10:00 (Asia/Shanghai), 19 days past due, " +
          "by sms with the limited-content template callback_request only (lender's name and a " +
          "call-back request).",
      },
    ]);
    const probes = f.days.flatMap((d) => d.contacts.filter((c) => c.source === "probe"));
    // Probing stops at the first allow: the question is when, not how often.
    expect(probes).toEqual([
      {
        source: "probe",
        at: instant("2026-03-01T10:00:00+08:00"),
        recipient: { kind: "contact", contactId: "ec1" },
        channel: "sms",
        template: "callback_request",
        outcome: "allow",
        until: undefined,
        rules: [],
      },
    ]);
  });

  it("a sign of life in the week keeps the debtor reachable: never, CN-CONTACT-PERSON", () => {
    const f = forecast(
      inputOf({
        from: "2026-03-01",
        days: 3,
        history: unanswered,
        consents: [consent],
        preferences: { lastSignOfLife: instant("2026-02-28T20:00:00+08:00") },
      }),
    );
    expect(f.contacts[0]).toMatchObject({ firstAllowed: undefined, rules: ["CN-CONTACT-PERSON"] });
  });
});

describe("forecast of deferrals and packs", () => {
  it("judges a step deferred by a promise to pay again at `until` (CN-PROMISE), on its own date", () => {
    const f = forecast(inputOf({ days: 8, preferences: { promiseUntil: "2026-02-13" } }));
    expect(strategyLines(f)).toEqual([
      "2026-02-07 2026-02-07T01:00:00.000Z in_app reminder defer",
      "2026-02-07 2026-02-07T01:00:00.000Z sms reminder defer",
      "2026-02-10 2026-02-10T01:00:00.000Z sms reminder defer",
      "2026-02-11 2026-02-11T01:00:00.000Z sms overdue_notice defer",
      "2026-02-13 2026-02-13T00:00:00.000Z in_app reminder allow",
      "2026-02-13 2026-02-13T00:00:00.000Z sms reminder allow",
      "2026-02-13 2026-02-13T00:00:00.000Z sms reminder allow",
      "2026-02-13 2026-02-13T00:00:00.000Z sms overdue_notice allow",
      "2026-02-13 2026-02-13T01:00:00.000Z phone collection_call allow",
    ]);
    const deferred = f.days[0]?.contacts[0];
    expect(deferred).toMatchObject({
      rules: ["CN-PROMISE"],
      until: instant("2026-02-13T08:00:00+08:00"),
    });
  });

  it("US: the validation notice that goes out on D+1 is on file for every later step", () => {
    const f = forecast(
      inputOf({ pack: US1Policy, ladder: usDefaultLadder, zone: "America/New_York", days: 20 }),
    );
    const lines = strategyLines(f);
    expect(lines).toContain("2026-02-11 2026-02-11T14:00:00.000Z email validation_notice allow");
    expect(lines.filter((l) => !l.endsWith("allow"))).toEqual([]);
    expect(f.contacts[0]).toMatchObject({ firstAllowed: instant("2026-02-07T10:00:00-05:00") });
  });

  it("proposes nothing without a ladder, and still closes and probes", () => {
    const f = forecast(inputOf({ ladder: undefined, days: 5 }));
    expect(f.ladder).toBeUndefined();
    expect(strategyLines(f)).toEqual([]);
    expect(f.days.map((d) => d.contacts.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it("judges nothing before `notBefore`: the day's earlier steps are history, the probe moves to it", () => {
    const noon = instant("2026-02-07T12:00:00+08:00");
    const f = forecast({ ...inputOf({ days: 2 }), notBefore: noon });
    expect(f.days[0]?.contacts).toEqual([
      expect.objectContaining({ source: "probe", at: noon, outcome: "deny" }),
    ]);
    expect(f.days[1]?.contacts).toEqual([
      expect.objectContaining({ source: "probe", at: instant("2026-02-08T10:00:00+08:00") }),
    ]);
  });

  it("denies everything while the borrower's processing is restricted (PIPL-RESTRICTED)", () => {
    const f = forecast({
      ...inputOf({ from: "2026-03-01", days: 1, history: unanswered, consents: [consent] }),
      restricted: true,
    });
    const judged = f.days.flatMap((d) => d.contacts);
    expect(judged.every((j) => j.outcome === "deny" && j.rules.includes("PIPL-RESTRICTED"))).toBe(
      true,
    );
    expect(f.contacts[0]).toMatchObject({ firstAllowed: undefined, rules: ["PIPL-RESTRICTED"] });
  });

  it("refuses a horizon outside 1..366 days", () => {
    expect(() => forecast(inputOf({ days: 0 }))).toThrow();
    expect(() => forecast(inputOf({ days: forecastDaysMax + 1 }))).toThrow();
  });
});

// The property: what the forecast reports as allowed, the engine allows on the same facts.

const channelsTried: readonly Channel[] = ["sms", "phone", "email"];

const historyEntry = (from: CivilDate) =>
  fc
    .record({
      daysBefore: fc.integer({ min: 1, max: 10 }),
      hour: fc.integer({ min: 8, max: 21 }),
      channel: fc.constantFrom(...channelsTried),
      outcome: fc.constantFrom(undefined, "no_answer", "answered", "refused", "wrong_number"),
      toContact: fc.boolean(),
      dispatched: fc.boolean(),
    })
    .map(
      (h): HistoryEntry => ({
        ...sent(
          instant(`${addDays(from, -h.daysBefore)}T${String(h.hour).padStart(2, "0")}:00:00+08:00`),
        ),
        recipient: h.toContact ? { kind: "contact", contactId: "ec1" } : { kind: "borrower" },
        channel: h.channel,
        template: h.toContact ? "callback_request" : "overdue_notice",
        numberId: h.channel === "phone" ? (h.toContact ? "C1" : "N1") : undefined,
        dispatched: h.dispatched,
        outcome: h.dispatched && h.channel === "phone" ? h.outcome : undefined,
      }),
    );

const scenario = fc
  .record({
    offset: fc.integer({ min: 0, max: 80 }),
    days: fc.integer({ min: 1, max: 20 }),
    us: fc.boolean(),
    consent: fc.constantFrom("none", "standing", "withdrawn"),
    withdrawnAfter: fc.integer({ min: 0, max: 20 }),
    promise: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    life: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    refused: fc.boolean(),
    entries: fc.array(fc.nat(), { maxLength: 14 }),
  })
  .chain((s) => {
    const from = addDays("2026-02-01", s.offset);
    return fc
      .array(historyEntry(from), { minLength: s.entries.length, maxLength: s.entries.length })
      .map((history) => ({ ...s, from, history: history.sort((a, b) => a.at - b.at) }));
  });

describe("forecast property", () => {
  it("never reports a contact as allowed that judge on the same facts would not allow", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const consents: ConsentFacts[] =
          s.consent === "none"
            ? []
            : [
                {
                  ...consent,
                  withdrawnAt:
                    s.consent === "withdrawn"
                      ? instant(`${addDays(s.from, s.withdrawnAfter)}T09:30:00+08:00`)
                      : undefined,
                },
              ];
        const input = inputOf({
          from: s.from,
          days: s.days,
          history: s.history,
          consents,
          pack: s.us ? US1Policy : CN1Policy,
          ladder: s.us ? usDefaultLadder : cnDefaultLadder,
          preferences: {
            promiseUntil: s.promise === undefined ? undefined : addDays(s.from, s.promise),
            lastSignOfLife:
              s.life === undefined ? undefined : instant(`${addDays(s.from, -s.life)}T12:00:00Z`),
            contactsRefused: s.refused ? ["ec1"] : [],
          },
        });
        const f = forecast(input);
        checkAgainstJudge(input, f);
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * Rebuilds, for every probe, the facts at its instant from the forecast's own report — the
 * history on file plus every ladder judgement up to that instant — and judges it directly.
 */
function checkAgainstJudge(input: ForecastInput, f: Forecast): void {
  const judged = f.days.flatMap((d) => d.contacts);
  const strategy = judged.filter((j) => j.source === "strategy");
  const probes = judged.filter((j) => j.source === "probe");
  for (const probe of probes) {
    const history: HistoryEntry[] = [
      ...input.facts.history,
      ...strategy
        .filter((j) => j.at <= probe.at)
        .map((j) => ({
          at: j.at,
          loanId: "L1",
          recipient: j.recipient,
          channel: j.channel,
          template: j.template,
          numberId: j.channel === "phone" ? "N1" : undefined,
          dispatched: j.outcome === "allow",
          outcome: undefined,
        })),
    ];
    const notice = history.find((h) => h.dispatched && h.template === "validation_notice");
    const preferences = input.facts.preferences;
    const decisionInput: DecisionInput = {
      attempt: {
        loanId: "L1",
        borrowerId: "B1",
        recipient: probe.recipient,
        channel: probe.channel,
        template: probe.template,
        at: probe.at,
        source: "agent",
      },
      recipient: input.contacts[0]?.recipient as RecipientFacts,
      history,
      consents: input.facts.consents,
      preferences: {
        ...preferences,
        validation: { ...preferences.validation, noticeAt: notice?.at },
      },
      asOf: probe.at,
    };
    const direct = judge(decisionInput, input.pack);
    if (probe.outcome === "allow") expect(direct.outcome).toBe("allow");
    expect(direct.rules).toEqual(probe.rules);
  }
  const firstAllowed = probes.find((p) => p.outcome === "allow")?.at;
  expect(f.contacts[0]?.firstAllowed).toBe(firstAllowed);
}
