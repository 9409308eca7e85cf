import { describe, expect, it } from "vitest";
import { runFenqi, scenarioFile } from "./support/run-cli.js";

const scenario = {
  jurisdiction: "CN",
  start: "2026-01-10",
  end: "2026-07-31",
  strategy: null,
  products: [
    {
      id: "mall-flat",
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3, 6, 12],
      graceDays: 3,
    },
    { id: "mall-loan", method: "equal_installment", annualRate: "0.10", installments: [4] },
  ],
  borrowers: [{ id: "b1", timezone: "Asia/Shanghai", phone: "+8613800000001" }],
  events: [
    {
      at: "2026-01-10",
      type: "originate",
      loan: "L1",
      borrower: "b1",
      product: "mall-flat",
      principal: "6000.00",
      installments: 12,
    },
    {
      at: "2026-01-10",
      type: "originate",
      loan: "L2",
      borrower: "b1",
      product: "mall-loan",
      principal: "8000.00",
      installments: 4,
    },
    {
      at: "2026-01-10",
      type: "originate",
      loan: "L3",
      borrower: "b1",
      product: "mall-flat",
      principal: "1200.00",
      installments: 3,
    },
    {
      at: "2026-02-10T09:00:00+08:00",
      type: "payment",
      loan: "L1",
      amount: "536.00",
      key: "pay-1",
    },
    // The same key with the same body: a retry, posted once.
    {
      at: "2026-02-10T09:00:00+08:00",
      type: "payment",
      loan: "L1",
      amount: "536.00",
      key: "pay-1",
    },
    {
      at: "2026-02-10T10:00:00+08:00",
      type: "payment",
      loan: "L2",
      amount: "5000.00",
      key: "pay-2",
    },
    { at: "2026-02-01", type: "refund", loan: "L3", amount: "1200.00" },
    { at: "2026-04-01", type: "refund", loan: "L1", amount: "1000.00", key: "ref-1" },
    { at: "2026-05-05", type: "settle", loan: "L2" },
  ],
};

async function report() {
  const r = await runFenqi(["simulate", scenarioFile(scenario)]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("fenqi simulate: payments, refunds, settlement", () => {
  it("posts a retried payment once", async () => {
    const { loans, events } = await report();
    const payments = events.filter(
      (e: { type: string; loan: string }) => e.type === "payment" && e.loan === "L1",
    );
    expect(payments).toHaveLength(1);
    expect(loans.L1.final.paid.fee).not.toBe("0.00");
  });

  it("shortens L2 with an overpayment and settles it later with pro-rata interest", async () => {
    const { loans } = await report();
    const l2 = loans.L2.final;
    expect(l2.status).toBe("settled");
    expect(l2.outstanding).toEqual({
      principal: "0.00",
      interest: "0.00",
      fee: "0.00",
      late: "0.00",
    });
    // 5000.00 on Feb 10 pays bills 1 and 2 (66.67 + 50.21 interest) and 916.32 of principal;
    // on May 5 bill 3 (due Apr 10, 25.97 interest) is due and bill 4's interest is prorated:
    // 1108.65 × 10 % / 12 × 25 / 30 = 7.699 → 7.70.
    expect(l2.charged.interest).toBe("150.55");
    expect(l2.paid).toEqual({
      principal: "8000.00",
      interest: "150.55",
      fee: "0.00",
      late: "0.00",
    });
    expect(l2.credit).toBe("0.00");
  });

  it("cancels L3 at no cost: a full return before the first due date", async () => {
    const { loans } = await report();
    expect(loans.L3.final).toMatchObject({
      status: "cancelled",
      charged: { interest: "0.00", fee: "0.00", late: "0.00" },
      credit: "0.00",
    });
  });

  it("charges no fee on refunded principal after a partial return", async () => {
    const { loans } = await report();
    const l1 = loans.L1.final;
    // On Apr 1 the refund pays bill 2 (536.00, due Mar 10) and 464.00 of principal. The current
    // bill 3 (due Apr 10) keeps its 36.00; from bill 4 on the fee is round((6000.00 − 464.00) ×
    // 0.006) = 33.22. Through Jul 31 bills 1–6 fell due: 3 × 36.00 + 3 × 33.22 = 207.66.
    expect(l1.status).toBe("open");
    expect(l1.charged.fee).toBe("207.66");
    expect(loans.L1.schedule).toHaveLength(12);
  });

  it("is deterministic", async () => {
    const a = await runFenqi(["simulate", scenarioFile(scenario)]);
    const b = await runFenqi(["simulate", scenarioFile(scenario)]);
    expect(a.stdout).toBe(b.stdout);
  });
});
