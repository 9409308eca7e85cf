import { describe, expect, it } from "vitest";
import { instant } from "../policy/fixtures.js";
import { CN1Policy, US1Policy } from "../policy/packs.js";
import { cnDefaultLadder, defaultLadderFor, usDefaultLadder } from "./default-ladders.js";
import { ladderRef } from "./ladder.js";
import { parseLadder, parseLadderSteps } from "./parse-ladder.js";
import { type InstallmentState, proposeSteps } from "./propose-steps.js";

describe("parseLadder", () => {
  it("reads a ladder, defaulting a step's time to 09:00", () => {
    const result = parseLadder({
      id: "acme-soft",
      version: 2,
      steps: [{ day: 1, channel: "sms", template: "overdue_notice" }],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        id: "acme-soft",
        version: 2,
        steps: [{ day: 1, channel: "sms", template: "overdue_notice", time: "09:00" }],
      },
    });
  });

  it("names every bad field with its path", () => {
    const result = parseLadderSteps([
      { day: 1, channel: "sms", template: "overdue_notice" },
      { day: 2, channel: "sms", template: "overdue_notice", time: "9:00" },
      { day: 3, channel: "fax", template: "nope", colour: "red" },
    ]);
    expect(result.ok ? [] : result.error.map((p) => p.field)).toEqual([
      "strategy[1].time",
      "strategy[2].channel",
      "strategy[2].template",
      "strategy[2].colour",
    ]);
    const whole = parseLadder({
      id: "x",
      version: 0,
      steps: [{ day: 1, channel: "pigeon", template: "reminder" }],
    });
    expect(whole.ok ? [] : whole.error.map((p) => p.field)).toEqual([
      "strategy.version",
      "strategy.steps[0].channel",
    ]);
  });

  it("refuses collection before the due date, duplicates, and templates outside the pack", () => {
    const early = parseLadderSteps([{ day: -2, channel: "phone", template: "collection_call" }]);
    expect(early.ok ? undefined : early.error[0]).toMatchObject({
      code: "strategy.before_due",
      field: "strategy[0].template",
    });
    const twice = parseLadderSteps([
      { day: 1, channel: "sms", template: "reminder" },
      { day: 1, channel: "sms", template: "reminder", time: "10:00" },
    ]);
    expect(twice.ok ? undefined : twice.error[0]).toMatchObject({
      code: "strategy.duplicate",
      field: "strategy[1]",
    });
    const us = parseLadderSteps(
      [{ day: 1, channel: "email", template: "validation_notice" }],
      "strategy",
      CN1Policy,
    );
    expect(us.ok ? undefined : us.error[0]).toMatchObject({ code: "strategy.template" });
    expect(parseLadderSteps([], "strategy").ok).toBe(false);
  });

  it("accepts the default ladders, each under its own pack", () => {
    expect(parseLadder(cnDefaultLadder, "strategy", CN1Policy).ok).toBe(true);
    expect(parseLadder(usDefaultLadder, "strategy", US1Policy).ok).toBe(true);
    expect(defaultLadderFor("US")).toBe(usDefaultLadder);
    expect(ladderRef(cnDefaultLadder)).toBe("cn-default@1");
  });
});

describe("proposeSteps", () => {
  const base = {
    ladder: cnDefaultLadder,
    loanId: "L1",
    borrowerId: "B1",
    timeZone: "Asia/Shanghai",
  };
  const due = (n: number, dueDate: string, unpaid = true): InstallmentState => ({
    n,
    dueDate,
    unpaid,
  });

  it("proposes the D−3 reminders for an unpaid installment at 09:00 local", () => {
    const proposals = proposeSteps({
      ...base,
      installments: [due(1, "2026-03-10")],
      date: "2026-03-07",
    });
    expect(proposals).toEqual([
      {
        loanId: "L1",
        borrowerId: "B1",
        recipient: { kind: "borrower" },
        channel: "in_app",
        template: "reminder",
        at: instant("2026-03-07T01:00:00Z"),
        source: "strategy",
      },
      expect.objectContaining({
        channel: "sms",
        template: "reminder",
        at: instant("2026-03-07T01:00:00Z"),
      }),
    ]);
  });

  it("proposes nothing for a paid installment, before due or after", () => {
    expect(
      proposeSteps({ ...base, installments: [due(1, "2026-03-10", false)], date: "2026-03-07" }),
    ).toEqual([]);
    expect(
      proposeSteps({ ...base, installments: [due(1, "2026-03-10", false)], date: "2026-03-13" }),
    ).toEqual([]);
    expect(
      proposeSteps({ ...base, installments: [due(1, "2026-03-10")], date: "2026-03-12" }),
    ).toEqual([]);
  });

  it("proposes D+3 and D+7 calls once when two overdue installments both fire", () => {
    const proposals = proposeSteps({
      ...base,
      installments: [due(1, "2026-02-10"), due(2, "2026-02-14")],
      date: "2026-02-17",
    });
    expect(proposals.map((p) => `${p.channel} ${p.template}`)).toEqual(["phone collection_call"]);
  });

  it("US: the validation notice on D+1 goes before the overdue SMS, in the borrower's zone (EDT)", () => {
    const proposals = proposeSteps({
      ...base,
      ladder: usDefaultLadder,
      timeZone: "America/New_York",
      installments: [due(1, "2026-03-07")],
      date: "2026-03-08",
    });
    expect(proposals.map((p) => [p.template, p.at])).toEqual([
      ["validation_notice", instant("2026-03-08T13:00:00Z")],
      ["overdue_notice", instant("2026-03-08T14:00:00Z")],
    ]);
  });
});
