import { describe, expect, it } from "vitest";
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
    expect(replayDecision({ ...stored, house: "house@1" })[0]?.field).toBe("house");
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
