import { describe, expect, it } from "vitest";
import { type LoanRetentionFacts, retentionOf, retentionRuleFor } from "./retention.js";

const loan = (facts: Partial<LoanRetentionFacts>): LoanRetentionFacts => ({
  loanId: "l1",
  jurisdiction: "CN",
  status: "settled",
  origination: "2020-01-10",
  lastDueDate: "2021-01-10",
  lastOperationDate: "2021-01-10",
  lastCollectionDate: undefined,
  ...facts,
});

describe("retention", () => {
  it("reads the years from the packs (CN-RETENTION 5, US-RETENTION 3)", () => {
    expect(retentionRuleFor("CN")).toMatchObject({ ruleId: "CN-RETENTION", years: 5 });
    expect(retentionRuleFor("US")).toMatchObject({ ruleId: "US-RETENTION", years: 3 });
  });

  it("lets a borrower who never had a loan be erased at once", () => {
    expect(retentionOf([], "2026-01-01")).toEqual({
      loans: [],
      until: undefined,
      erasableNow: true,
    });
  });

  it("runs from the later of the loan's end and its last collection record", () => {
    const verdict = retentionOf([loan({ lastCollectionDate: "2021-03-01" })], "2026-01-01");
    expect(verdict.loans[0]).toMatchObject({ from: "2021-03-01", until: "2026-03-01" });
    expect(verdict.erasableNow).toBe(false);
    expect(retentionOf([loan({})], "2026-01-10").erasableNow).toBe(true);
  });

  it("takes the longest period over every loan and pack", () => {
    const verdict = retentionOf(
      [loan({}), loan({ loanId: "l2", jurisdiction: "US", lastOperationDate: "2024-06-30" })],
      "2026-01-01",
    );
    expect(verdict.until).toBe("2027-06-30");
  });

  it("never lets an open loan end before today, and keeps it provisional", () => {
    const verdict = retentionOf(
      [loan({ status: "open", lastDueDate: "2025-12-10", lastOperationDate: "2025-11-10" })],
      "2026-01-01",
    );
    expect(verdict.loans[0]).toMatchObject({
      from: "2026-01-01",
      until: "2031-01-01",
      final: false,
    });
    expect(verdict.erasableNow).toBe(false);
  });

  it("anchors a 29 February start on 28 February", () => {
    expect(retentionOf([loan({ lastOperationDate: "2024-02-29" })], "2026-01-01").until).toBe(
      "2029-02-28",
    );
  });
});
