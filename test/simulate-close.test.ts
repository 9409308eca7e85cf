import { describe, expect, it } from "vitest";
import { runFenqi, scenarioFile } from "./support/run-cli.js";

const product = {
  id: "mall-flat",
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [12],
  graceDays: 3,
  lateCharges: [{ kind: "penalty_daily", rate: "0.0005" }],
};

function scenario(events: object[], end = "2026-03-22") {
  return {
    jurisdiction: "CN",
    start: "2026-01-10",
    end,
    strategy: null,
    products: [product],
    borrowers: [{ id: "b1", timezone: "Asia/Shanghai" }],
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
      ...events,
    ],
  };
}

async function run(file: object) {
  const r = await runFenqi(["simulate", scenarioFile(file)]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

type Event = { type: string; date: string; loan: string; [k: string]: unknown };

describe("fenqi simulate runs the daily close for every date", () => {
  it("ages an unpaid plan 40 days: M1, M2 on day 31, one report after grace, a daily penalty", async () => {
    const report = await run(scenario([]));
    expect(report.loans.L1.final).toMatchObject({
      dpd: 40,
      bucket: "M2",
      charged: { fee: "72.00", late: "11.50" },
      lateClamped: "0.00",
    });
    const events: Event[] = report.events;
    expect(events.filter((e) => e.type === "bucket").map((e) => [e.date, e.to])).toEqual([
      ["2026-02-11", "M1"],
      ["2026-03-13", "M2"],
    ]);
    expect(events.filter((e) => e.type === "report").map((e) => e.date)).toEqual(["2026-02-14"]);
    const late = events.filter((e) => e.type === "late_charge");
    expect(late).toHaveLength(46);
    expect(new Set(late.map((e) => e.amount))).toEqual(new Set(["0.25"]));
    expect(events.filter((e) => e.type === "due").map((e) => e.date)).toEqual([
      "2026-02-10",
      "2026-03-10",
    ]);
  });

  it("charges nothing and reports nothing after a payment inside the grace period", async () => {
    const report = await run(
      scenario(
        [
          {
            at: "2026-02-12T10:00:00+08:00",
            type: "payment",
            loan: "L1",
            amount: "536.00",
            key: "p1",
          },
        ],
        "2026-03-09",
      ),
    );
    expect(report.loans.L1.final).toMatchObject({
      dpd: 0,
      bucket: "current",
      charged: { late: "0.00" },
    });
    expect(
      report.events.filter((e: Event) => e.type === "report" || e.type === "late_charge"),
    ).toEqual([]);
  });
});
