import { fail, ok, type Result } from "../result.js";
import { type CivilDate, dateParts, makeDate } from "./civil-date.js";

/** An instant: milliseconds since 1970-01-01T00:00:00Z. Stored and compared in UTC. */
export type Instant = number;

const instantPattern =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|([+-])([0-9]{2}):([0-9]{2}))$/;

const minute = 60_000;
const day = 86_400_000;

/**
 * Parses an ISO 8601 instant with an explicit offset or `Z` ("2026-02-10T09:00:00+08:00").
 * A local time without an offset is refused: it names no instant.
 */
export function parseInstant(text: unknown, field: string): Result<Instant> {
  const m = typeof text === "string" ? instantPattern.exec(text) : null;
  if (!m)
    return fail(
      "instant.format",
      field,
      `${field} must be a date or an ISO 8601 time with an offset`,
    );
  const [year, month, dayOfMonth, hour, min, sec] = [1, 2, 3, 4, 5, 6].map((i) =>
    Number(m[i] ?? 0),
  ) as number[];
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offset = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const local = Date.UTC(year as number, (month as number) - 1, dayOfMonth, hour, min, sec, millis);
  const check = new Date(local);
  if (
    check.getUTCDate() !== dayOfMonth ||
    check.getUTCMonth() !== (month as number) - 1 ||
    (hour as number) > 23 ||
    (min as number) > 59 ||
    (sec as number) > 59 ||
    Math.abs(offset) > 18 * 60
  ) {
    return fail("instant.invalid", field, `${field} is not a valid time`);
  }
  return ok(local - offset * minute);
}

/** "2026-03-20T14:30:00Z"; milliseconds appear only when they are not zero. */
export function formatInstant(instant: Instant): string {
  const text = new Date(instant).toISOString();
  return text.endsWith(".000Z") ? `${text.slice(0, -5)}Z` : text;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant`. */
export function localTimeAt(
  instant: Instant,
  timeZone: string,
): { date: CivilDate; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    date: makeDate(parts.year ?? 0, parts.month ?? 0, parts.day ?? 0),
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The civil date in `timeZone` at `instant`: the business date of an event. */
export function civilDateAt(instant: Instant, timeZone: string): CivilDate {
  return localTimeAt(instant, timeZone).date;
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetAt(instant: Instant, timeZone: string): number {
  const local = localTimeAt(instant, timeZone);
  const { year, month, day: d } = dateParts(local.date);
  const wall = Date.UTC(year, month - 1, d, local.hour, local.minute, local.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock in `timeZone` first reads `date` `hour`:`minute`.
 * DST-correct: an ambiguous time (a fall-back hour) gives the earlier instant; a time skipped by
 * a spring-forward gap gives the first instant after the gap.
 */
export function instantAt(date: CivilDate, hour: number, min: number, timeZone: string): Instant {
  const { year, month, day: d } = dateParts(date);
  const wall = Date.UTC(year, month - 1, d, hour, min);
  const before = offsetAt(wall - day, timeZone);
  const after = offsetAt(wall + day, timeZone);
  const candidates = [wall - before, wall - after]
    .filter((t) => offsetAt(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0] as Instant;
  // The wall time falls in a gap: find the transition, the first instant with the later offset.
  let lo = wall - Math.max(before, after) - day;
  let hi = wall - Math.min(before, after) + day;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The first instant of `date` in `timeZone`: when an event dated only by its business date happens. */
export function startOfDay(date: CivilDate, timeZone: string): Instant {
  return instantAt(date, 0, 0, timeZone);
}
