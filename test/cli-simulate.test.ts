import { describe, expect, it } from "vitest";
import { runFenqi, scenarioFile, spawnFenqi } from "./support/run-cli.js";

const base = {
  jurisdiction: "CN",
  start: "2026-01-10",
  end: "2026-07-31",
  strategy: null,
  products: [
    { id: "mall-flat", method: "flat_fee", periodFeeRate: "0.006", installments: [3, 6, 12] },
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
  ],
};

type Scenario = Record<string, unknown> & { events: Record<string, unknown>[] };

function withEvent(event: Record<string, unknown>): Scenario {
  return { ...base, events: [...base.events, event] };
}

async function simulate(scenario: unknown) {
  return runFenqi(["simulate", scenarioFile(scenario)]);
}

describe("fenqi simulate (black box, separate process)", () => {
  it("reproduces the public vectors from a scenario file", () => {
    const r = spawnFenqi(["simulate", "examples/public-vectors.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { loans } = JSON.parse(r.stdout);
    expect(loans.F1.apr).toBe("10.00");
    expect(loans.F1.schedule.map((i: { total: string }) => i.total)).toEqual([
      "2041.84",
      "2041.84",
      "2041.84",
      "2041.84",
    ]);
    expect(loans.F1.schedule.map((i: { principal: string }) => i.principal)).toEqual([
      "1975.17",
      "1991.63",
      "2008.23",
      "2024.97",
    ]);
    expect(loans.F1.schedule.map((i: { interest: string }) => i.interest)).toEqual([
      "66.67",
      "50.21",
      "33.61",
      "16.87",
    ]);
    expect(loans.F2.schedule.map((i: { total: string }) => i.total)).toEqual(
      Array(6).fill("17.13"),
    );
    expect(loans.F2.schedule.map((i: { interest: string }) => i.interest)).toEqual([
      "0.79",
      "0.66",
      "0.53",
      "0.40",
      "0.27",
      "0.13",
    ]);
    expect(loans.J2026.schedule.map((i: { due: string }) => i.due)).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
    ]);
    expect(loans.J2024.schedule.map((i: { due: string }) => i.due)).toEqual([
      "2024-02-29",
      "2024-03-31",
      "2024-04-30",
    ]);
    expect(new Set(loans.FLAT.schedule.map((i: { total: string }) => i.total))).toEqual(
      new Set(["536.00"]),
    );
    expect([loans.FLAT.apr, loans.FLAT.ear]).toEqual(["13.03", "13.84"]);
  });

  it("exits 2 with the field named and prints no document on bad input", () => {
    const r = spawnFenqi([
      "simulate",
      scenarioFile(
        withEvent({
          at: "2026-02-01",
          type: "originate",
          loan: "L2",
          borrower: "b1",
          product: "mall-flat",
          principal: "1.234",
          installments: 3,
        }),
      ),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("events[1].principal");
  });

  it("prints help and runs the demo", () => {
    const help = spawnFenqi(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("fenqi simulate FILE");
    const demo = spawnFenqi(["demo"]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(
      /L1\s+mall-flat\s+2026-01-10\s+6000\.00\s+12\s+536\.00\s+432\.00\s+13\.03%\s+13\.84%/,
    );
  });
});

describe("fenqi simulate output", () => {
  it("is the same bytes for the same file", async () => {
    const file = scenarioFile(base);
    const a = await runFenqi(["simulate", file]);
    const b = await runFenqi(["simulate", file]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it("dates an origination given as an instant by the lender's business date", async () => {
    // 23:30 on Jan 30 in New York is Jan 31 in Shanghai: the plan's anchor day is the 31st.
    const r = await simulate(
      withEvent({
        at: "2026-01-30T23:30:00-05:00",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "300.00",
        installments: 3,
      }),
    );
    expect(r.code).toBe(0);
    const loan = JSON.parse(r.stdout).loans.L2;
    expect(loan.originated).toBe("2026-01-31");
    expect(loan.schedule.map((i: { due: string }) => i.due)).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
    ]);
  });
});

describe("fenqi simulate refuses bad input with exit 2, naming the field", () => {
  const cases: [string, unknown, string][] = [
    [
      "a consent naming a contact the borrower does not have",
      withEvent({
        at: "2026-02-10",
        type: "consent",
        borrower: "b1",
        action: "grant",
        purpose: "emergency_contact",
        contact: "ec9",
      }),
      "events[1].contact names no emergency contact of the borrower",
    ],
    [
      "a hardship extension (not in this version)",
      withEvent({ at: "2026-02-10", type: "hardship", loan: "L1", action: "extension", months: 2 }),
      "events[1].action: extensions are not supported",
    ],
    [
      "a contact on an unknown channel",
      withEvent({ at: "2026-02-10", type: "contact", loan: "L1", channel: "fax", to: "borrower" }),
      "events[1].channel must be one of",
    ],
    [
      "an unknown event type",
      withEvent({ at: "2026-02-10", type: "teleport" }),
      "events[1].type must be one of",
    ],
    [
      "an event outside [start, end]",
      withEvent({
        at: "2026-08-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "100.00",
        installments: 3,
      }),
      "events[1].at falls outside",
    ],
    [
      "an instant without offset",
      withEvent({
        at: "2026-02-01T10:00:00",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "100.00",
        installments: 3,
      }),
      "events[1].at",
    ],
    [
      "a malformed amount",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "1e3",
        installments: 3,
      }),
      "events[1].principal must be a plain decimal",
    ],
    [
      "an amount as a JSON number",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: 100,
        installments: 3,
      }),
      "events[1].principal must be a decimal string",
    ],
    [
      "an unknown product",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "nope",
        principal: "100.00",
        installments: 3,
      }),
      "events[1].product names no product",
    ],
    [
      "an unknown borrower",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b9",
        product: "mall-flat",
        principal: "100.00",
        installments: 3,
      }),
      "events[1].borrower names no borrower",
    ],
    [
      "a count the product does not offer",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "100.00",
        installments: 24,
      }),
      "events[1].installments: product mall-flat offers 3, 6, 12",
    ],
    [
      "a loan id used twice",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L1",
        borrower: "b1",
        product: "mall-flat",
        principal: "100.00",
        installments: 3,
      }),
      "events[1].loan was already originated",
    ],
    [
      "a zero principal",
      withEvent({
        at: "2026-02-01",
        type: "originate",
        loan: "L2",
        borrower: "b1",
        product: "mall-flat",
        principal: "0.00",
        installments: 3,
      }),
      "events[1].principal must be above zero",
    ],
    ["an unknown field", { ...base, colour: "red" }, "colour is not a known field"],
    ["end before start", { ...base, end: "2026-01-01" }, "end must be on or after start"],
    ["an impossible date", { ...base, start: "2026-02-30" }, "start is not a calendar date"],
    [
      "an unknown jurisdiction",
      { ...base, jurisdiction: "XX" },
      "jurisdiction must be one of CN, US",
    ],
    [
      "a strategy step on an unknown channel",
      { ...base, strategy: [{ day: 1, channel: "fax", template: "overdue_notice" }] },
      "strategy[0].channel",
    ],
    [
      "a product over the cap",
      {
        ...base,
        products: [
          { id: "mall-flat", method: "flat_fee", periodFeeRate: "0.02", installments: [3, 6, 12] },
        ],
      },
      "products[0].installments[0]: APR 35.65%",
    ],
    [
      "a duplicate product id",
      { ...base, products: [base.products[0], base.products[0]] },
      "products[1].id repeats",
    ],
    [
      "a bad time zone",
      { ...base, borrowers: [{ id: "b1", timezone: "Mars/Olympus" }] },
      "borrowers[0].timezone is not an IANA time zone",
    ],
    [
      "a payment before its loan's origination",
      {
        ...base,
        events: [
          ...base.events,
          {
            at: "2026-01-20",
            type: "originate",
            loan: "L2",
            borrower: "b1",
            product: "mall-flat",
            principal: "100.00",
            installments: 3,
          },
          { at: "2026-01-15", type: "payment", loan: "L2", amount: "10.00", key: "k1" },
        ],
      },
      "events[2].at is before the loan's origination",
    ],
    [
      "a payment on an unknown loan",
      withEvent({ at: "2026-02-09", type: "payment", loan: "L9", amount: "10.00", key: "k1" }),
      "events[1].loan names no loan originated earlier",
    ],
    [
      "a payment with a malformed amount",
      withEvent({ at: "2026-02-09", type: "payment", loan: "L1", amount: "10.001", key: "k1" }),
      "events[1].amount has more than 2 decimal places",
    ],
    [
      "a key reused with another body",
      {
        ...base,
        events: [
          ...base.events,
          { at: "2026-02-09", type: "payment", loan: "L1", amount: "10.00", key: "k1" },
          { at: "2026-02-10", type: "payment", loan: "L1", amount: "20.00", key: "k1" },
        ],
      },
      "events[2].key was used before with a different body",
    ],
    [
      "a settlement of a loan already settled",
      {
        ...base,
        events: [
          ...base.events,
          { at: "2026-02-09", type: "settle", loan: "L1" },
          { at: "2026-02-10", type: "settle", loan: "L1" },
        ],
      },
      "events[2]: loan",
    ],
    ["a document that is not an object", [1, 2], "the document must be an object"],
  ];

  it.each(cases)("%s", async (_name, scenario, message) => {
    const r = await simulate(scenario);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  });

  it("reports invalid JSON by position without echoing the file", async () => {
    const r = await runFenqi([
      "simulate",
      scenarioFile('{\n  "borrowers": [{ "phone": "+8613800000001" ]\n}'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON \(line 2, column \d+\)/);
    expect(r.stderr).not.toContain("+8613800000001");
  });

  it("never echoes personal data in an error", async () => {
    const r = await simulate({
      ...base,
      borrowers: [
        { id: "b1", timezone: "Asia/Shanghai", phone: "13800000001x", email: "not-an-email" },
      ],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("borrowers[0].phone");
    expect(r.stderr).toContain("borrowers[0].email");
    expect(r.stderr).not.toContain("13800000001x");
    expect(r.stderr).not.toContain("not-an-email");
  });

  it("refuses a missing file and a wrong command line", async () => {
    expect((await runFenqi(["simulate", "/nonexistent/scenario.json"])).stderr).toContain(
      "cannot read the file (ENOENT)",
    );
    expect((await runFenqi(["simulate"])).code).toBe(2);
    expect((await runFenqi(["frobnicate"])).code).toBe(2);
  });
});
