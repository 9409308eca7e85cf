import { describe, expect, it } from "vitest";
import { CN1, US1 } from "../jurisdiction/packs.js";
import { validateProduct } from "./validate-product.js";

const flat = {
  id: "mall-flat",
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [3, 6, 12],
};

function problems(raw: unknown, pack = CN1) {
  const r = validateProduct(raw, pack, "products[0]");
  return r.ok ? [] : r.error;
}

describe("validateProduct", () => {
  it("fills the documented defaults", () => {
    const r = validateProduct(flat, CN1, "products[0]");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      id: "mall-flat",
      method: "flat_fee",
      rounding: "half_even",
      graceDays: 0,
      arrearsTolerance: 0n,
      chargeOffDays: 180,
      lateCharges: [],
      allocation: ["late", "fee", "interest", "principal"],
      prepayment: "shorten_term",
      installments: [3, 6, 12],
    });
    expect(r.value.periodFeeRate).toMatchObject({ num: 3n, den: 500n });
    expect(r.value.annualRate.num).toBe(0n);
  });

  it("reads late charges of every kind", () => {
    const r = validateProduct(
      {
        ...flat,
        lateCharges: [
          { kind: "penalty_daily", rate: "0.0005" },
          { kind: "late_fee_fixed", amount: "20.00" },
          { kind: "late_fee_percent", rate: "0.05" },
        ],
      },
      CN1,
      "p",
    );
    expect(r.ok && r.value.lateCharges).toEqual([
      { kind: "penalty_daily", rate: { num: 1n, den: 2000n, text: "0.0005" } },
      { kind: "late_fee_fixed", amount: 2000n },
      { kind: "late_fee_percent", rate: { num: 1n, den: 20n, text: "0.05" } },
    ]);
  });

  it("names every bad field at once", () => {
    const found = problems({
      id: "",
      method: "balloon",
      installments: [0, 12, 12],
      rounding: "up",
      graceDays: -1,
      arrearsTolerance: "0.001",
      lateCharges: [{ kind: "penalty_daily" }, { kind: "late_fee_fixed", amount: 20 }],
      allocation: ["principal", "interest"],
      prepayment: "never",
      colour: "red",
    });
    const fields = found.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "products[0].id",
        "products[0].method",
        "products[0].installments[0]",
        "products[0].rounding",
        "products[0].graceDays",
        "products[0].arrearsTolerance",
        "products[0].lateCharges[0].rate",
        "products[0].lateCharges[1].amount",
        "products[0].allocation",
        "products[0].prepayment",
        "products[0].colour",
      ]),
    );
  });

  it.each([
    [{ ...flat, annualRate: "0.1" }, "product.rate_for_method", "products[0].annualRate"],
    [
      {
        id: "x",
        method: "equal_installment",
        periodFeeRate: "0.01",
        annualRate: "0.1",
        installments: [3],
      },
      "product.rate_for_method",
      "products[0].periodFeeRate",
    ],
    [
      { id: "x", method: "equal_installment", installments: [3] },
      "field.required",
      "products[0].annualRate",
    ],
    [{ ...flat, installments: [] }, "product.no_installments", "products[0].installments"],
    [
      { ...flat, installments: [3, 3] },
      "product.duplicate_installments",
      "products[0].installments",
    ],
    [{ ...flat, installments: [361] }, "field.range", "products[0].installments[0]"],
    [
      { ...flat, graceDays: 10, chargeOffDays: 5 },
      "product.charge_off_in_grace",
      "products[0].chargeOffDays",
    ],
    [
      { ...flat, lateCharges: [{ kind: "penalty_daily", rate: "0.01", extra: 1 }] },
      "field.unknown",
      "products[0].lateCharges[0].extra",
    ],
    [
      { ...flat, allocation: ["late", "fee", "interest", "interest"] },
      "product.allocation",
      "products[0].allocation",
    ],
    ["mall-flat", "field.type", "products[0]"],
  ])("refuses a product (%#) with %s on %s", (raw, code, field) => {
    expect(problems(raw)).toContainEqual(expect.objectContaining({ code, field }));
  });

  it("refuses a product whose APR exceeds the CN 24 % all-in cap, naming the count", () => {
    // 2 % a month in fees: APR 35.65 % over 3 months, 41.70 % over 12.
    const found = problems({ ...flat, periodFeeRate: "0.02", installments: [3, 12] });
    expect(found.map((p) => p.field)).toEqual([
      "products[0].installments[0]",
      "products[0].installments[1]",
    ]);
    expect(found[0]?.code).toBe("product.apr_above_cap");
    expect(found[0]?.message).toContain("CN-COST-CAP");
    expect(found[0]?.message).toContain("24.00%");
  });

  it("compares the shown 2-decimal APR with the cap: 24.00 passes, 24.01 does not", () => {
    expect(
      problems({
        id: "x",
        method: "equal_installment",
        annualRate: "0.24",
        installments: [3, 12, 360],
      }),
    ).toEqual([]);
    expect(
      problems({ id: "x", method: "equal_installment", annualRate: "0.2401", installments: [12] }),
    ).toContainEqual(expect.objectContaining({ code: "product.apr_above_cap" }));
  });

  it("applies the pack's own cap: 30 % is refused in CN and accepted in US", () => {
    const raw = { id: "x", method: "equal_principal", annualRate: "0.30", installments: [12] };
    expect(problems(raw, CN1)).toHaveLength(1);
    expect(problems(raw, US1)).toEqual([]);
  });

  it("checks the cap for every offered count: a flat fee's APR rises with the term", () => {
    // 1.2 % a month in fees: APR 21.47 % over 3 months, 25.60 % over 12.
    const found = problems({ ...flat, periodFeeRate: "0.012", installments: [3, 12] });
    expect(found.map((p) => p.field)).toEqual(["products[0].installments[1]"]);
  });
});
