import type { CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";
import type { HistoryEntry, Preferences, ProposedAttempt } from "../policy/attempt.js";
import type { ForecastInput } from "./forecast-input.js";

/**
 * The state the forecast carries from one judgement to the next, and the order in which the
 * judgements waiting on a date are taken. The forecast is pure as a whole; this state is local
 * to one call of `forecast` and changed only by the modules of its simulation.
 */

/** What the simulation carries from one judgement to the next. */
export interface Simulation {
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
export interface Agendum {
  readonly attempt: ProposedAttempt;
  readonly source: "strategy" | "probe";
  readonly sequence: number;
}

/** Removes and returns the earliest agendum: by instant, the strategy before probes, then order. */
export function takeEarliest(agenda: Agendum[]): Agendum {
  let best = 0;
  const rank = (a: Agendum) => (a.source === "strategy" ? 0 : 1);
  agenda.forEach((a, k) => {
    const b = agenda[best] as Agendum;
    const earlier = a.attempt.at - b.attempt.at || rank(a) - rank(b) || a.sequence - b.sequence;
    if (earlier < 0) best = k;
  });
  return agenda.splice(best, 1)[0] as Agendum;
}
