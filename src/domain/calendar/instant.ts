import { assert, fail, ok, type Result } from "../result.js";
import {
  type CivilDate,
  civilYearMin,
  daysInMonth,
  epochDayOf,
  fromEpochDay,
  toEpochDay,
} from "./civil-date.js";

/**
 * An instant: integer milliseconds since 1970-01-01T00:00:00Z. Instants are stored and compared
 * in UTC (DESIGN.md "Time"); a zone is applied only to ask what a wall clock read.
 */
export type Instant = number;

/** A wall-clock reading in some zone: the civil date and the time of day (24-hour clock). */
export interface WallClock {
  date: CivilDate;
  hour: number;
  minute: number;
  second: number;
}

const secondMs = 1_000;
const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

/**
 * The widest UTC offset accepted in input: ±18:00, as java.time and most ISO 8601 parsers allow.
 * Real zones span −12:00..+14:00; a wider offset is a typing error, not a place.
 */
const offsetMinutesMax = 18 * 60;

/** The bound on cached formatters: one per zone in use, and a few hundred zones exist. */
const formatterCacheSizeMax = 1_000;

const instantPattern =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * Parses an ISO 8601 instant with an explicit offset or `Z`: "2026-02-10T09:00:00+08:00",
 * "2026-03-20T14:30:00Z", "2026-03-20T14:30:00.250Z". Seconds may be left out ("T09:00Z").
 * Fractional digits beyond milliseconds are dropped. A local time without an offset is refused
 * (`instant.format`): it names no instant until someone guesses a zone, and we never guess.
 *
 * @example parseInstant("2026-02-10T09:00:00+08:00", "at") // { ok: true, value: 1770685200000 }
 */
export function parseInstant(text: unknown, field: string): Result<Instant> {
  const m = typeof text === "string" ? instantPattern.exec(text) : null;
  if (!m) {
    return fail("instant.format", field, `${field} must be an ISO 8601 time with an offset or Z`);
  }
  const group = (index: number): number => Number(m[index] ?? 0);
  const [year, month, day] = [group(1), group(2), group(3)];
  const [hour, minute, second] = [group(4), group(5), group(6)];
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offsetMinutes = (m[8] === "-" ? -1 : 1) * (group(9) * 60 + group(10));
  // 24:00 is refused because it only respells the next day's 00:00, and a leap second
  // (23:59:60) because epoch milliseconds have no value for it.
  const valid =
    year >= civilYearMin &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    group(10) <= 59 &&
    Math.abs(offsetMinutes) <= offsetMinutesMax;
  if (!valid) {
    return fail("instant.invalid", field, `${field} is not a valid date, time and offset`);
  }
  const wall = epochDayOf(year, month, day) * dayMs + hour * hourMs + minute * minuteMs;
  return ok(wall + second * secondMs + millis - offsetMinutes * minuteMs);
}

/** Two digits, or three for milliseconds; the inputs are small non-negative integers. */
function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * Formats an instant in UTC to the second: "2026-03-20T14:30:00Z", with ".sss" only when the
 * milliseconds are not zero ("2026-03-20T14:30:00.250Z"). `parseInstant` reads it back exactly.
 */
export function formatInstant(instant: Instant): string {
  assert(Number.isSafeInteger(instant), `instant ${instant} is not an integer`);
  const epochDay = Math.floor(instant / dayMs);
  const ofDay = instant - epochDay * dayMs;
  const hour = Math.floor(ofDay / hourMs);
  const minute = Math.floor((ofDay % hourMs) / minuteMs);
  const second = Math.floor((ofDay % minuteMs) / secondMs);
  const millis = ofDay % secondMs;
  const time = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  return `${fromEpochDay(epochDay)}T${time}${millis === 0 ? "" : `.${pad(millis, 3)}`}Z`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per zone, cached: building an Intl.DateTimeFormat costs far more than using
 * one. `hourCycle: "h23"` makes midnight "00", never "24". Throws RangeError for an unknown zone.
 */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    if (formatters.size >= formatterCacheSizeMax) formatters.clear();
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** Whether `timeZone` is a zone the runtime knows ("Asia/Shanghai", "UTC"); "Mars/Base" is not. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.length === 0) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall clock in `timeZone` at `instant`, to the second, expressed as milliseconds since
 * 1970-01-01T00:00 on that wall clock. Comparing it with the instant gives the zone's offset.
 */
function wallClockMs(instant: Instant, timeZone: string): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let clock = 0;
  for (const part of formatter(timeZone).formatToParts(instant)) {
    const value = Number(part.value);
    if (part.type === "year") year = value;
    else if (part.type === "month") month = value;
    else if (part.type === "day") day = value;
    else if (part.type === "hour") clock += value * hourMs;
    else if (part.type === "minute") clock += value * minuteMs;
    else if (part.type === "second") clock += value * secondMs;
  }
  return epochDayOf(year, month, day) * dayMs + clock;
}

/** The zone's offset from UTC at `instant`, in milliseconds (Intl reports whole seconds). */
function offsetAt(instant: Instant, timeZone: string): number {
  return (
    wallClockMs(instant, timeZone) - (instant - (((instant % secondMs) + secondMs) % secondMs))
  );
}

/**
 * What the wall clock in `timeZone` reads at `instant`.
 *
 * @example localTimeAt(parseInstant("2026-03-20T14:30:00Z").value, "Asia/Shanghai")
 * // { date: "2026-03-20", hour: 22, minute: 30, second: 0 }
 */
export function localTimeAt(instant: Instant, timeZone: string): WallClock {
  const wall = wallClockMs(instant, timeZone);
  const epochDay = Math.floor(wall / dayMs);
  const ofDay = wall - epochDay * dayMs;
  return {
    date: fromEpochDay(epochDay),
    hour: Math.floor(ofDay / hourMs),
    minute: Math.floor((ofDay % hourMs) / minuteMs),
    second: Math.floor((ofDay % minuteMs) / secondMs),
  };
}

/** The civil date in `timeZone` at `instant`: the business date of an event in the lender's zone. */
export function civilDateAt(instant: Instant, timeZone: string): CivilDate {
  return fromEpochDay(Math.floor(wallClockMs(instant, timeZone) / dayMs));
}

/**
 * The first instant at which the wall clock in `timeZone` reads `date` `hour`:`minute`, DST
 * correct. An ambiguous time (the repeated hour of a fall-back) gives the earlier instant. A
 * time skipped by a spring-forward gap gives the first instant after the gap (America/New_York,
 * 2026-03-08 02:30 → 03:00 EDT = 07:00Z): the first moment the clock reads that time or later,
 * which is what "not before 02:30 local" means for a contact window. (Temporal's "compatible"
 * mode would give 03:30 instead.)
 *
 * @example instantAt("2026-02-10", 9, 0, "Asia/Shanghai") // 2026-02-10T01:00:00Z
 */
export function instantAt(
  date: CivilDate,
  hour: number,
  minute: number,
  timeZone: string,
): Instant {
  assert(Number.isInteger(hour) && hour >= 0 && hour <= 23, `hour ${hour} is not 0..23`);
  assert(Number.isInteger(minute) && minute >= 0 && minute <= 59, `minute ${minute} is not 0..59`);
  const wall = toEpochDay(date) * dayMs + hour * hourMs + minute * minuteMs;
  // Offsets a day either side bracket any single transition near the wanted wall time (offsets
  // span less than a day). Each offset in force gives one candidate; a candidate counts only if
  // the clock really reads `wall` then. Two hits: an ambiguous time. None: a gap.
  const offsetBefore = offsetAt(wall - dayMs, timeZone);
  const offsetAfter = offsetAt(wall + dayMs, timeZone);
  const early = wall - Math.max(offsetBefore, offsetAfter);
  const late = wall - Math.min(offsetBefore, offsetAfter);
  if (wallClockMs(early, timeZone) === wall) return early;
  if (wallClockMs(late, timeZone) === wall) return late;
  return firstInstantReading(wall, early, late, timeZone);
}

/**
 * The first instant in (`low`, `high`] whose wall clock reads `wall` or later, by bisection in
 * whole seconds (transitions fall on whole seconds). Used only inside a spring-forward gap,
 * where the clock reads earlier than `wall` at `low` and later at `high`.
 */
function firstInstantReading(wall: number, low: Instant, high: Instant, timeZone: string): Instant {
  assert(
    wallClockMs(low, timeZone) < wall && wallClockMs(high, timeZone) > wall,
    `no single transition brackets the wall time in ${timeZone}`,
  );
  let before = low;
  let after = high;
  while (after - before > secondMs) {
    const middle = before + Math.floor((after - before) / (2 * secondMs)) * secondMs;
    if (wallClockMs(middle, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * The first instant of `date` in `timeZone`: when an event dated only by its business date
 * happens. In a zone whose DST starts at midnight (America/Santiago) that is 01:00 local.
 *
 * @example startOfDay("2026-02-10", "Asia/Shanghai") // 2026-02-09T16:00:00Z
 */
export function startOfDay(date: CivilDate, timeZone: string): Instant {
  return instantAt(date, 0, 0, timeZone);
}
