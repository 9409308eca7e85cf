import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { type Instant, instantAt, localTimeAt, startOfDay } from "../calendar/instant.js";
import type { DailyWindow } from "./attempt.js";

/**
 * Daily windows of local time, judged DST-correct through `localTimeAt` and `instantAt`
 * (DESIGN.md "Time": "contact windows are judged in the recipient's own IANA timezone").
 */

export const minutesPerDay = 1_440;
const minutesPerHour = 60;

/** Days ahead searched for a window's next opening: the first day after tomorrow always has one. */
const openingSearchDaysMax = 3;

/**
 * Steps of the search for an instant open in every zone at once: each step moves to the latest
 * next opening among the zones; overlapping windows agree within a few steps, and windows with
 * no overlap never do, so the search gives up here.
 */
export const overlapStepsMax = 16;

/** The minute of the local day at `at` (seconds ignored: 21:59:59 is minute 1319). */
export function minuteOfDay(at: Instant, timeZone: string): number {
  const local = localTimeAt(at, timeZone);
  return local.hour * minutesPerHour + local.minute;
}

/** The first instant the local clock reads `minute` on `date`; 1440 is the next day's start. */
export function instantAtMinute(date: CivilDate, minute: number, timeZone: string): Instant {
  if (minute >= minutesPerDay) return startOfDay(addDays(date, 1), timeZone);
  return instantAt(date, Math.floor(minute / minutesPerHour), minute % minutesPerHour, timeZone);
}

/** Whether a minute of the day falls in the half-open window [from, to). */
export function inWindow(minute: number, window: DailyWindow): boolean {
  return window.from <= minute && minute < window.to;
}

/** The intersection of two windows, or undefined when they do not overlap. */
export function intersect(a: DailyWindow, b: DailyWindow): DailyWindow | undefined {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from < to ? { from, to } : undefined;
}

/** The parts of the day outside every window of `closed`, in order. */
export function complement(closed: readonly DailyWindow[]): DailyWindow[] {
  const sorted = [...closed].sort((a, b) => a.from - b.from);
  const open: DailyWindow[] = [];
  let cursor = 0;
  for (const window of sorted) {
    if (window.from > cursor) open.push({ from: cursor, to: window.from });
    cursor = Math.max(cursor, window.to);
  }
  if (cursor < minutesPerDay) open.push({ from: cursor, to: minutesPerDay });
  return open;
}

/**
 * The first instant ≥ `at` whose local time in `timeZone` falls in one of `open` (sorted,
 * disjoint), or undefined when `open` is empty.
 */
export function nextOpenInZone(
  at: Instant,
  timeZone: string,
  open: readonly DailyWindow[],
): Instant | undefined {
  const local = localTimeAt(at, timeZone);
  const minute = local.hour * minutesPerHour + local.minute;
  if (open.some((window) => inWindow(minute, window))) return at;
  for (let day = 0; day <= openingSearchDaysMax; day++) {
    const date = addDays(local.date, day);
    for (const window of open) {
      // On the same date only later windows count; an opening read through a repeated
      // (fall-back) hour can lie before `at`, hence the comparison with `at` as well.
      if (day === 0 && window.from <= minute) continue;
      const opening = instantAtMinute(date, window.from, timeZone);
      if (opening > at) return opening;
    }
  }
  return undefined;
}

/**
 * The first instant ≥ `at` open in every zone at once (US-TIME-WINDOW: "the overlap of the zones
 * on file"), or undefined when there is none within `overlapStepsMax` steps.
 */
export function nextOpenInAll(
  at: Instant,
  zones: readonly string[],
  openIn: (zone: string) => readonly DailyWindow[],
): Instant | undefined {
  let candidate = at;
  for (let step = 0; step < overlapStepsMax; step++) {
    let latest = candidate;
    for (const zone of zones) {
      const next = nextOpenInZone(candidate, zone, openIn(zone));
      if (next === undefined) return undefined;
      if (next > latest) latest = next;
    }
    if (latest === candidate) return candidate;
    candidate = latest;
  }
  return undefined;
}
