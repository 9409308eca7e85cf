import { describe, expect, it } from "vitest";
import type { Instant } from "../calendar/instant.js";
import { cnProduct, originateL1 } from "../close/fixtures.js";
import type { RecipientFacts } from "../policy/attempt.js";
import { instant, noPreferences } from "../policy/fixtures.js";
import { CN1Policy } from "../policy/packs.js";
import { noteProbe, probesOn } from "./contact-probe.js";
import type { Simulation } from "./simulation.js";

const product = cnProduct({ method: "flat_fee", periodFeeRate: "0.006", installments: [12] });
const loan = originateL1(product, 600000n, 12, "2026-01-10").loan;
const shanghai = "Asia/Shanghai";

/** A contact person with the given zones (none: the borrower's zone is used). */
function person(contactId: string, timeZones: string[]) {
  const recipient: RecipientFacts = {
    timeZones,
    debtorNumbers: [{ id: "N1", wrongNumber: false }],
    numberId: contactId,
  };
  return { contactId, recipient };
}

/** A simulation of 2026-03-01 for a Shanghai borrower with three contacts, sequence at 5. */
function simulation(): Simulation {
  return {
    input: {
      loan,
      product,
      ladder: undefined,
      pack: CN1Policy,
      borrower: person("borrower", [shanghai]).recipient,
      contacts: [person("ec1", [shanghai]), person("ec2", ["America/New_York"]), person("ec3", [])],
      facts: { history: [], consents: [], preferences: noPreferences },
      from: "2026-03-01",
      days: 1,
    },
    template: "callback_request",
    end: instant("2026-03-02T00:00:00+08:00"),
    history: [],
    preferences: noPreferences,
    pending: [],
    first: new Map(),
    lastRules: new Map(),
    sequence: 5,
  };
}

const dayEnd = instant("2026-03-02T00:00:00+08:00");

/** `contactId at sequence` of each probe, the instant in ISO form. */
function probeLines(sim: Simulation, notBefore: number): string[] {
  return probesOn(sim, loan, "2026-03-01", shanghai, { notBefore, dayEnd }).map((a) => {
    const recipient = a.attempt.recipient;
    const id = recipient.kind === "contact" ? recipient.contactId : recipient.kind;
    return `${id} ${new Date(a.attempt.at).toISOString()} ${a.sequence}`;
  });
}

describe("probesOn", () => {
  it("probes each contact at 10:00 in their zone (else the borrower's), numbered in order", () => {
    const sim = simulation();
    const probes = probesOn(sim, loan, "2026-03-01", shanghai, {
      notBefore: Number.NEGATIVE_INFINITY,
      dayEnd,
    });
    expect(probes[0]).toEqual({
      attempt: {
        loanId: "L1",
        borrowerId: "b",
        recipient: { kind: "contact", contactId: "ec1" },
        channel: "sms",
        template: "callback_request",
        at: instant("2026-03-01T10:00:00+08:00"),
        source: "agent",
      },
      source: "probe",
      sequence: 5,
    });
    expect(probeLines(simulation(), Number.NEGATIVE_INFINITY)).toEqual([
      "ec1 2026-03-01T02:00:00.000Z 5",
      "ec2 2026-03-01T15:00:00.000Z 6",
      "ec3 2026-03-01T02:00:00.000Z 7",
    ]);
    expect(sim.sequence).toBe(8);
  });

  it("moves a probe due before `notBefore` to it and leaves a later one where it is", () => {
    const noon: Instant = instant("2026-03-01T12:00:00+08:00");
    expect(probeLines(simulation(), noon)).toEqual([
      "ec1 2026-03-01T04:00:00.000Z 5",
      "ec2 2026-03-01T15:00:00.000Z 6",
      "ec3 2026-03-01T04:00:00.000Z 7",
    ]);
  });

  it("leaves out a probe at or past the end of the borrower's date", () => {
    const late = instant("2026-03-02T00:00:00+08:00");
    expect(probeLines(simulation(), late)).toEqual([]);
  });

  it("probes a contact far west of the borrower at their 10:00 that falls on the borrower's date", () => {
    const westOfBorrower = simulation();
    const input = { ...westOfBorrower.input, contacts: [person("ec4", ["America/Los_Angeles"])] };
    // 10:00 in Los Angeles on 03-01 is 02:00 on 03-02 in Shanghai, past the borrower's date; the
    // 10:00 of 02-28 in Los Angeles is 02:00 on 03-01 in Shanghai.
    expect(probeLines({ ...westOfBorrower, input }, Number.NEGATIVE_INFINITY)).toEqual([
      "ec4 2026-02-28T18:00:00.000Z 5",
    ]);
    // Far east (UTC+14): 10:00 on 03-01 there is 04:00 on 03-01 in Shanghai.
    const east = { ...westOfBorrower.input, contacts: [person("ec5", ["Pacific/Kiritimati"])] };
    expect(probeLines({ ...simulation(), input: east }, Number.NEGATIVE_INFINITY)).toEqual([
      "ec5 2026-02-28T20:00:00.000Z 5",
    ]);
  });

  it("stops probing a contact once allowed; otherwise keeps the last refusal's rules", () => {
    const sim = simulation();
    const at = instant("2026-03-01T10:00:00+08:00");
    noteProbe(sim, "ec1", at, "2026-03-01", { outcome: "allow", rules: [] });
    noteProbe(sim, "ec2", at, "2026-03-01", { outcome: "deny", rules: ["A"] });
    noteProbe(sim, "ec2", at, "2026-03-01", { outcome: "deny", rules: ["B"] });
    expect([...sim.first]).toEqual([["ec1", { at, date: "2026-03-01" }]]);
    expect([...sim.lastRules]).toEqual([["ec2", ["B"]]]);
    expect(probeLines(sim, Number.NEGATIVE_INFINITY)).toEqual([
      "ec2 2026-03-01T15:00:00.000Z 5",
      "ec3 2026-03-01T02:00:00.000Z 6",
    ]);
  });
});
