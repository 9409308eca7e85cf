import { describe, expect, it } from "vitest";
import { decisionInput, instant } from "./fixtures.js";
import {
  houseRulesByRef,
  houseRulesInForce,
  readHouseRuleSet,
  retiredHouseRulesMax,
} from "./house-rules-file.js";
import { judge } from "./judge.js";
import { CN1Policy } from "./packs.js";

/** The problems of a document the reader must refuse, as `field: code`. */
function refusals(raw: unknown): string[] {
  const read = readHouseRuleSet(raw);
  expect(read.ok).toBe(false);
  return read.ok ? [] : read.error.map((p) => `${p.field}: ${p.code}`);
}

describe("readHouseRuleSet", () => {
  it("reads times as HH:MM into the engine's minutes, and every limit", () => {
    const read = readHouseRuleSet({
      CN: {
        ref: "acme-cn@1",
        window: { from: "09:00", to: "21:30" },
        conversationsPerDayMax: 2,
        unansweredPerNumberPerDayMax: 4,
        contactAttemptsMax: 1,
        contactPeriodDays: 14,
        unreachableAttemptsMin: 8,
        unreachableChannelsMin: 3,
        deniedChannels: ["push", "letter"],
      },
      US: { ref: "acme-us@1", callsPerDebtMax: 5, quietAfterConversationDays: 8 },
    });
    expect(read).toEqual({
      ok: true,
      value: {
        inForce: {
          CN: {
            ref: "acme-cn@1",
            window: { from: 540, to: 1290 },
            conversationsPerDayMax: 2,
            unansweredPerNumberPerDayMax: 4,
            contactAttemptsMax: 1,
            contactPeriodDays: 14,
            unreachableAttemptsMin: 8,
            unreachableChannelsMin: 3,
            deniedChannels: ["push", "letter"],
          },
          US: { ref: "acme-us@1", callsPerDebtMax: 5, quietAfterConversationDays: 8 },
        },
        retired: [],
      },
    });
  });

  it("accepts a window inside the pack's, up to its very edges", () => {
    for (const window of [
      { from: "09:00", to: "21:00" },
      { from: "08:00", to: "22:00" },
    ]) {
      const read = readHouseRuleSet({ CN: { ref: "acme@1", window } });
      expect(read.ok, JSON.stringify(window)).toBe(true);
    }
    // An empty document: no house rules anywhere, every pack judges bare.
    expect(readHouseRuleSet({})).toEqual({ ok: true, value: { inForce: {}, retired: [] } });
  });

  it("refuses a looser window naming the field, the pack and its window", () => {
    const read = readHouseRuleSet({
      CN: { ref: "acme@1", window: { from: "07:30", to: "22:30" } },
    });
    expect(read).toEqual({
      ok: false,
      error: [
        {
          code: "house.looser",
          field: "CN.window.from",
          message: "CN.window.from opens before the pack (CN@1 allows 08:00–22:00)",
        },
      ],
    });
    // US closes at 21:00: a CN-sized window is looser there.
    expect(refusals({ US: { ref: "acme@1", window: { from: "08:00", to: "22:00" } } })).toEqual([
      "US.window.to: house.looser",
    ]);
  });

  it("refuses every looser or absent limit, not only the first", () => {
    const read = readHouseRuleSet({
      CN: { ref: "acme@1", conversationsPerDayMax: 4, contactPeriodDays: 3, callsPerDebtMax: 5 },
    });
    expect(read.ok ? [] : read.error).toEqual([
      {
        code: "house.looser",
        field: "CN.conversationsPerDayMax",
        message: "CN.conversationsPerDayMax must be at most the pack's 3 (CN@1)",
      },
      {
        code: "house.absent",
        field: "CN.callsPerDebtMax",
        message: "CN.callsPerDebtMax tightens a rule the pack does not have (CN@1)",
      },
      {
        code: "house.looser",
        field: "CN.contactPeriodDays",
        message: "CN.contactPeriodDays must be at least the pack's 7 (CN@1)",
      },
    ]);
  });

  it("names unknown fields, wrong types and bad values by their path", () => {
    expect(
      refusals({
        CN: {
          ref: "acme",
          window: { from: "9:00", to: "25:00", until: "x" },
          conversationsPerDayMax: "2",
          unansweredPerNumberPerDayMax: 1.5,
          deniedChannels: ["fax", "sms"],
          colour: "blue",
        },
        US: "strict",
        FR: {},
      }),
    ).toEqual([
      "CN.ref: field.format",
      "CN.window.from: field.format",
      "CN.window.to: field.format",
      "CN.window.until: field.unknown",
      "CN.conversationsPerDayMax: field.range",
      "CN.unansweredPerNumberPerDayMax: field.range",
      "CN.deniedChannels[0]: field.choice",
      "CN.colour: field.unknown",
      "US: field.type",
      "FR: field.unknown",
    ]);
    expect(refusals({ CN: { window: { from: "10:00", to: "09:00" } } })).toEqual([
      "CN.ref: field.required",
      "CN.window.to: field.range",
    ]);
    expect(refusals({ CN: { ref: "acme@1", window: { from: "10:00" } } })).toEqual([
      "CN.window.to: field.required",
    ]);
    expect(refusals([])).toEqual(["the document: field.type"]);
  });

  it("starts every message with the field it names (the CLI prints the message alone)", () => {
    const read = readHouseRuleSet({
      CN: { ref: 1, window: { from: "06:00", to: "23:00" }, deniedChannels: "sms" },
      retired: [{ jurisdiction: "XX", ref: "a@1" }],
      other: 1,
    });
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error.length).toBeGreaterThan(3);
      for (const p of read.error) expect(p.message.startsWith(p.field), p.message).toBe(true);
    }
  });

  it("keeps retired versions for replay, checked like those in force, one ref per jurisdiction", () => {
    const document = {
      CN: { ref: "acme@2", window: { from: "09:00", to: "21:00" } },
      retired: [{ jurisdiction: "CN", ref: "acme@1", window: { from: "09:00", to: "20:00" } }],
    };
    const read = readHouseRuleSet(document);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(houseRulesInForce(read.value, "CN")?.ref).toBe("acme@2");
    expect(houseRulesInForce(read.value, "US")).toBeUndefined();
    expect(houseRulesByRef(read.value, "CN", "acme@1")?.window).toEqual({ from: 540, to: 1200 });
    expect(houseRulesByRef(read.value, "CN", "acme@2")?.window).toEqual({ from: 540, to: 1260 });
    expect(houseRulesByRef(read.value, "US", "acme@1")).toBeUndefined();
    expect(
      refusals({
        ...document,
        retired: [
          { jurisdiction: "CN", ref: "acme@2" },
          { jurisdiction: "CN", ref: "acme@1", conversationsPerDayMax: 9 },
        ],
      }),
    ).toEqual([
      "retired[1].conversationsPerDayMax: house.looser",
      "retired[0].ref: house.duplicate",
    ]);
    const many = Array.from({ length: retiredHouseRulesMax + 1 }, (_, i) => ({
      jurisdiction: "CN",
      ref: `old@${i + 1}`,
    }));
    expect(refusals({ retired: many })).toEqual(["retired: field.range"]);
  });

  it("gives the engine rules that defer a contact the pack allows", () => {
    const read = readHouseRuleSet({
      CN: { ref: "acme@1", window: { from: "09:00", to: "21:00" } },
    });
    const house = read.ok ? houseRulesInForce(read.value, "CN") : undefined;
    const input = decisionInput(instant("2026-03-21T08:30:00+08:00"));
    expect(judge(input, CN1Policy).outcome).toBe("allow");
    expect(judge(input, CN1Policy, house)).toMatchObject({
      outcome: "defer",
      until: instant("2026-03-21T09:00:00+08:00"),
      rules: ["CN-TIME-WINDOW"],
      house: "acme@1",
    });
  });
});
