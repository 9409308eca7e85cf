import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { type Instant, instantAt } from "../calendar/instant.js";
import { closeDay } from "../close/close-day.js";
import type { LoanEvent } from "../loan/events.js";
import type { Bucket, LoanState, LoanStatus } from "../loan/loan.js";
import type { Amount } from "../money/amount.js";
import type { Channel, DecisionOutcome, Recipient, RecipientFacts } from "../policy/attempt.js";
import { judge } from "../policy/judge.js";
import { withRestriction } from "../privacy/restriction.js";
import { assert } from "../result.js";
import { noteProbe, probesOn } from "./contact-probe.js";
import { proposalsFor, recordProposal } from "./ladder-proposals.js";
import { type Agendum, type Simulation, takeEarliest } from "./simulation.js";

/**
 * The daily step of the forecast: everything that falls on one date is judged in instant order,
 * then the date is closed, as the app's contact workers and the daily close would run it.
 */

/**
 * Judgements one forecast day may hold (ladder proposals, probes, deferrals judged again): far
 * above any ladder of `ladderStepsMax` steps; more is a bug in the deferral loop.
 */
export const judgementsPerDayMax = 1_000;

/** One judged contact of the forecast: a ladder proposal, or the daily probe of a contact person. */
export interface ForecastJudgement {
  readonly source: "strategy" | "probe";
  readonly at: Instant;
  readonly recipient: Recipient;
  readonly channel: Channel;
  readonly template: string;
  readonly outcome: DecisionOutcome;
  readonly until: Instant | undefined;
  readonly rules: readonly string[];
}

export interface ForecastCharge {
  readonly n: number;
  readonly kind: string;
  readonly amount: Amount;
}

export interface ForecastDay {
  readonly date: CivilDate;
  /** After the close of `date`. */
  readonly dpd: number;
  readonly bucket: Bucket;
  readonly status: LoanStatus;
  /** The late charges the close of `date` adds. */
  readonly charges: readonly ForecastCharge[];
  /** The close's events (the first day also lists the catch-up of closes missed before it). */
  readonly events: readonly LoanEvent[];
  /** What is judged on `date` (recipient's local date), in instant order. */
  readonly contacts: readonly ForecastJudgement[];
}

/**
 * Judges `date` on the loan as closed through the day before, then closes it. `caughtUp` are the
 * events of the closes missed before the forecast's first date, listed on that date's row.
 */
export function forecastDay(
  sim: Simulation,
  loan: LoanState,
  date: CivilDate,
  zone: string,
  caughtUp?: readonly LoanEvent[],
): { readonly loan: LoanState; readonly row: ForecastDay } {
  const contacts = judgeDate(sim, loan, date, zone);
  const closed = closeDay(loan, sim.input.product, date);
  const events = caughtUp ? [...caughtUp, ...closed.events] : closed.events;
  const row: ForecastDay = {
    date,
    dpd: closed.loan.delinquency.dpd,
    bucket: closed.loan.delinquency.bucket,
    status: closed.loan.status,
    charges: closed.events.flatMap((e) =>
      e.type === "late_charge" ? [{ n: e.n, kind: e.kind, amount: e.amount }] : [],
    ),
    events,
    contacts,
  };
  return { loan: closed.loan, row };
}

/** Judges, in instant order, everything that falls on `date` (local to the borrower). */
function judgeDate(
  sim: Simulation,
  loan: LoanState,
  date: CivilDate,
  zone: string,
): ForecastJudgement[] {
  const dayEnd = instantAt(addDays(date, 1), 0, 0, zone);
  const agenda = sim.pending.filter((a) => a.attempt.at < dayEnd);
  sim.pending = sim.pending.filter((a) => a.attempt.at >= dayEnd);
  const notBefore = sim.input.notBefore ?? Number.NEGATIVE_INFINITY;
  for (const attempt of proposalsFor(sim.input, loan, date, zone))
    if (attempt.at >= notBefore)
      agenda.push({ attempt, source: "strategy", sequence: sim.sequence++ });
  agenda.push(...probesOn(sim, loan, date, zone, { notBefore, dayEnd }));
  const judged: ForecastJudgement[] = [];
  while (agenda.length > 0) {
    assert(judged.length < judgementsPerDayMax, "too many judgements on one forecast date");
    const next = takeEarliest(agenda);
    const judgement = judgeOne(sim, next, date);
    judged.push(judgement);
    if (judgement.outcome !== "defer" || judgement.until === undefined) continue;
    const again = {
      ...next,
      attempt: { ...next.attempt, at: judgement.until },
      sequence: sim.sequence++,
    };
    if (judgement.until < dayEnd) agenda.push(again);
    else if (next.source === "strategy" && judgement.until < sim.end) sim.pending.push(again);
  }
  return judged;
}

function recipientFacts(sim: Simulation, recipient: Recipient): RecipientFacts {
  if (recipient.kind !== "contact") return sim.input.borrower;
  const person = sim.input.contacts.find((c) => c.contactId === recipient.contactId);
  assert(person !== undefined, "a probe is for a contact person of the input");
  return person.recipient;
}

function judgeOne(sim: Simulation, agendum: Agendum, date: CivilDate): ForecastJudgement {
  const { attempt, source } = agendum;
  const recipient = recipientFacts(sim, attempt.recipient);
  // The facts as the simulation stands at the judgement's instant, judged then (asOf = at).
  const decision = withRestriction(
    judge(
      {
        attempt,
        recipient,
        history: sim.history,
        consents: sim.input.facts.consents,
        preferences: sim.preferences,
        asOf: attempt.at,
      },
      sim.input.pack,
      sim.input.house,
    ),
    sim.input.restricted === true,
  );
  if (source === "strategy") recordProposal(sim, attempt, recipient, decision.outcome === "allow");
  else if (attempt.recipient.kind === "contact")
    noteProbe(sim, attempt.recipient.contactId, attempt.at, date, decision);
  return {
    source,
    at: attempt.at,
    recipient: attempt.recipient,
    channel: attempt.channel,
    template: attempt.template,
    outcome: decision.outcome,
    until: decision.until,
    rules: decision.rules,
  };
}
