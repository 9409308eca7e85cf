import { describe, expect, it } from "vitest";
import { canonicalJson } from "../crypto/canonical-json.js";
import { decisionInput, instant } from "./fixtures.js";
import type { HouseRuleSet } from "./house-rules-file.js";
import { judge } from "./judge.js";
import { CN1Policy } from "./packs.js";
import { decisionInputOf, replayDecision } from "./replay.js";

const stored = {
  outcome: "deny" as const,
  until: undefined,
  rules: ["CN-DEBTOR-ONLY"],
  pack: "CN@1",
  house: undefined,
  inputHash: "00",
  inputs: "{}",
};

describe("decision replay (pure)", () => {
  it("cannot replay a pack it does not know or house rules it was not given", () => {
    expect(replayDecision({ ...stored, pack: "CN@9" })).toEqual([
      { field: "pack", stored: "CN@9", replayed: "unknown pack" },
    ]);
    expect(replayDecision({ ...stored, house: "house@1" })).toEqual([
      { field: "house", stored: "house@1", replayed: "house rules not loaded" },
    ]);
  });

  it("re-judges a decision under house rules with the rules of its ref, in force or retired", () => {
    const acme = { ref: "acme@1", window: { from: 9 * 60, to: 21 * 60 } };
    const input = decisionInput(instant("2026-03-21T08:30:00+08:00"));
    const decision = judge(input, CN1Policy, acme);
    expect(decision).toMatchObject({ outcome: "defer", house: "acme@1" });
    const text = canonicalJson(input);
    if (!text.ok) throw new Error("no canonical JSON");
    const record = { ...decision, inputs: text.value, house: "acme@1" };
    const inForce: HouseRuleSet = { inForce: { CN: acme }, retired: [] };
    expect(replayDecision(record, inForce)).toEqual([]);
    const later = { ref: "acme@2", window: { from: 10 * 60, to: 21 * 60 } };
    const retired: HouseRuleSet = {
      inForce: { CN: later },
      retired: [{ jurisdiction: "CN", rules: acme }],
    };
    expect(replayDecision(record, retired)).toEqual([]);
    // Rules under another jurisdiction's key are not this decision's.
    expect(replayDecision(record, { inForce: { US: acme }, retired: [] })[0]?.field).toBe("house");
    // Rules edited without a new ref: the input hash covers the whole overlay.
    const edited: HouseRuleSet = {
      inForce: { CN: { ...acme, window: { from: 8 * 60 + 45, to: 21 * 60 } } },
      retired: [],
    };
    expect(replayDecision(record, edited).map((d) => d.field)).toEqual(["until", "inputHash"]);
    // The same decision stored as if made without house rules replays bare, and disagrees.
    expect(replayDecision({ ...record, house: undefined }, inForce).map((d) => d.field)).toEqual([
      "outcome",
      "until",
      "rules",
      "inputHash",
    ]);
  });

  it("reads back only canonical inputs of the engine's shape", () => {
    expect(replayDecision(stored)).toEqual([
      { field: "inputs", stored: "unreadable", replayed: "not a decision input" },
    ]);
    expect(decisionInputOf("not json")).toBeUndefined();
    const input = {
      asOf: 1,
      attempt: {},
      consents: [],
      history: [],
      preferences: {},
      recipient: { timeZones: ["Asia/Shanghai"] },
    };
    const text = JSON.stringify(input);
    expect(decisionInputOf(text)).toEqual(input);
    // The same value written with whitespace is not the text that was hashed.
    expect(decisionInputOf(JSON.stringify(input, null, 1))).toBeUndefined();
    expect(decisionInputOf(text.replace('["Asia/Shanghai"]', "[]"))).toBeUndefined();
  });
});
