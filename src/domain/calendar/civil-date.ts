import { assert, fail, ok, type Result } from "../result.js";

/**
 * A civil date `YYYY-MM-DD` (a business date, a due date): a day on the calendar with no time
 * and no zone (DESIGN.md "Time"). Years are always four digits and months and days are
 * zero-padded, so comparing two dates as strings orders them chronologically: `a < b` is "a is
 * earlier". That holds only inside the supported years 1900–9999, which `parseCivilDate` enforces
 * at the edge and `makeDate` asserts for computed dates.
 *
 * @example const due: CivilDate = "2026-02-28";
 */
export type CivilDate = string;

/** The supported year range: wide enough for any loan, narrow enough that years have 4 digits. */
export const civilYearMin = 1900;
export const civilYearMax = 9999;

const datePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** Days in each month of a common year, indexed by month 1–12 (index 0 is unused). */
const monthLengths = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "00" … "31": formatting the dates of a long schedule then allocates no padding. */
const twoDigits = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, "0"));

/** Gregorian leap year: every 4th year, except centuries, except every 4th century. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The number of days in `month` (1–12) of `year`: `daysInMonth(2024, 2)` is 29. */
export function daysInMonth(year: number, month: number): number {
  const length = monthLengths[month];
  assert(length !== undefined && month >= 1, `month ${month} is not 1..12`);
  return month === 2 && isLeapYear(year) ? 29 : length;
}

/**
 * Parses a strict `YYYY-MM-DD` naming a real calendar date in 1900–9999. "2026-1-5" is refused
 * with `date.format`; "2026-02-30", "2026-13-01" and "1899-12-31" with `date.invalid`.
 *
 * @example parseCivilDate("2026-02-28", "start") // { ok: true, value: "2026-02-28" }
 */
export function parseCivilDate(text: unknown, field: string): Result<CivilDate> {
  const match = typeof text === "string" ? datePattern.exec(text) : null;
  if (!match) return fail("date.format", field, `${field} must be a date YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < civilYearMin || month < 1 || month > 12 || day < 1) {
    return fail("date.invalid", field, `${field} is not a calendar date in 1900..9999`);
  }
  if (day > daysInMonth(year, month)) {
    return fail("date.invalid", field, `${field} is not a calendar date in 1900..9999`);
  }
  return ok(text as CivilDate);
}

/** The parts of a date: `{ year, month (1–12), day }`. The date is trusted to be well formed. */
export function dateParts(date: CivilDate): { year: number; month: number; day: number } {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

/** Formats a date from its parts. Asserts the year keeps the string order chronological. */
export function makeDate(year: number, month: number, day: number): CivilDate {
  assert(year >= civilYearMin && year <= civilYearMax, `year ${year} is outside 1900..9999`);
  return `${year}-${twoDigits[month]}-${twoDigits[day]}`;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, by Howard Hinnant's `days_from_civil`:
 * integer arithmetic on a calendar that starts in March (so the leap day is the year's last),
 * grouped in 400-year eras of 146097 days. No `Date`, so no time zone can leak in.
 */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Days since 1970-01-01: `toEpochDay("1970-01-02")` is 1, `toEpochDay("1969-12-31")` is −1. */
export function toEpochDay(date: CivilDate): number {
  const { year, month, day } = dateParts(date);
  return epochDayOf(year, month, day);
}

/** The inverse of `toEpochDay`, by Howard Hinnant's `civil_from_days`. */
export function fromEpochDay(epochDay: number): CivilDate {
  assert(Number.isSafeInteger(epochDay), `epoch day ${epochDay} is not an integer`);
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March … 11 = February
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return makeDate(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

/** The date `days` days after `date` (before, when negative): `addDays("2026-02-28", 1)` is "2026-03-01". */
export function addDays(date: CivilDate, days: number): CivilDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** `b − a` in days, negative when `b` is earlier: `daysBetween("2025-12-31", "2026-01-01")` is 1. */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** −1, 0 or 1 as `a` is before, equal to or after `b`; plain string order (see `CivilDate`). */
export function compareDates(a: CivilDate, b: CivilDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. Epoch day 0 (1970-01-01) was a Thursday (4). */
export function weekday(date: CivilDate): number {
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * The date `months` months after `anchor` (before, when negative), always from the anchor's own
 * day of month and clamped to the target month's last day. This is the due-date rule of
 * DESIGN.md: stepping from the anchor, never from the previous (clamped) due date, is what
 * brings a Jan 31 loan back to Mar 31 after a short February.
 *
 * @example
 * addMonthsAnchored("2026-01-31", 1) // "2026-02-28"
 * addMonthsAnchored("2026-01-31", 2) // "2026-03-31"
 * addMonthsAnchored("2024-01-31", 1) // "2024-02-29"
 */
export function addMonthsAnchored(anchor: CivilDate, months: number): CivilDate {
  assert(Number.isInteger(months), `months ${months} is not an integer`);
  const { year, month, day } = dateParts(anchor);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return makeDate(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/**
 * The due dates of `count` monthly installments: `addMonthsAnchored(origination, k)` for
 * k = 1..count (DESIGN.md "Due dates"), strictly increasing.
 *
 * @example dueDates("2026-01-31", 3) // ["2026-02-28", "2026-03-31", "2026-04-30"]
 */
export function dueDates(origination: CivilDate, count: number): CivilDate[] {
  assert(Number.isSafeInteger(count) && count >= 0, `count ${count} is not a natural number`);
  const { year: startYear, month: startMonth, day } = dateParts(origination);
  const dates: CivilDate[] = new Array(count);
  let year = startYear;
  let month = startMonth;
  // Stepping month by month gives the same dates as addMonthsAnchored(origination, k), because
  // the day is clamped from the original anchor each time; it avoids re-parsing a string per row
  // of a schedule built for every loan in a portfolio.
  for (let k = 0; k < count; k++) {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    dates[k] = makeDate(year, month, Math.min(day, daysInMonth(year, month)));
  }
  return dates;
}
