import { describe, expect, it } from "vitest";
import type { Problem } from "../result.js";
import { restrictedRule, withRestriction } from "./restriction.js";
import { readRevealField, readRevealReason, revealReasonLengthMax } from "./reveal.js";

describe("reveal input", () => {
  it("names reason when it is missing, blank or too long", () => {
    for (const raw of [undefined, "", "   ", "x".repeat(revealReasonLengthMax + 1), "a\nb"]) {
      const problems: Problem[] = [];
      expect(readRevealReason(raw, problems)).toBeUndefined();
      expect(problems.map((p) => p.field)).toEqual(["reason"]);
    }
    expect(readRevealReason(" 核实身份 ", [])).toBe("核实身份");
  });

  it("reads the fields staff may reveal", () => {
    expect(readRevealField("phone", [])).toEqual({ kind: "phone" });
    expect(readRevealField("contact:ec1", [])).toEqual({ kind: "contact", contactId: "ec1" });
    const problems: Problem[] = [];
    expect(readRevealField("address", problems)).toBeUndefined();
    expect(problems[0]?.field).toBe("field");
  });
});

describe("restricted processing", () => {
  const allow = {
    outcome: "allow" as const,
    until: undefined,
    rules: [],
    pack: "CN@1",
    house: undefined,
    inputHash: "h",
  };

  it("turns every decision into a deny naming PIPL-RESTRICTED", () => {
    expect(withRestriction(allow, false)).toBe(allow);
    expect(withRestriction(allow, true)).toMatchObject({
      outcome: "deny",
      rules: [restrictedRule],
    });
    const defer = { ...allow, outcome: "defer" as const, until: 5, rules: ["CN-TIME-WINDOW"] };
    expect(withRestriction(defer, true)).toMatchObject({
      outcome: "deny",
      until: undefined,
      rules: ["CN-TIME-WINDOW", restrictedRule],
    });
  });
});
