import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { instantAt } from "../calendar/instant.js";
import { closeThrough } from "../close/close-day.js";
import type { Channel } from "../policy/attempt.js";
import { assert } from "../result.js";
import { ladderRef } from "../strategy/ladder.js";
import { type ContactForecast, contactForecast, probeChannel, probeHour } from "./contact-probe.js";
import { type ForecastDay, forecastDay } from "./forecast-day.js";
import { type ForecastInput, forecastDaysMax } from "./forecast-input.js";
import type { Simulation } from "./simulation.js";

/**
 * The forecast (DESIGN.md "Overdue handling": "for a loan and a date, the same engines run
 * forward assuming no payment and list what will happen each day"). It answers the borrower's
 * question "will you call my family if I am N days late?" with the engines that will decide it:
 * `closeDay` for fees, buckets, reports and charge-off; the ladder (`proposeSteps`) for what the
 * strategy will propose; `judge` for what the policy will let through. Pure: the same input
 * always gives the same forecast.
 *
 * This module is the entry point; the daily step is `forecast-day.ts`, the ladder's side
 * `ladder-proposals.ts`, the probing of the emergency contacts `contact-probe.ts`.
 */

export { type ContactForecast, probeChannel, probeHour } from "./contact-probe.js";
export {
  type ForecastCharge,
  type ForecastDay,
  type ForecastJudgement,
  judgementsPerDayMax,
} from "./forecast-day.js";
export {
  type ForecastContactPerson,
  type ForecastInput,
  forecastDaysMax,
} from "./forecast-input.js";

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
    const day = forecastDay(
      sim,
      loan,
      addDays(from, k),
      zone,
      k === 0 ? caughtUp.events : undefined,
    );
    loan = day.loan;
    rows.push(day.row);
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
