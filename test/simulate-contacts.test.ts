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

const borrower = {
  id: "b1",
  timezone: "Asia/Shanghai",
  phone: "+8613800000001",
  email: "b1@example.com",
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
};

const originate = {
  at: "2026-01-10",
  type: "originate",
  loan: "L1",
  borrower: "b1",
  product: "mall-flat",
  principal: "6000.00",
  installments: 12,
};

function scenario(events: object[], strategy: unknown = "default", end = "2026-02-28") {
  return {
    jurisdiction: "CN",
    start: "2026-01-10",
    end,
    strategy,
    products: [product],
    borrowers: [borrower],
    events: [originate, ...events],
  };
}

interface Decision {
  at: string;
  loan: string;
  channel: string;
  to: string;
  template: string;
  source: string;
  outcome: string;
  until?: string;
  rules: string[];
  pack: string;
}

async function run(file: object): Promise<{ decisions: Decision[]; events: { type: string }[] }> {
  const r = await runFenqi(["simulate", scenarioFile(file)]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("fenqi simulate runs overdue handling", () => {
  it("follows the CN default ladder for an unpaid installment, judged at 09:00 local", async () => {
    const report = await run(scenario([]));
    const strategy = report.decisions.filter((d) => d.source === "strategy");
    // Installment 1 is due 2026-02-10: D-3 in-app and SMS, D0 SMS, D+1 SMS, D+3 phone, D+5
    // e-mail, D+7 phone, D+15 formal e-mail; all at 01:00Z (09:00 in Shanghai), all allowed.
    expect(strategy.map((d) => [d.at, d.channel, d.template, d.outcome])).toEqual([
      ["2026-02-07T01:00:00Z", "in_app", "reminder", "allow"],
      ["2026-02-07T01:00:00Z", "sms", "reminder", "allow"],
      ["2026-02-10T01:00:00Z", "sms", "reminder", "allow"],
      ["2026-02-11T01:00:00Z", "sms", "overdue_notice", "allow"],
      ["2026-02-13T01:00:00Z", "phone", "collection_call", "allow"],
      ["2026-02-15T01:00:00Z", "email", "overdue_consequences", "allow"],
      ["2026-02-17T01:00:00Z", "phone", "collection_call", "allow"],
      ["2026-02-25T01:00:00Z", "email", "formal_notice", "allow"],
    ]);
    expect(strategy.every((d) => d.pack === "CN@1" && d.to === "borrower")).toBe(true);
  });

  it("drops the steps of an installment paid in the meantime", async () => {
    const paid = {
      at: "2026-02-09T12:00:00+08:00",
      type: "payment",
      loan: "L1",
      amount: "536.00",
      key: "p1",
    };
    const report = await run(scenario([paid]));
    expect(report.decisions.map((d) => d.at)).toEqual([
      "2026-02-07T01:00:00Z",
      "2026-02-07T01:00:00Z",
    ]);
  });

  it("judges agent contacts: a night call deferred, the family denied without consent, then without unreachability", async () => {
    const report = await run(
      scenario(
        [
          {
            at: "2026-02-20T22:30:00+08:00",
            type: "contact",
            loan: "L1",
            channel: "phone",
            to: "borrower",
          },
          {
            at: "2026-02-21T10:00:00+08:00",
            type: "contact",
            loan: "L1",
            channel: "sms",
            to: "ec1",
          },
          {
            at: "2026-02-21T11:00:00+08:00",
            type: "consent",
            borrower: "b1",
            action: "grant",
            purpose: "emergency_contact",
            contact: "ec1",
          },
          {
            at: "2026-02-21T12:00:00+08:00",
            type: "contact",
            loan: "L1",
            channel: "sms",
            to: "ec1",
          },
          {
            at: "2026-02-21T13:00:00+08:00",
            type: "contact",
            loan: "L1",
            channel: "sms",
            to: "stranger",
          },
        ],
        null,
      ),
    );
    expect(report.decisions).toEqual([
      {
        at: "2026-02-20T14:30:00Z",
        loan: "L1",
        channel: "phone",
        to: "borrower",
        template: "collection_call",
        source: "agent",
        outcome: "defer",
        until: "2026-02-21T00:00:00Z",
        rules: ["CN-TIME-WINDOW"],
        pack: "CN@1",
      },
      expect.objectContaining({
        to: "ec1",
        outcome: "deny",
        rules: expect.arrayContaining(["CN-CONTACT-CONSENT", "CN-CONTACT-PERSON"]),
      }),
      expect.objectContaining({ to: "ec1", outcome: "deny", rules: ["CN-CONTACT-PERSON"] }),
      expect.objectContaining({
        to: "stranger",
        outcome: "deny",
        rules: expect.arrayContaining(["CN-DEBTOR-ONLY"]),
      }),
    ]);
    expect(report.events.filter((e) => e.type === "consent")).toHaveLength(1);
  });

  it("holds automatic contact while a promise to pay is open, and honours an SMS opt-out", async () => {
    const report = await run(
      scenario([
        {
          at: "2026-02-11T08:30:00+08:00",
          type: "preference",
          borrower: "b1",
          action: "opt_out",
          channel: "sms",
        },
        { at: "2026-02-12T10:00:00+08:00", type: "promise", loan: "L1", until: "2026-02-16" },
      ]),
    );
    const after = report.decisions.filter((d) => d.at >= "2026-02-11");
    expect(after.find((d) => d.channel === "sms")).toMatchObject({
      outcome: "deny",
      rules: ["CN-CHANNEL-OPT-OUT"],
    });
    const call = after.find((d) => d.at.startsWith("2026-02-13"));
    expect(call).toMatchObject({
      channel: "phone",
      outcome: "defer",
      rules: ["CN-PROMISE"],
      until: "2026-02-16T00:00:00Z",
    });
  });

  it("waives late charges on a hardship event", async () => {
    const r = await runFenqi([
      "simulate",
      scenarioFile(
        scenario(
          [{ at: "2026-02-20", type: "hardship", loan: "L1", action: "waive_late_charges" }],
          null,
        ),
      ),
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const waived = report.events.find((e: { type: string }) => e.type === "late_waived");
    // 2026-02-14..19: six days past grace at round(0.0005 × 500.00) = 0.25 each.
    expect(waived).toMatchObject({ date: "2026-02-20", loan: "L1", amount: "1.50" });
  });
});

describe("fenqi simulate: US bureau reporting waits for US-CREDIT-REPORT", () => {
  const us = (strategy: unknown) => ({
    jurisdiction: "US",
    start: "2026-01-10",
    end: "2026-03-31",
    strategy,
    products: [
      {
        id: "us-flat",
        method: "flat_fee",
        periodFeeRate: "0.01",
        installments: [6],
        graceDays: 3,
      },
    ],
    borrowers: [
      { id: "u1", timezone: "America/New_York", phone: "+12125550101", email: "u1@example.com" },
    ],
    events: [
      {
        at: "2026-01-10",
        type: "originate",
        loan: "L1",
        borrower: "u1",
        product: "us-flat",
        principal: "600.00",
        installments: 6,
      },
    ],
  });

  it("never reports a consumer nobody has written to or spoken with", async () => {
    const report = await run(us(null));
    expect(report.events.filter((e) => e.type === "report")).toEqual([]);
  });

  it("reports 14 days after the validation notice went by e-mail", async () => {
    const report = await run(us("default"));
    const notice = report.decisions.find((d) => d.template === "validation_notice");
    // Due 2026-02-10; the notice goes on D+1 at 09:00 in New York.
    expect(notice).toMatchObject({
      at: "2026-02-11T14:00:00Z",
      channel: "email",
      outcome: "allow",
    });
    expect(report.events.filter((e) => e.type === "report")).toEqual([
      expect.objectContaining({ date: "2026-02-25", loan: "L1" }),
    ]);
  });
});
