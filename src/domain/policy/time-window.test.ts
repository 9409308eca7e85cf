import { describe, expect, it } from "vitest";
import { decisionInput, instant } from "./fixtures.js";
import { judge } from "./judge.js";
import { CN1Policy, US1Policy } from "./packs.js";

const newYork = { recipient: { timeZones: ["America/New_York"] } };

describe("CN-TIME-WINDOW (08:00–22:00 in the recipient's zone)", () => {
  it("allows 21:59 and defers 22:00 to the next 08:00 (Asia/Shanghai)", () => {
    expect(judge(decisionInput(instant("2026-03-20T21:59:00+08:00")), CN1Policy)).toMatchObject({
      outcome: "allow",
      rules: [],
    });
    expect(judge(decisionInput(instant("2026-03-20T22:00:00+08:00")), CN1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-21T00:00:00Z"),
      rules: ["CN-TIME-WINDOW"],
    });
  });

  it("defers 07:59 to 08:00 and allows 08:00", () => {
    expect(judge(decisionInput(instant("2026-03-21T07:59:00+08:00")), CN1Policy)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-21T00:00:00Z"),
      rules: ["CN-TIME-WINDOW"],
    });
    expect(judge(decisionInput(instant("2026-03-21T08:00:00+08:00")), CN1Policy).outcome).toBe(
      "allow",
    );
  });

  it("judges a CN borrower living in America/Los_Angeles in their own zone", () => {
    const la = { recipient: { timeZones: ["America/Los_Angeles"] } };
    // 13:30 in Shanghai, 22:30 PDT in Los Angeles: closed where the borrower is.
    expect(judge(decisionInput(instant("2026-03-20T22:30:00-07:00"), la), CN1Policy)).toMatchObject(
      { outcome: "defer", until: instant("2026-03-21T15:00:00Z"), rules: ["CN-TIME-WINDOW"] },
    );
    // 07:00 in Shanghai, 16:00 PDT the day before in Los Angeles: open.
    expect(judge(decisionInput(instant("2026-03-21T07:00:00+08:00"), la), CN1Policy).outcome).toBe(
      "allow",
    );
  });

  it("uses the window the debtor agreed to instead of the pack's", () => {
    const agreed = { preferences: { agreedWindow: { from: 9 * 60, to: 23 * 60 } } };
    expect(
      judge(decisionInput(instant("2026-03-20T22:30:00+08:00"), agreed), CN1Policy).outcome,
    ).toBe("allow");
    expect(
      judge(decisionInput(instant("2026-03-21T08:30:00+08:00"), agreed), CN1Policy),
    ).toMatchObject({ outcome: "defer", until: instant("2026-03-21T01:00:00Z") });
  });

  it("does not widen a contact person's window by the debtor's agreement", () => {
    const changes = {
      preferences: { agreedWindow: { from: 9 * 60, to: 23 * 60 } },
      attempt: {
        recipient: { kind: "contact", contactId: "C1" } as const,
        template: "callback_request",
      },
    };
    const decision = judge(decisionInput(instant("2026-03-20T22:30:00+08:00"), changes), CN1Policy);
    expect(decision.rules).toContain("CN-TIME-WINDOW");
  });
});

describe("US-TIME-WINDOW (08:00–21:00 at the consumer's location) across the 2026 DST changes", () => {
  it("spring forward (2026-03-08, America/New_York): 21:00 EST defers to 08:00 EDT", () => {
    expect(
      judge(decisionInput(instant("2026-03-07T21:00:00-05:00"), newYork), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-08T12:00:00Z"),
      rules: ["US-TIME-WINDOW"],
    });
    expect(
      judge(decisionInput(instant("2026-03-07T20:59:00-05:00"), newYork), US1Policy).outcome,
    ).toBe("allow");
  });

  it("spring forward: 07:59 EDT defers to 08:00 EDT, 08:00 EDT and 20:59 EDT are allowed", () => {
    expect(
      judge(decisionInput(instant("2026-03-08T07:59:00-04:00"), newYork), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-08T12:00:00Z"),
    });
    expect(
      judge(decisionInput(instant("2026-03-08T08:00:00-04:00"), newYork), US1Policy).outcome,
    ).toBe("allow");
    expect(
      judge(decisionInput(instant("2026-03-08T20:59:00-04:00"), newYork), US1Policy).outcome,
    ).toBe("allow");
    expect(
      judge(decisionInput(instant("2026-03-08T21:00:00-04:00"), newYork), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-09T12:00:00Z"),
    });
  });

  it("fall back (2026-11-01): 21:00 EDT defers to 08:00 EST; 07:59/08:00 EST", () => {
    expect(
      judge(decisionInput(instant("2026-10-31T21:00:00-04:00"), newYork), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-11-01T13:00:00Z"),
    });
    expect(
      judge(decisionInput(instant("2026-11-01T07:59:00-05:00"), newYork), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-11-01T13:00:00Z"),
    });
    expect(
      judge(decisionInput(instant("2026-11-01T08:00:00-05:00"), newYork), US1Policy).outcome,
    ).toBe("allow");
    expect(
      judge(decisionInput(instant("2026-11-01T20:59:00-05:00"), newYork), US1Policy).outcome,
    ).toBe("allow");
  });

  it("with several zones on file, allows only the overlap", () => {
    const both = { recipient: { timeZones: ["America/New_York", "America/Los_Angeles"] } };
    // 08:30 in New York is 05:30 in Los Angeles: wait for 08:00 PDT.
    expect(
      judge(decisionInput(instant("2026-03-20T08:30:00-04:00"), both), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-20T15:00:00Z"),
      rules: ["US-TIME-WINDOW"],
    });
    expect(
      judge(decisionInput(instant("2026-03-20T11:00:00-04:00"), both), US1Policy).outcome,
    ).toBe("allow");
  });
});

describe("US-INCONVENIENT", () => {
  const lunch = { ...newYork, preferences: { inconvenient: [{ from: 12 * 60, to: 14 * 60 }] } };

  it("defers past the time the consumer named inconvenient", () => {
    expect(
      judge(decisionInput(instant("2026-03-20T12:30:00-04:00"), lunch), US1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-20T18:00:00Z"),
      rules: ["US-INCONVENIENT"],
    });
  });

  it("allows outside it", () => {
    expect(
      judge(decisionInput(instant("2026-03-20T14:00:00-04:00"), lunch), US1Policy).outcome,
    ).toBe("allow");
  });
});

describe("CN-PROMISE", () => {
  const promise = { preferences: { promiseUntil: "2026-03-25" } };

  it("defers automatic contact to the opening of the window on the promised date", () => {
    expect(
      judge(decisionInput(instant("2026-03-21T10:00:00+08:00"), promise), CN1Policy),
    ).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-25T00:00:00Z"),
      rules: ["CN-PROMISE"],
    });
  });

  it("allows an agent's call, and automatic contact on the promised date", () => {
    const agent = { ...promise, attempt: { source: "agent" as const } };
    expect(
      judge(decisionInput(instant("2026-03-21T10:00:00+08:00"), agent), CN1Policy).outcome,
    ).toBe("allow");
    expect(
      judge(decisionInput(instant("2026-03-25T08:00:00+08:00"), promise), CN1Policy).outcome,
    ).toBe("allow");
  });
});
