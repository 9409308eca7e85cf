import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../calendar/civil-date.js";
import { civilDateAt, type Instant, localTimeAt } from "../calendar/instant.js";
import {
  type Channel,
  type ChannelPreference,
  type ConsentFacts,
  channels,
  type DecisionInput,
  type HistoryEntry,
  type Recipient,
} from "./attempt.js";
import { decisionInput, instant, noPreferences } from "./fixtures.js";
import { decisionInputHash, judge } from "./judge.js";
import { CN1Policy, US1Policy } from "./packs.js";
import type { PolicyPack } from "./policy-pack.js";
import { templateIds, templateSpec } from "./templates.js";

const dayMs = 86_400_000;
const hourMs = 3_600_000;
const zones = ["Asia/Shanghai", "America/New_York", "America/Los_Angeles", "Europe/London"];
const from2026 = instant("2026-01-01T00:00:00Z");
const to2026 = instant("2026-12-31T00:00:00Z");

const recipientArb: fc.Arbitrary<Recipient> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: "borrower" } as const) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom("C1", "C2")
      .map((id) => ({ kind: "contact", contactId: id }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "unregistered" } as const) },
);
const channelArb = fc.constantFrom<Channel>(...channels);
/** Calls and texts dominate real histories; weighting them makes the limits bite. */
const busyChannelArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Channel>("phone") },
  { weight: 1, arbitrary: channelArb },
);
const templateArb = fc.constantFrom(...templateIds);

function historyArb(at: Instant): fc.Arbitrary<HistoryEntry[]> {
  const entry = fc.record({
    // Most entries fall in the last two days, where the daily limits bite.
    at: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: at - 2 * dayMs, max: at - 1 }) },
      { weight: 2, arbitrary: fc.integer({ min: at - 9 * dayMs, max: at - 1 }) },
    ),
    loanId: fc.constantFrom("L1", "L2"),
    recipient: recipientArb,
    channel: busyChannelArb,
    template: templateArb,
    numberId: fc.constantFrom("N1", "N2"),
    dispatched: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    outcome: fc.oneof(
      { weight: 3, arbitrary: fc.constant("no_answer" as const) },
      { weight: 2, arbitrary: fc.constant("answered" as const) },
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom("refused" as const, "wrong_number" as const) },
    ),
  });
  return fc.array(entry, { maxLength: 24 }) as fc.Arbitrary<HistoryEntry[]>;
}

/** A burst of calls to the debtor's number N1 in the hours before `at`: the daily limits' edge. */
function burstArb(at: Instant): fc.Arbitrary<HistoryEntry[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: 8 }),
      fc.constantFrom("answered" as const, "no_answer" as const),
    )
    .chain(([count, outcome]) =>
      fc.array(
        fc.integer({ min: at - 6 * hourMs, max: at - 1 }).map(
          (t): HistoryEntry => ({
            at: t,
            loanId: "L1",
            recipient: { kind: "borrower" },
            channel: "phone",
            template: "collection_call",
            numberId: "N1",
            dispatched: true,
            outcome,
          }),
        ),
        { minLength: count, maxLength: count },
      ),
    );
}

/** Six unanswered attempts on two channels over the last week, half the time: an unreachable debtor. */
function unreachableArb(at: Instant): fc.Arbitrary<HistoryEntry[]> {
  const bundle = [1, 2, 3, 4, 5, 6].map(
    (d): HistoryEntry => ({
      at: at - d * dayMs + hourMs,
      loanId: "L1",
      recipient: { kind: "borrower" },
      channel: d % 2 === 0 ? "sms" : "phone",
      template: d % 2 === 0 ? "overdue_notice" : "collection_call",
      numberId: "N2",
      dispatched: true,
      outcome: d % 2 === 0 ? undefined : "no_answer",
    }),
  );
  return fc.boolean().map((on) => (on ? bundle : []));
}

function consentsArb(at: Instant): fc.Arbitrary<ConsentFacts[]> {
  const consent = fc.record({
    purpose: fc.constant("emergency_contact" as const),
    contactId: fc.constantFrom("C1", "C2"),
    grantedAt: fc.integer({ min: at - 60 * dayMs, max: at + dayMs }),
    withdrawnAt: rare(fc.integer({ min: at - 30 * dayMs, max: at + 3 * dayMs })),
  });
  return fc.array(consent, { maxLength: 2 });
}

/** Undefined four times in five: facts that close everything must not drown the other rules. */
function rare<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

function preferencesArb(at: Instant) {
  const time = (days: number) => fc.integer({ min: at - days * dayMs, max: at });
  const pref: fc.Arbitrary<ChannelPreference> = fc.record({
    recipient: recipientArb,
    channel: channelArb,
    optedOut: fc.boolean(),
    at: time(30),
  });
  const window = fc
    .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 600 }))
    .map(([start, length]) => ({ from: start, to: Math.min(1440, start + length) }));
  return fc.record({
    channels: fc.array(pref, { maxLength: 3 }),
    agreedWindow: rare(window),
    inconvenient: fc.array(window, { maxLength: 1 }),
    ceasedAt: rare(time(30)),
    attorney: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    promiseUntil: rare(
      fc.integer({ min: -2, max: 5 }).map((d) => addDays(civilDateAt(at, "UTC"), d)),
    ),
    holds: rare(fc.record({ kind: fc.constantFrom("complaint", "hardship"), since: time(30) })).map(
      (hold) => (hold === undefined ? [] : [hold]),
    ),
    contactsRefused: rare(fc.subarray(["C1", "C2"])).map((ids) => ids ?? []),
    lastSignOfLife: rare(time(14)),
    validation: fc.record({
      noticeAt: rare(time(40)),
      disputedAt: rare(time(20)),
      verifiedAt: rare(time(10)),
    }),
  });
}

const caseArb = fc
  .record({
    pack: fc.constantFrom(CN1Policy, US1Policy),
    at: fc.integer({ min: from2026, max: to2026 }).map((t) => t - (t % 60_000)),
    zones: fc.subarray(zones, { minLength: 1, maxLength: 2 }),
  })
  .chain(({ pack, at, zones }) =>
    fc
      .record({
        recipient: recipientArb,
        channel: busyChannelArb,
        template: fc.oneof(
          { weight: 1, arbitrary: templateArb },
          { weight: 3, arbitrary: fc.constantFrom(...pack.templates.allowed.borrower) },
          { weight: 2, arbitrary: fc.constantFrom(...pack.templates.allowed.contact) },
        ),
        source: fc.constantFrom("strategy", "agent") as fc.Arbitrary<"strategy" | "agent">,
        numberId: fc.constantFrom("N1", "N2"),
        wrong: fc.boolean(),
        history: fc
          .tuple(historyArb(at), burstArb(at), unreachableArb(at))
          .map(([random, burst, bundle]) => [...random, ...burst, ...bundle]),
        consents: consentsArb(at),
        preferences: preferencesArb(at),
      })
      .map(
        ({
          recipient,
          channel,
          template,
          source,
          numberId,
          wrong,
          history,
          consents,
          preferences,
        }) => {
          const input: DecisionInput = {
            ...decisionInput(at),
            attempt: { loanId: "L1", borrowerId: "B1", recipient, channel, template, at, source },
            recipient: {
              timeZones: zones,
              debtorNumbers: [{ id: "N1", wrongNumber: wrong }],
              numberId,
            },
            history,
            consents,
            preferences: { ...noPreferences, ...preferences },
          };
          return { pack, input };
        },
      ),
  );

/**
 * CN calls and texts to contact C1 with the call-back template: the random facts then decide,
 * and enough of them line up (consent, unreachable debtor, open hour) for allows to occur.
 */
const cnContactArb = caseArb
  .filter(({ pack }) => pack.ref === "CN@1")
  .chain(({ pack, input }) =>
    fc
      .record({
        template: fc.constantFrom("callback_request", "callback_request", "overdue_notice"),
        channel: fc.constantFrom<Channel>("phone", "sms"),
        trimmed: fc.boolean(),
      })
      .map(({ template, channel, trimmed }) => ({
        pack,
        input: {
          ...input,
          // Dropping the random part of the history leaves the unreachable bundle, if any.
          history: trimmed ? input.history.filter((e) => e.numberId === "N2") : input.history,
          consents: [
            ...input.consents,
            {
              purpose: "emergency_contact" as const,
              contactId: "C1",
              grantedAt: from2026 - dayMs,
              withdrawnAt: undefined,
            },
          ].slice(trimmed ? 1 : 0),
          attempt: {
            ...input.attempt,
            recipient: { kind: "contact", contactId: "C1" } as const,
            template,
            channel,
          },
        },
      })),
  );

/** The window the pack (and, in CN, the debtor's agreement) opens: POLICY.md, not the engine. */
function openWindow(pack: PolicyPack, input: DecisionInput) {
  const agreed = input.preferences.agreedWindow;
  if (pack.ref === "CN@1" && input.attempt.recipient.kind === "borrower" && agreed) return agreed;
  return pack.ref === "CN@1" ? { from: 480, to: 1320 } : { from: 480, to: 1260 };
}

function inOpenWindow(pack: PolicyPack, input: DecisionInput, at: Instant): boolean {
  const window = openWindow(pack, input);
  return input.recipient.timeZones.every((zone) => {
    const local = localTimeAt(at, zone);
    const minute = local.hour * 60 + local.minute;
    return window.from <= minute && minute < window.to;
  });
}

const sent = (input: DecisionInput) => input.history.filter((e) => e.dispatched);
const isCall = (e: HistoryEntry) => e.channel === "phone";

/** The frequency limits of POLICY.md, recounted from the history. */
function withinFrequency(pack: PolicyPack, input: DecisionInput): boolean {
  const { attempt } = input;
  if (attempt.channel !== "phone") return true;
  return input.recipient.timeZones.every((zone) => {
    const day = civilDateAt(attempt.at, zone);
    const onDay = (e: HistoryEntry) => civilDateAt(e.at, zone) === day;
    const calls = sent(input).filter(isCall);
    if (pack.ref === "CN@1") {
      const talks = calls.filter(
        (e) => onDay(e) && e.outcome === "answered" && e.recipient.kind === "borrower",
      );
      const unanswered = calls.filter(
        (e) => onDay(e) && e.outcome === "no_answer" && e.numberId === input.recipient.numberId,
      );
      return (attempt.recipient.kind !== "borrower" || talks.length < 3) && unanswered.length < 6;
    }
    const age = (e: HistoryEntry) => daysBetween(civilDateAt(e.at, zone), day);
    const recent = calls.filter((e) => e.loanId === attempt.loanId && age(e) >= 0 && age(e) < 7);
    const talkedRecently = recent.some(
      (e) =>
        e.outcome === "answered" &&
        e.recipient.kind === attempt.recipient.kind &&
        JSON.stringify(e.recipient) === JSON.stringify(attempt.recipient),
    );
    return recent.length < 7 && !talkedRecently;
  });
}

/** CN: consent valid at `at` and the debtor unreachable (or every number wrong); no attempt in 7 days. */
function thirdPartyOpen(input: DecisionInput): boolean {
  const { attempt } = input;
  if (attempt.recipient.kind !== "contact") return attempt.recipient.kind === "borrower";
  const id = attempt.recipient.contactId;
  const t = attempt.at;
  const consent = input.consents.some(
    (c) =>
      c.contactId === id && c.grantedAt <= t && (c.withdrawnAt === undefined || c.withdrawnAt > t),
  );
  const week = sent(input).filter(
    (e) => e.recipient.kind === "borrower" && e.at >= t - 7 * dayMs && e.at < t,
  );
  const quiet =
    week.length >= 6 &&
    new Set(week.map((e) => e.channel)).size >= 2 &&
    !week.some((e) => e.outcome === "answered" || e.outcome === "refused") &&
    !(
      input.preferences.lastSignOfLife !== undefined &&
      input.preferences.lastSignOfLife >= t - 7 * dayMs
    );
  const unreachable = quiet || input.recipient.debtorNumbers.every((n) => n.wrongNumber);
  const recentToContact = sent(input).some(
    (e) => e.recipient.kind === "contact" && e.recipient.contactId === id && e.at > t - 7 * dayMs,
  );
  return (
    consent && unreachable && !recentToContact && templateSpec(attempt.template)?.kind === "limited"
  );
}

function optedOut(input: DecisionInput): boolean {
  const prefs = input.preferences.channels
    .filter(
      (p) =>
        p.channel === input.attempt.channel &&
        JSON.stringify(p.recipient) === JSON.stringify(input.attempt.recipient),
    )
    .sort((a, b) => a.at - b.at || Number(a.optedOut) - Number(b.optedOut));
  return prefs[prefs.length - 1]?.optedOut === true;
}

const runs = { numRuns: 400 };

describe("judge: properties over random histories, consents and preferences", () => {
  it("never allows in a closed window", () => {
    fc.assert(
      fc.property(caseArb, ({ pack, input }) => {
        const decision = judge(input, pack);
        if (decision.outcome === "allow")
          expect(inOpenWindow(pack, input, input.attempt.at)).toBe(true);
      }),
      runs,
    );
  });

  it("never allows beyond a frequency limit", () => {
    fc.assert(
      fc.property(caseArb, ({ pack, input }) => {
        if (judge(input, pack).outcome === "allow") expect(withinFrequency(pack, input)).toBe(true);
      }),
      runs,
    );
  });

  it("never reaches a CN third party without consent, unreachability and limited content", () => {
    fc.assert(
      fc.property(cnContactArb, ({ pack, input }) => {
        if (judge(input, pack).outcome === "allow") expect(thirdPartyOpen(input)).toBe(true);
      }),
      runs,
    );
  });

  it("never follows an opt-out (bar CN mandatory notices), a US cease or a withdrawal", () => {
    fc.assert(
      fc.property(caseArb, ({ pack, input }) => {
        if (judge(input, pack).outcome !== "allow") return;
        const mandatory = templateSpec(input.attempt.template)?.mandatory === true;
        const electronic = input.attempt.channel === "sms" || input.attempt.channel === "email";
        if (pack.ref === "CN@1" && !mandatory) expect(optedOut(input)).toBe(false);
        if (pack.ref === "US@1" && electronic) expect(optedOut(input)).toBe(false);
        if (
          pack.ref === "US@1" &&
          input.attempt.recipient.kind === "borrower" &&
          input.preferences.ceasedAt
        ) {
          expect(templateSpec(input.attempt.template)?.kind).toBe("notice");
        }
      }),
      runs,
    );
  });

  it("defers to an instant that is allowed when judged again, unless a deny applies then", () => {
    fc.assert(
      fc.property(caseArb, ({ pack, input }) => {
        const decision = judge(input, pack);
        if (decision.outcome !== "defer") return;
        const until = decision.until as Instant;
        expect(until).toBeGreaterThan(input.attempt.at);
        expect(until - input.attempt.at).toBeLessThan(400 * dayMs);
        const again = judge({ ...input, attempt: { ...input.attempt, at: until } }, pack);
        expect(again.outcome).not.toBe("defer");
        if (again.outcome === "allow") expect(inOpenWindow(pack, input, until)).toBe(true);
      }),
      runs,
    );
  });

  it("is deterministic: same input, same decision and hash", () => {
    fc.assert(
      fc.property(caseArb, ({ pack, input }) => {
        const first = judge(input, pack);
        const copy = JSON.parse(JSON.stringify(input)) as DecisionInput;
        expect(judge(copy, pack)).toEqual(first);
        expect(first.inputHash).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 100 },
    );
  });
});

describe("judge: decisions and their hash", () => {
  const input = decisionInput(instant("2026-03-21T10:00:00+08:00"));

  it("allows with no rules, names the pack, no house", () => {
    expect(judge(input, CN1Policy)).toEqual({
      outcome: "allow",
      until: undefined,
      rules: [],
      pack: "CN@1",
      house: undefined,
      inputHash: decisionInputHash(input, CN1Policy),
    });
  });

  it("hashes the input, the pack ref and the house rules", () => {
    const hash = judge(input, CN1Policy).inputHash;
    const later = { ...input, asOf: input.asOf + hourMs };
    expect(judge(later, CN1Policy).inputHash).not.toBe(hash);
    expect(judge(input, US1Policy).inputHash).not.toBe(hash);
    expect(judge(input, CN1Policy, { ref: "acme@1" }).inputHash).not.toBe(hash);
    expect(
      judge(input, CN1Policy, { ref: "acme@1", conversationsPerDayMax: 2 }).inputHash,
    ).not.toBe(judge(input, CN1Policy, { ref: "acme@1" }).inputHash);
  });

  it("lists deferring rules under a deny: deny wins", () => {
    const late = decisionInput(instant("2026-03-21T23:00:00+08:00"), {
      preferences: { holds: [{ kind: "hardship", since: instant("2026-03-01T00:00:00Z") }] },
    });
    expect(judge(late, CN1Policy)).toMatchObject({
      outcome: "deny",
      until: undefined,
      rules: ["CN-HOLD", "CN-TIME-WINDOW"],
    });
  });

  it("denies when zones on file never share an open hour", () => {
    const narrow = decisionInput(instant("2026-03-21T10:00:00+08:00"), {
      recipient: { timeZones: ["Asia/Shanghai", "America/New_York"] },
    });
    const house = { ref: "narrow@1", window: { from: 9 * 60, to: 10 * 60 } };
    expect(judge(narrow, CN1Policy, house)).toMatchObject({
      outcome: "deny",
      rules: ["CN-TIME-WINDOW"],
    });
  });
});
