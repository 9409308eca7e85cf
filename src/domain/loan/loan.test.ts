import { describe, expect, it } from "vitest";
import { type InstallmentState, sameInstallments } from "./loan.js";

const base: InstallmentState = {
  n: 1,
  due: "2026-02-10",
  principal: 50000n,
  interest: 0n,
  fee: 3600n,
  charged: true,
  late: 0n,
  lateFeeCharged: false,
  paid: { late: 0n, fee: 0n, interest: 0n, principal: 0n },
};

describe("sameInstallments", () => {
  it("is true only when every field of every installment is equal", () => {
    expect(sameInstallments([base], [{ ...base, paid: { ...base.paid } }])).toBe(true);
    expect(sameInstallments([base], [])).toBe(false);
    const changes: Partial<InstallmentState>[] = [
      { n: 2 },
      { due: "2026-02-11" },
      { principal: 1n },
      { interest: 1n },
      { fee: 1n },
      { charged: false },
      { late: 1n },
      { lateFeeCharged: true },
      { paid: { ...base.paid, late: 1n } },
      { paid: { ...base.paid, fee: 1n } },
      { paid: { ...base.paid, interest: 1n } },
      { paid: { ...base.paid, principal: 1n } },
    ];
    for (const change of changes)
      expect(sameInstallments([base], [{ ...base, ...change }])).toBe(false);
  });
});
