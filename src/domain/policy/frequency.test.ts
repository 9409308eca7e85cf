import { describe, expect, it } from "vitest";
import { decisionInput, instant, sent } from "./fixtures.js";
import { judge } from "./judge.js";
import { CN1Policy, US1Policy } from "./packs.js";

const call = { channel: "phone" as const, template: "collection_call" };
/** US inputs have the validation notice on record, so US-VALIDATION stays out of the way. */
const validated = {
  validation: {
    noticeAt: instant("2026-03-01T09:00:00-05:00"),
    disputedAt: undefined,
    verifiedAt: undefined,
  },
};

describe("CN-VOICE-DAILY (3 conversations with the debtor per local day)", () => {
  const three = ["09", "10", "11"].map((h) => sent(instant(`2026-03-20T${h}:00:00+08:00`)));

  it("defers the call that could be the 4th conversation of the day to the next day's window", () => {
    const input = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: three,
    });
    expect(judge(input, CN1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-21T00:00:00Z"),
      rules: ["CN-TIME-WINDOW", "CN-VOICE-DAILY"],
    });
  });

  it("allows a call after 2 conversations, an SMS after 3, and a call the next day", () => {
    const two = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: three.slice(0, 2),
    });
    expect(judge(two, CN1Policy).outcome).toBe("allow");
    const sms = decisionInput(instant("2026-03-20T15:00:00+08:00"), { history: three });
    expect(judge(sms, CN1Policy).outcome).toBe("allow");
    const nextDay = decisionInput(instant("2026-03-21T08:00:00+08:00"), {
      attempt: call,
      history: three,
    });
    expect(judge(nextDay, CN1Policy).outcome).toBe("allow");
  });

  it("counts only dispatched attempts", () => {
    const notSent = three.map((e) => ({ ...e, dispatched: false }));
    const input = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: notSent,
    });
    expect(judge(input, CN1Policy).outcome).toBe("allow");
  });
});

describe("CN-UNANSWERED-DAILY (6 unanswered dials per number per local day)", () => {
  const six = [8, 9, 10, 11, 12, 13].map((h) =>
    sent(instant(`2026-03-20T${String(h).padStart(2, "0")}:30:00+08:00`), { outcome: "no_answer" }),
  );

  it("defers the 7th dial to one number", () => {
    const input = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: six,
    });
    expect(judge(input, CN1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-21T00:00:00Z"),
      rules: ["CN-TIME-WINDOW", "CN-UNANSWERED-DAILY"],
    });
  });

  it("allows the 6th dial, and a dial to another number", () => {
    const sixth = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: six.slice(0, 5),
    });
    expect(judge(sixth, CN1Policy).outcome).toBe("allow");
    const other = decisionInput(instant("2026-03-20T15:00:00+08:00"), {
      attempt: call,
      history: six,
      recipient: { numberId: "N2" },
    });
    expect(judge(other, CN1Policy).outcome).toBe("allow");
  });
});

describe("US-7IN7-CALLS (7 calls per debt in any 7 consecutive days)", () => {
  const newYork = { timeZones: ["America/New_York"] };
  const seven = [10, 11, 12, 13, 14, 15, 16].map((d) =>
    sent(instant(`2026-03-${d}T10:00:00-04:00`), { outcome: "no_answer" }),
  );

  it("defers the 8th call to the day the oldest call leaves the 7-day window", () => {
    const input = decisionInput(instant("2026-03-16T15:00:00-04:00"), {
      attempt: call,
      recipient: newYork,
      preferences: validated,
      history: seven,
    });
    expect(judge(input, US1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-17T12:00:00Z"),
      rules: ["US-7IN7-CALLS", "US-TIME-WINDOW"],
    });
  });

  it("allows the 7th call, and calls about another loan", () => {
    const seventh = decisionInput(instant("2026-03-16T15:00:00-04:00"), {
      attempt: call,
      recipient: newYork,
      preferences: validated,
      history: seven.slice(1),
    });
    expect(judge(seventh, US1Policy).outcome).toBe("allow");
    const otherLoan = decisionInput(instant("2026-03-16T15:00:00-04:00"), {
      attempt: { ...call, loanId: "L2" },
      recipient: newYork,
      preferences: validated,
      history: seven,
    });
    expect(judge(otherLoan, US1Policy).outcome).toBe("allow");
  });
});

describe("US-7DAY-AFTER-CONVERSATION (conversation day is day 1)", () => {
  const newYork = { timeZones: ["America/New_York"] };
  const talked = [sent(instant("2026-03-02T10:00:00-05:00"))];

  it("defers a call on day 7 to day 8", () => {
    const input = decisionInput(instant("2026-03-08T10:00:00-04:00"), {
      attempt: call,
      recipient: newYork,
      preferences: validated,
      history: talked,
    });
    expect(judge(input, US1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-09T12:00:00Z"),
      rules: ["US-7DAY-AFTER-CONVERSATION", "US-TIME-WINDOW"],
    });
  });

  it("allows a call on day 8 and an e-mail on day 3", () => {
    const day8 = decisionInput(instant("2026-03-09T08:00:00-04:00"), {
      attempt: call,
      recipient: newYork,
      preferences: validated,
      history: talked,
    });
    expect(judge(day8, US1Policy).outcome).toBe("allow");
    const email = decisionInput(instant("2026-03-04T10:00:00-05:00"), {
      attempt: { channel: "email" },
      recipient: newYork,
      preferences: validated,
      history: [
        ...talked,
        sent(instant("2026-03-02T09:00:00-05:00"), {
          template: "validation_notice",
          channel: "email",
          outcome: undefined,
        }),
      ],
    });
    expect(judge(email, US1Policy).outcome).toBe("allow");
  });
});
