/**
 * The built-in scenario of `fenqi demo`: the plans a mall offers at checkout (a fee-based plan, an
 * interest-bearing loan, a declining-interest loan, an interest-free promotion) and a handful of
 * borrowers who take them, including a month-end checkout whose due dates clamp to short months.
 * All personal data here is fictitious.
 */
export const demoScenario = {
  jurisdiction: "CN",
  start: "2026-01-10",
  end: "2026-12-31",
  strategy: null,
  products: [
    {
      id: "mall-flat",
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3, 6, 12],
      graceDays: 3,
      lateCharges: [{ kind: "penalty_daily", rate: "0.0005" }],
    },
    {
      id: "mall-loan",
      method: "equal_installment",
      annualRate: "0.18",
      installments: [6, 12, 24],
      graceDays: 3,
      lateCharges: [{ kind: "late_fee_fixed", amount: "20.00" }],
    },
    {
      id: "mall-declining",
      method: "equal_principal",
      annualRate: "0.12",
      rounding: "half_up",
      installments: [6, 12],
      graceDays: 3,
    },
    { id: "mall-free", method: "flat_fee", periodFeeRate: "0", installments: [3, 6] },
  ],
  borrowers: [
    { id: "b1", timezone: "Asia/Shanghai", phone: "+8613800000001", email: "b1@example.com" },
    {
      id: "b2",
      timezone: "Asia/Shanghai",
      phone: "+8613800000002",
      emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
    },
    { id: "b3", timezone: "Asia/Urumqi", phone: "+8613800000003" },
    { id: "b4", timezone: "Asia/Shanghai", email: "b4@example.com" },
  ],
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
      at: "2026-01-31T15:20:00+08:00",
      type: "originate",
      loan: "L2",
      borrower: "b2",
      product: "mall-loan",
      principal: "8999.00",
      installments: 12,
    },
    {
      at: "2026-02-14",
      type: "originate",
      loan: "L3",
      borrower: "b3",
      product: "mall-declining",
      principal: "3200.00",
      installments: 6,
    },
    {
      at: "2026-03-01",
      type: "originate",
      loan: "L4",
      borrower: "b4",
      product: "mall-free",
      principal: "1299.00",
      installments: 3,
    },
    {
      at: "2026-03-31",
      type: "originate",
      loan: "L5",
      borrower: "b1",
      product: "mall-loan",
      principal: "15000.00",
      installments: 24,
    },
    {
      at: "2026-05-20",
      type: "originate",
      loan: "L6",
      borrower: "b2",
      product: "mall-flat",
      principal: "2599.00",
      installments: 6,
    },
  ],
};
