import { describe, expect, it } from "vitest";
import { decisionInput, type InputChanges, instant, sent } from "./fixtures.js";
import { judge } from "./judge.js";
import { US1Policy } from "./packs.js";

const at = instant("2026-03-20T10:00:00-04:00");
const noValidation = { noticeAt: undefined, disputedAt: undefined, verifiedAt: undefined };

function usInput(changes: InputChanges) {
  return decisionInput(at, { recipient: { timeZones: ["America/New_York"] }, ...changes });
}

const overdueSms = (when: string) =>
  sent(instant(when), { channel: "sms", template: "overdue_notice", outcome: undefined });

describe("US-VALIDATION: the notice within 5 days of the first communication", () => {
  it("denies everything but the notice once 5 days have passed without one", () => {
    const input = usInput({ history: [overdueSms("2026-03-14T09:00:00-04:00")] });
    expect(judge(input, US1Policy)).toMatchObject({ outcome: "deny", rules: ["US-VALIDATION"] });
    const notice = usInput({
      history: [overdueSms("2026-03-14T09:00:00-04:00")],
      attempt: { channel: "email", template: "validation_notice" },
    });
    expect(judge(notice, US1Policy).outcome).toBe("allow");
  });

  it("allows collection within 5 days of the first communication, and after the notice", () => {
    expect(
      judge(usInput({ history: [overdueSms("2026-03-16T09:00:00-04:00")] }), US1Policy).outcome,
    ).toBe("allow");
    const noticed = usInput({
      history: [
        overdueSms("2026-03-10T09:00:00-04:00"),
        sent(instant("2026-03-10T08:00:00-04:00"), {
          channel: "email",
          template: "validation_notice",
          outcome: undefined,
        }),
      ],
    });
    expect(judge(noticed, US1Policy).outcome).toBe("allow");
  });

  it("does not start the clock with a pre-due reminder", () => {
    const reminded = usInput({
      history: [
        sent(instant("2026-02-01T09:00:00-05:00"), {
          channel: "sms",
          template: "reminder",
          outcome: undefined,
        }),
      ],
    });
    expect(judge(reminded, US1Policy).outcome).toBe("allow");
  });
});

describe("US-VALIDATION: a dispute within 30 days pauses collection until verification", () => {
  const noticeAt = instant("2026-03-01T09:00:00-05:00");

  it("denies collection after a timely dispute, but allows the verification notice", () => {
    const disputed = { ...noValidation, noticeAt, disputedAt: instant("2026-03-15T00:00:00Z") };
    expect(judge(usInput({ preferences: { validation: disputed } }), US1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["US-VALIDATION"],
    });
    const verification = usInput({
      preferences: { validation: disputed },
      attempt: { channel: "letter", template: "verification_notice" },
    });
    expect(judge(verification, US1Policy).outcome).toBe("allow");
  });

  it("allows collection once verification was sent, or when the dispute came after 30 days", () => {
    const verified = {
      noticeAt,
      disputedAt: instant("2026-03-15T00:00:00Z"),
      verifiedAt: instant("2026-03-18T00:00:00Z"),
    };
    expect(judge(usInput({ preferences: { validation: verified } }), US1Policy).outcome).toBe(
      "allow",
    );
    const late = {
      ...noValidation,
      noticeAt: instant("2026-01-10T00:00:00Z"),
      disputedAt: instant("2026-03-15T00:00:00Z"),
    };
    expect(judge(usInput({ preferences: { validation: late } }), US1Policy).outcome).toBe("allow");
  });
});
