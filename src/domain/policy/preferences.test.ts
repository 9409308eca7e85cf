import { describe, expect, it } from "vitest";
import type { ChannelPreference } from "./attempt.js";
import { decisionInput, type InputChanges, instant } from "./fixtures.js";
import { judge } from "./judge.js";
import { CN1Policy, US1Policy } from "./packs.js";

const cnAt = instant("2026-03-21T10:00:00+08:00");
const usAt = instant("2026-03-20T10:00:00-04:00");
const noticeOnRecord = {
  noticeAt: instant("2026-03-01T09:00:00-05:00"),
  disputedAt: undefined,
  verifiedAt: undefined,
};

/** A US input with the validation notice on record, so US-VALIDATION stays out of the way. */
function usInput(changes: InputChanges = {}) {
  return decisionInput(usAt, {
    ...changes,
    recipient: { timeZones: ["America/New_York"], ...changes.recipient },
    preferences: { validation: noticeOnRecord, ...changes.preferences },
  });
}

function optOut(
  channel: ChannelPreference["channel"],
  optedOut: boolean,
  at: string,
): ChannelPreference {
  return { recipient: { kind: "borrower" }, channel, optedOut, at: instant(at) };
}

describe("CN-CHANNEL-OPT-OUT", () => {
  it("denies a non-mandatory message on an opted-out channel", () => {
    const input = decisionInput(cnAt, {
      preferences: { channels: [optOut("sms", true, "2026-03-01T00:00:00Z")] },
    });
    expect(judge(input, CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-CHANNEL-OPT-OUT"],
    });
  });

  it("allows the channel again after the latest record opts back in, and other channels", () => {
    const back = decisionInput(cnAt, {
      preferences: {
        channels: [
          optOut("sms", true, "2026-03-01T00:00:00Z"),
          optOut("sms", false, "2026-03-10T00:00:00Z"),
        ],
      },
    });
    expect(judge(back, CN1Policy).outcome).toBe("allow");
    const email = decisionInput(cnAt, {
      attempt: { channel: "email" },
      preferences: { channels: [optOut("sms", true, "2026-03-01T00:00:00Z")] },
    });
    expect(judge(email, CN1Policy).outcome).toBe("allow");
  });
});

describe("US-ELECTRONIC-OPT-OUT", () => {
  it("closes an opted-out e-mail medium, the validation notice included", () => {
    const input = usInput({
      attempt: { channel: "email", template: "validation_notice" },
      preferences: { channels: [optOut("email", true, "2026-03-01T00:00:00Z")] },
    });
    expect(judge(input, US1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["US-ELECTRONIC-OPT-OUT"],
    });
  });

  it("does not apply to a call or a letter", () => {
    const input = usInput({
      attempt: { channel: "letter", template: "formal_notice" },
      preferences: { channels: [optOut("letter", true, "2026-03-01T00:00:00Z")] },
    });
    expect(judge(input, US1Policy).outcome).toBe("allow");
  });
});

describe("US-CEASE", () => {
  const ceased = { ceasedAt: instant("2026-03-10T00:00:00Z") };

  it("denies collection after a written cease", () => {
    const input = usInput({
      attempt: { channel: "phone", template: "collection_call" },
      preferences: ceased,
    });
    expect(judge(input, US1Policy)).toMatchObject({ outcome: "deny", rules: ["US-CEASE"] });
  });

  it("still allows a notice", () => {
    const input = usInput({
      attempt: { channel: "letter", template: "verification_notice" },
      preferences: ceased,
    });
    expect(judge(input, US1Policy).outcome).toBe("allow");
  });
});

describe("US-ATTORNEY", () => {
  it("denies contact with a represented consumer, and allows it otherwise", () => {
    expect(judge(usInput({ preferences: { attorney: true } }), US1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["US-ATTORNEY"],
    });
    expect(judge(usInput(), US1Policy).outcome).toBe("allow");
  });
});

describe("CN-HOLD", () => {
  const held = { holds: [{ kind: "complaint" as const, since: instant("2026-03-15T00:00:00Z") }] };

  it("denies collection while a complaint is undecided", () => {
    expect(judge(decisionInput(cnAt, { preferences: held }), CN1Policy)).toMatchObject({
      outcome: "deny",
      rules: ["CN-HOLD"],
    });
  });

  it("still allows a reminder", () => {
    const reminder = decisionInput(cnAt, { attempt: { template: "reminder" }, preferences: held });
    expect(judge(reminder, CN1Policy).outcome).toBe("allow");
  });
});

describe("US-LIMITED-CONTENT", () => {
  it("allows the limited voicemail by phone and denies it on any other channel", () => {
    const phone = usInput({ attempt: { channel: "phone", template: "voicemail_limited" } });
    expect(judge(phone, US1Policy).outcome).toBe("allow");
    const sms = usInput({ attempt: { channel: "sms", template: "voicemail_limited" } });
    expect(judge(sms, US1Policy)).toMatchObject({ outcome: "deny", rules: ["US-LIMITED-CONTENT"] });
  });
});

describe("PACK-TEMPLATE", () => {
  it("denies a template the pack does not send to the debtor", () => {
    const input = decisionInput(cnAt, { attempt: { template: "validation_notice" } });
    expect(judge(input, CN1Policy)).toMatchObject({ outcome: "deny", rules: ["PACK-TEMPLATE"] });
    const unknown = decisionInput(cnAt, { attempt: { template: "no_such_template" } });
    expect(judge(unknown, CN1Policy).rules).toEqual(["PACK-TEMPLATE"]);
  });
});
