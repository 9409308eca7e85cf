import { describe, expect, it } from "vitest";
import { creditReportAllowed } from "./credit-report.js";
import { instant, sent } from "./fixtures.js";
import { CN1Policy, US1Policy } from "./packs.js";

const asOf = instant("2026-04-01T12:00:00Z");
const letter = (at: string) =>
  sent(instant(at), { channel: "letter", template: "formal_notice", outcome: undefined });

describe("creditReportAllowed (US-CREDIT-REPORT)", () => {
  it("refuses before any conversation or 14 days after a letter", () => {
    expect(creditReportAllowed([], asOf, US1Policy)).toEqual({
      allowed: false,
      rules: ["US-CREDIT-REPORT"],
    });
    expect(creditReportAllowed([letter("2026-03-19T12:00:01Z")], asOf, US1Policy).allowed).toBe(
      false,
    );
    expect(
      creditReportAllowed(
        [sent(instant("2026-03-30T10:00:00Z"), { outcome: "no_answer" })],
        asOf,
        US1Policy,
      ).allowed,
    ).toBe(false);
  });

  it("allows after a conversation, or 14 days after a letter", () => {
    expect(creditReportAllowed([sent(instant("2026-03-30T10:00:00Z"))], asOf, US1Policy)).toEqual({
      allowed: true,
      rules: [],
    });
    expect(creditReportAllowed([letter("2026-03-18T12:00:00Z")], asOf, US1Policy).allowed).toBe(
      true,
    );
  });

  it("always allows under CN@1, which has no such rule", () => {
    expect(creditReportAllowed([], asOf, CN1Policy)).toEqual({ allowed: true, rules: [] });
  });
});
