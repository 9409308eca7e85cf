import { describe, expect, it } from "vitest";
import { runFenqi, scenarioFile } from "./support/run-cli.js";

/**
 * `fenqi policy explain FILE` (docs/overdue-handling.md "Explaining a decision"): one attempt,
 * judged by the pack's engine, each rule shown with its summary and source.
 */

const toBorrower = {
  jurisdiction: "CN",
  attempt: {
    channel: "sms",
    to: "borrower",
    template: "overdue_notice",
    at: "2026-03-21T10:00:00+08:00",
    source: "strategy",
  },
  recipient: { timezones: ["Asia/Shanghai"] },
};

/** Six attempts on two channels in the week before, none answered: the debtor is unreachable. */
const unreachable = [
  ...["15", "16", "17", "18"].map((d) => ({
    at: `2026-03-${d}T10:00:00+08:00`,
    to: "borrower",
    channel: "phone",
    template: "collection_call",
    outcome: "no_answer",
  })),
  ...["19", "20"].map((d) => ({
    at: `2026-03-${d}T10:00:00+08:00`,
    to: "borrower",
    channel: "sms",
  })),
];

const toContact = {
  jurisdiction: "CN",
  attempt: { channel: "sms", to: "ec1", at: "2026-03-21T10:00:00+08:00" },
  recipient: { timezones: ["Asia/Shanghai"] },
  history: unreachable,
};

async function explain(document: unknown, ...flags: string[]) {
  return runFenqi(["policy", "explain", scenarioFile(document), ...flags]);
}

describe("fenqi policy explain", () => {
  it("allows an SMS to the borrower at 10:00 local and prints the input hash", async () => {
    const r = await explain(toBorrower);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "attempt:    sms to borrower, template overdue_notice, at 2026-03-21T02:00:00Z, by the strategy",
    );
    expect(r.stdout).toContain("decision:   allow: no rule stands in the way (CN@1)");
    expect(r.stdout).toMatch(/^input hash: [0-9a-f]{64}$/m);
  });

  it("denies the emergency contact without consent, naming CN-CONTACT-CONSENT with its summary and source", async () => {
    const r = await explain(toContact);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("template callback_request");
    expect(r.stdout).toContain("decision:   deny (CN@1)");
    expect(r.stdout).toContain(
      "  CN-CONTACT-CONSENT  house rule of the product: the debtor's separate consent naming the contact and the purpose, not withdrawn\n" +
        "                      source: PIPL Arts. 14, 15, 23\n",
    );
    expect(r.stdout).not.toContain("CN-CONTACT-PERSON");
    // With the consent on file the same attempt is allowed.
    const consented = await explain({
      ...toContact,
      consents: [{ contact: "ec1", grantedAt: "2026-01-05T12:00:00+08:00" }],
    });
    expect(consented.stdout).toContain("decision:   allow");
  });

  it("defers a call at 23:00 local to 08:00 the next morning, with --json for machines", async () => {
    const late = {
      ...toBorrower,
      attempt: { ...toBorrower.attempt, at: "2026-03-21T23:00:00+08:00" },
    };
    const r = await explain(late);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "decision:   defer until 2026-03-22T00:00:00Z (2026-03-22 08:00 recipient's time) (CN@1)",
    );
    expect(r.stdout).toContain("CN-TIME-WINDOW");
    const j = await explain(late, "--json");
    expect(j.code).toBe(0);
    const e = JSON.parse(j.stdout);
    expect(e).toMatchObject({
      jurisdiction: "CN",
      pack: "CN@1",
      outcome: "defer",
      until: "2026-03-22T00:00:00Z",
      untilLocal: "2026-03-22 08:00",
      rules: [
        {
          id: "CN-TIME-WINDOW",
          source:
            "GB/T 45251-2025; CBA consumer-loan collection guideline 2026; NIFA 2024 guideline",
        },
      ],
    });
    expect(e.inputHash).toMatch(/^[0-9a-f]{64}$/);
    // The same file gives the same hash.
    expect(JSON.parse((await explain(late, "--json")).stdout).inputHash).toBe(e.inputHash);
  });

  it("refuses a bad file with exit 2, naming every bad field", async () => {
    const r = await explain({
      jurisdiction: "CN",
      attempt: { channel: "fax", to: "borrower", at: "2026-03-21 10:00" },
      recipient: { timezones: ["Mars/Olympus"] },
      history: [{ at: "2026-03-20T10:00:00Z", to: "borrower", channel: "phone", outcome: "maybe" }],
      preferences: { promiseUntil: "2026-13-01", colour: "blue" },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    for (const field of [
      "attempt.channel",
      "attempt.at",
      "recipient.timezones[0]",
      "history[0].outcome",
      "preferences.promiseUntil",
      "preferences.colour",
    ])
      expect(r.stderr).toContain(`fenqi policy explain: ${field}: `);
  });

  it("refuses a file that is not JSON, and a missing FILE, with exit 2", async () => {
    const r = await explain("{ not json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fenqi policy explain: FILE: the file is not valid JSON/);
    const usage = await runFenqi(["policy", "explain"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/FILE: usage: fenqi policy explain FILE/);
  });
});
