import { fail, ok, type Result } from "../result.js";

/**
 * A civil date `YYYY-MM-DD` (a business date, a due date): no time, no zone. Zero-padded, so
 * string order is chronological order.
 */
export type CivilDate = string;

const datePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const monthLengths = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (monthLengths[month] as number);
}

/** "01" … "31": two-digit strings, so formatting a date in a long schedule allocates no padding. */
const twoDigits = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, "0"));

/** Parses a strict `YYYY-MM-DD` that names a real calendar date between 1900 and 9999. */
export function parseCivilDate(text: unknown, field: string): Result<CivilDate> {
  const match = typeof text === "string" ? datePattern.exec(text) : null;
  if (!match) return fail("date.format", field, `${field} must be a date YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail("date.invalid", field, `${field} is not a calendar date between 1900 and 9999`);
  }
  return ok(text as CivilDate);
}

/** The parts of a date: `{ year, month (1–12), day }`. */
export function dateParts(date: CivilDate): { year: number; month: number; day: number } {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

export function makeDate(year: number, month: number, day: number): CivilDate {
  const y = year >= 1000 ? String(year) : String(year).padStart(4, "0");
  return `${y}-${twoDigits[month]}-${twoDigits[day]}`;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil): integer arithmetic, no Date. */
export function toEpochDay(date: CivilDate): number {
  const { year, month, day } = dateParts(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of `toEpochDay` (civil_from_days). */
export function fromEpochDay(epochDay: number): CivilDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return makeDate(yoe + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** b − a in days (negative when b is earlier). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
export function weekday(date: CivilDate): number {
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * `months` months after `anchor`, always from the anchor's own day of month and clamped to the
 * target month's last day: 2026-01-31 + 1 → 2026-02-28, + 2 → 2026-03-31 (DESIGN.md due dates).
 */
export function addMonthsAnchored(anchor: CivilDate, months: number): CivilDate {
  const { year, month, day } = dateParts(anchor);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return makeDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** The due dates of `count` monthly installments: origination + k months for k = 1..count. */
export function dueDates(origination: CivilDate, count: number): CivilDate[] {
  const { year: startYear, month: startMonth, day } = dateParts(origination);
  const dates: CivilDate[] = new Array(count);
  let year = startYear;
  let month = startMonth;
  // Stepping month by month gives the same dates as addMonthsAnchored(origination, k), since
  // the day is clamped from the original anchor each time, without re-reading a string per row.
  for (let k = 0; k < count; k++) {
    if (++month > 12) {
      month = 1;
      year++;
    }
    const last = daysInMonth(year, month);
    dates[k] = makeDate(year, month, day <= last ? day : last);
  }
  return dates;
}
