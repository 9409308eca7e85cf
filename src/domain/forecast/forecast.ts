import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { type Instant, instantAt, localTimeAt } from "../calendar/instant.js";
import { closeDay, closeThrough } from "../close/close-day.js";
import type { LoanEvent } from "../loan/events.js";
import {
  type Bucket,
  type InstallmentState,
  type LoanState,
  type LoanStatus,
  totalOf,
} from "../loan/loan.js";
import type { Amount } from "../money/amount.js";
import type {
  Channel,
  DecisionInput,
  DecisionOutcome,
  HistoryEntry,
  Preferences,
  ProposedAttempt,
  Recipient,
  RecipientFacts,
} from "../policy/attempt.js";
import { judge } from "../policy/judge.js";
import type { PolicyPack } from "../policy/policy-pack.js";
import { withRestriction } from "../privacy/restriction.js";
import type { Product } from "../product/product.js";
import { assert } from "../result.js";
import { type Ladder, ladderRef, proposeSteps } from "../strategy/ladder.js";

/**
 * The forecast (DESIGN.md "Overdue handling": "for a loan and a date, the same engines run
 * forward assuming no payment and list what will happen each day"). It answers the borrower's
 * question "will you call my family if I am N days late?" with the engines that will decide it:
 * `closeDay` for fees, buckets, reports and charge-off; the ladder (`proposeSteps`) for what the
 * strategy will propose; `judge` for what the policy will let through. Pure: the same input
 * always gives the same forecast.
 */

/** The longest forecast: a year, leap day included (STYLE 10). */
export const forecastDaysMax = 366;

/** The local hour (recipient's zone) at which each emergency contact is probed every day. */
export const probeHour = 10;

/** The channel of the daily probe: the one a third-party call-back request goes by. */
export const probeChannel: Channel = "sms";

/**
 * Judgements one forecast day may hold (ladder proposals, probes, deferrals judged again): far
 * above any ladder of `ladderStepsMax` steps; more is a bug in the deferral loop.
 */
export const judgementsPerDayMax = 1_000;

/** One emergency contact of the borrower, as the engine sees them. */
export interface ForecastContactPerson {
  readonly contactId: string;
  readonly recipient: RecipientFacts;
}

export interface ForecastInput {
  readonly loan: LoanState;
  readonly product: Product;
  /** The ladder treating the loan; undefined when nothing is proposed (a settled loan). */
  readonly ladder: Ladder | undefined;
  readonly pack: PolicyPack;
  /** The borrower as a recipient: `timeZones[0]` is the zone the ladder's times are read in. */
  readonly borrower: RecipientFacts;
  readonly contacts: readonly ForecastContactPerson[];
  /** The facts on file as of the start, exactly as a decision would see them. */
  readonly facts: Pick<DecisionInput, "history" | "consents" | "preferences">;
  /** The first business date forecast. */
  readonly from: CivilDate;
  /** How many dates, 1..`forecastDaysMax`. */
  readonly days: number;
  /**
   * Nothing is judged before this instant (the forecast starts now, partway through `from`):
   * the ladder's steps already due are history or were dropped, and a probe due earlier is made
   * at this instant instead. Undefined: the whole of `from` lies ahead.
   */
  readonly notBefore?: Instant | undefined;
  /**
   * The borrower's processing is restricted or they were erased: every judgement is a deny
   * naming PIPL-RESTRICTED, as `decideAndRecord` makes it (`withRestriction`).
   */
  readonly restricted?: boolean;
}

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

export interface Forecast {
  readonly from: CivilDate;
  readonly through: CivilDate;
  readonly pack: string;
  readonly ladder: string | undefined;
  readonly timeZone: string;
  readonly probe: { readonly channel: Channel; readonly template: string; readonly hour: number };
  readonly days: readonly ForecastDay[];
  readonly contacts: readonly ContactForecast[];
}

/** What the simulation carries from one judgement to the next. */
interface Simulation {
  readonly input: ForecastInput;
  readonly template: string;
  /** The end of the horizon: midnight after the last date, in the borrower's zone. */
  readonly end: Instant;
  readonly history: HistoryEntry[];
  preferences: Preferences;
  /** Deferred proposals due on a later date. */
  pending: Agendum[];
  readonly first: Map<string, { at: Instant; date: CivilDate }>;
  readonly lastRules: Map<string, readonly string[]>;
  sequence: number;
}

/** One judgement waiting for its instant. */
interface Agendum {
  readonly attempt: ProposedAttempt;
  readonly source: "strategy" | "probe";
  readonly sequence: number;
}

/**
 * Runs the loan forward from `from` for `days` dates, assuming no payment and no answered call.
 * Each date: the ladder's proposals are judged at their instants (an allowed one joins the
 * history as dispatched, with no outcome; a deferred one is judged again at `until` while that
 * is within the horizon); each contact person is probed at 10:00 their local time with the
 * pack's default third-party template by SMS, until the first allow (a probe deferred to later
 * that date is judged again then; a probe never joins the history: it asks "could we?"); then
 * the date is closed. Closes the loan missed before `from` run first.
 *
 * @example forecast({ loan, product, ladder: cnDefaultLadder, pack: CN1Policy, borrower, contacts: [{ contactId: "ec1", recipient }], facts, from: "2026-03-01", days: 30 })
 * // { days: [30 rows], contacts: [{ contactId: "ec1", firstAllowed: undefined, rules: ["CN-CONTACT-CONSENT", "CN-CONTACT-PERSON"], ... }] }
 */
export function forecast(input: ForecastInput): Forecast {
  const { days, from, product } = input;
  assert(Number.isInteger(days) && days >= 1 && days <= forecastDaysMax, "forecast days 1..366");
  const zone = input.borrower.timeZones[0];
  assert(zone !== undefined, "a borrower has a zone");
  const template = input.pack.templates.defaults.contact ?? "callback_request";
  const sim: Simulation = {
    input,
    template,
    end: instantAt(addDays(from, days), 0, 0, zone),
    history: [...input.facts.history],
    preferences: input.facts.preferences,
    pending: [],
    first: new Map(),
    lastRules: new Map(),
    sequence: 0,
  };
  const caughtUp = closeThrough(input.loan, product, addDays(from, -1));
  let loan = caughtUp.loan;
  const rows: ForecastDay[] = [];
  for (let k = 0; k < days; k++) {
    const date = addDays(from, k);
    const contacts = judgeDate(sim, loan, date, zone);
    const closed = closeDay(loan, product, date);
    loan = closed.loan;
    const events = k === 0 ? [...caughtUp.events, ...closed.events] : closed.events;
    rows.push({
      date,
      dpd: loan.delinquency.dpd,
      bucket: loan.delinquency.bucket,
      status: loan.status,
      charges: closed.events.flatMap((e) =>
        e.type === "late_charge" ? [{ n: e.n, kind: e.kind, amount: e.amount }] : [],
      ),
      events,
      contacts,
    });
  }
  return {
    from,
    through: addDays(from, days - 1),
    pack: input.pack.ref,
    ladder: input.ladder ? ladderRef(input.ladder) : undefined,
    timeZone: zone,
    probe: { channel: probeChannel, template, hour: probeHour },
    days: rows,
    contacts: input.contacts.map((c) => contactForecast(sim, c.contactId, rows)),
  };
}

/** The ladder's proposals for `date` on the loan as closed through the day before. */
function proposalsFor(input: ForecastInput, loan: LoanState, date: CivilDate, zone: string) {
  if (!input.ladder || (loan.status !== "open" && loan.status !== "charged_off")) return [];
  return proposeSteps({
    ladder: input.ladder,
    loanId: loan.id,
    borrowerId: loan.borrowerId,
    installments: loan.installments.map((i) => ({
      n: i.n,
      dueDate: i.due,
      unpaid: unpaid(i, input.product),
    })),
    date,
    timeZone: zone,
  });
}

/**
 * Whether an installment still counts as unpaid: what it owes under the schedule in force,
 * charged or not yet, above the arrears tolerance (the rule the app's planning uses, `isUnpaid`).
 */
function unpaid(installment: InstallmentState, product: Product): boolean {
  const { principal, interest, fee, late, paid } = installment;
  const owed = principal + interest + fee + late - totalOf(paid);
  return owed > product.arrearsTolerance;
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
  for (const person of sim.input.contacts) {
    if (sim.first.has(person.contactId)) continue;
    const probeAt = instantAt(date, probeHour, 0, person.recipient.timeZones[0] ?? zone);
    const at = Math.max(probeAt, notBefore);
    if (at >= dayEnd) continue;
    agenda.push({
      attempt: probeAttempt(sim, loan, person.contactId, at),
      source: "probe",
      sequence: sim.sequence++,
    });
  }
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

/** Removes and returns the earliest agendum: by instant, the strategy before probes, then order. */
function takeEarliest(agenda: Agendum[]): Agendum {
  let best = 0;
  const rank = (a: Agendum) => (a.source === "strategy" ? 0 : 1);
  agenda.forEach((a, k) => {
    const b = agenda[best] as Agendum;
    const earlier = a.attempt.at - b.attempt.at || rank(a) - rank(b) || a.sequence - b.sequence;
    if (earlier < 0) best = k;
  });
  return agenda.splice(best, 1)[0] as Agendum;
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
    ),
    sim.input.restricted === true,
  );
  if (source === "strategy") record(sim, attempt, recipient, decision.outcome === "allow");
  else if (attempt.recipient.kind === "contact") {
    const id = attempt.recipient.contactId;
    if (decision.outcome === "allow") sim.first.set(id, { at: attempt.at, date });
    else sim.lastRules.set(id, decision.rules);
  }
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

/**
 * A judged proposal joins the history as the store would keep it (dispatched when allowed, no
 * outcome: no call is answered). A validation notice that goes out is the notice on file from
 * then on (US-VALIDATION), as the app derives it from the history.
 */
function record(
  sim: Simulation,
  attempt: ProposedAttempt,
  recipient: RecipientFacts,
  dispatched: boolean,
): void {
  sim.history.push({
    at: attempt.at,
    loanId: attempt.loanId,
    recipient: attempt.recipient,
    channel: attempt.channel,
    template: attempt.template,
    numberId: attempt.channel === "phone" ? recipient.numberId : undefined,
    dispatched,
    outcome: undefined,
  });
  const validation = sim.input.pack.contact.validation;
  if (
    dispatched &&
    validation !== undefined &&
    attempt.template === validation.noticeTemplate &&
    sim.preferences.validation.noticeAt === undefined
  ) {
    sim.preferences = {
      ...sim.preferences,
      validation: { ...sim.preferences.validation, noticeAt: attempt.at },
    };
  }
}

function contactForecast(
  sim: Simulation,
  contactId: string,
  rows: readonly ForecastDay[],
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
