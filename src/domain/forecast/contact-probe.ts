import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { type Instant, instantAt, localTimeAt } from "../calendar/instant.js";
import type { LoanState } from "../loan/loan.js";
import type { Channel, Decision, ProposedAttempt } from "../policy/attempt.js";
import type { Agendum, Simulation } from "./simulation.js";

/**
 * The probing of the emergency contacts: each date, every contact person not yet allowed is
 * probed once with the pack's limited-content template, and the first allow is the answer to
 * "when could you contact them?". A probe asks "could we?": it never joins the history, so it
 * cannot change what a later judgement sees.
 */

/** The local hour (recipient's zone) at which each emergency contact is probed every day. */
export const probeHour = 10;

/** The channel of the daily probe: the one a third-party call-back request goes by. */
export const probeChannel: Channel = "sms";

/** Whether, and from when, a contact person could be contacted; why not when never. */
export interface ContactForecast {
  readonly contactId: string;
  readonly firstAllowed: Instant | undefined;
  /** The DPD on the date of `firstAllowed`. */
  readonly dpd: number | undefined;
  /** When never allowed: the rules that forbid the probe of the last day, sorted. */
  readonly rules: readonly string[];
  /** The answer in one plain sentence. */
  readonly answer: string;
}

/** The instants one date's probes must fall within. */
export interface ProbeWindow {
  /** `ForecastInput.notBefore`, or -∞ when the whole horizon lies ahead. */
  readonly notBefore: number;
  /** Midnight after the date, in the borrower's zone. */
  readonly dayEnd: Instant;
}

/**
 * The probes of `date`, one for each contact person not yet allowed, in the input's order: at
 * `probeHour` in the contact's zone (the borrower's when they have none) — the one that falls
 * within the borrower's date, which for a contact far west of the borrower is the day before by
 * the contact's calendar — moved to `notBefore` when that is later, and left out when that is
 * past the date's end.
 */
export function probesOn(
  sim: Simulation,
  loan: LoanState,
  date: CivilDate,
  zone: string,
  window: ProbeWindow,
): Agendum[] {
  const probes: Agendum[] = [];
  for (const person of sim.input.contacts) {
    if (sim.first.has(person.contactId)) continue;
    const probeAt = probeInstant(date, person.recipient.timeZones[0] ?? zone, zone, window.dayEnd);
    if (probeAt === undefined) continue;
    const at = Math.max(probeAt, window.notBefore);
    if (at >= window.dayEnd) continue;
    probes.push({
      attempt: probeAttempt(sim, loan, person.contactId, at),
      source: "probe",
      sequence: sim.sequence++,
    });
  }
  return probes;
}

/**
 * The contact's `probeHour` that falls within the borrower's `date` ([its midnight, `dayEnd`)).
 * A day of one zone holds the probe hour of every other zone once (zones differ by less than a
 * day), on the contact's date before, on or after the borrower's; none only where that hour is
 * skipped by a clock change.
 */
function probeInstant(
  date: CivilDate,
  contactZone: string,
  borrowerZone: string,
  dayEnd: Instant,
): Instant | undefined {
  const dayStart = instantAt(date, 0, 0, borrowerZone);
  for (const offset of [0, -1, 1]) {
    const at = instantAt(addDays(date, offset), probeHour, 0, contactZone);
    if (at >= dayStart && at < dayEnd) return at;
  }
  return undefined;
}

function probeAttempt(sim: Simulation, loan: LoanState, contactId: string, at: Instant) {
  return {
    loanId: loan.id,
    borrowerId: loan.borrowerId,
    recipient: { kind: "contact", contactId },
    channel: probeChannel,
    template: sim.template,
    at,
    source: "agent",
  } as const satisfies ProposedAttempt;
}

/**
 * Keeps a judged probe's answer: the first allow ends the probing of that contact; a refusal's
 * rules replace the earlier ones, so the answer names what forbids the last probe.
 */
export function noteProbe(
  sim: Simulation,
  contactId: string,
  at: Instant,
  date: CivilDate,
  decision: Pick<Decision, "outcome" | "rules">,
): void {
  if (decision.outcome === "allow") sim.first.set(contactId, { at, date });
  else sim.lastRules.set(contactId, decision.rules);
}

/**
 * The answer for one contact person once every date is judged. `rows` are the forecast's days;
 * only the DPD of each date is read.
 */
export function contactForecast(
  sim: Simulation,
  contactId: string,
  rows: readonly { readonly date: CivilDate; readonly dpd: number }[],
): ContactForecast {
  const first = sim.first.get(contactId);
  const rules = first ? [] : (sim.lastRules.get(contactId) ?? []);
  const dpd = first ? rows.find((r) => r.date === first.date)?.dpd : undefined;
  return {
    contactId,
    firstAllowed: first?.at,
    dpd,
    rules,
    answer: plainAnswer(sim, contactId, first?.at, dpd, rules),
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** One sentence: when the contact could first be reached, or which rules keep them out and why. */
function plainAnswer(
  sim: Simulation,
  contactId: string,
  at: Instant | undefined,
  dpd: number | undefined,
  rules: readonly string[],
): string {
  const { input, template } = sim;
  const zone = input.contacts.find((c) => c.contactId === contactId)?.recipient.timeZones[0];
  const through = addDays(input.from, input.days - 1);
  if (at !== undefined && zone !== undefined) {
    const local = localTimeAt(at, zone);
    return (
      `${contactId} could first be contacted on ${local.date} at ${pad2(local.hour)}:${pad2(local.minute)} ` +
      `(${zone}), ${dpd} days past due, by ${probeChannel} with the limited-content template ` +
      `${template} only (lender's name and a call-back request).`
    );
  }
  const why = rules.map((id) => {
    const spec = input.pack.rules.find((r) => r.id === id);
    return spec ? `${id} (${spec.summary})` : id;
  });
  return (
    `${contactId} would not be contacted from ${input.from} through ${through}, even with ` +
    `nothing paid: ${why.join("; ")}.`
  );
}
