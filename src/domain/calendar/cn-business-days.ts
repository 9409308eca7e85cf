import { assert, fail, ok, type Problem, type Result } from "../result.js";
import { addDays, type CivilDate, compareDates, dateParts, weekday } from "./civil-date.js";

/**
 * The mainland-China business-day calendar, held as data so the domain stays pure and a decision
 * can name the exact calendar it used. The State Council publishes each year's arrangement late
 * in the previous year, so the calendar covers only the years listed here and refuses every
 * other year (`calendar.no_data`) instead of guessing from weekdays: a guessed business day in
 * an unpublished year could put a due date or a late charge on a national holiday.
 *
 * Bump the version whenever a year is added or a published arrangement changes.
 */
export const calendarVersion = "CN-2026.1";

/** One year's published arrangement, as the exceptions to "Monday–Friday are business days". */
export interface CnYearArrangement {
  readonly year: number;
  /** Where the dates come from, so an auditor can check them against the original. */
  readonly source: string;
  /** Statutory holidays and their 调休 rest days that fall on a weekday (Mon–Fri): days off. */
  readonly holidays: readonly CivilDate[];
  /** 调休 make-up workdays: weekend days (Sat/Sun) that are working days. */
  readonly makeUpWorkdays: readonly CivilDate[];
}

/**
 * 国务院办公厅关于2026年部分节假日安排的通知
 * (https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm), transcribed from the
 * `chinese-days` package 1.5.7 and cross-checked against it for every day of 2026 by
 * test/calendar-cn.test.ts. Holiday days that fall on a weekend are already rest days and are
 * not listed: 元旦 1-01..1-03 with 1-04 (Sun) worked; 春节 2-15..2-23 with 2-14 (Sat) and 2-28
 * (Sat) worked; 清明 4-04..4-06; 劳动节 5-01..5-05 with 5-09 (Sat) worked; 端午 6-19..6-21;
 * 中秋 9-25..9-27; 国庆 10-01..10-07 with 9-20 (Sun) and 10-10 (Sat) worked.
 */
const cn2026: CnYearArrangement = {
  year: 2026,
  source: "国务院办公厅关于2026年部分节假日安排的通知",
  holidays: [
    "2026-01-01", // 元旦
    "2026-01-02",
    "2026-02-16", // 春节
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06", // 清明
    "2026-05-01", // 劳动节
    "2026-05-04",
    "2026-05-05",
    "2026-06-19", // 端午
    "2026-09-25", // 中秋
    "2026-10-01", // 国庆
    "2026-10-02",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
  ],
  makeUpWorkdays: [
    "2026-01-04", // 元旦
    "2026-02-14", // 春节
    "2026-02-28",
    "2026-05-09", // 劳动节
    "2026-09-20", // 国庆
    "2026-10-10",
  ],
};

/** Every published year this calendar version holds, oldest first. */
export const cnArrangements: readonly CnYearArrangement[] = [cn2026];

interface YearSets {
  readonly holidays: ReadonlySet<CivilDate>;
  readonly makeUpWorkdays: ReadonlySet<CivilDate>;
}

/**
 * Checks the data once, when the module loads: a holiday on a weekend or a make-up day on a
 * weekday would be a transcription error that silently changes nothing, so it must fail loudly.
 */
function indexArrangements(arrangements: readonly CnYearArrangement[]): Map<number, YearSets> {
  const byYear = new Map<number, YearSets>();
  for (const arrangement of arrangements) {
    assert(!byYear.has(arrangement.year), `CN calendar lists ${arrangement.year} twice`);
    for (const date of arrangement.holidays) {
      assert(dateParts(date).year === arrangement.year, `holiday ${date} is in the wrong year`);
      assert(weekday(date) <= 5, `holiday ${date} is not a weekday`);
    }
    for (const date of arrangement.makeUpWorkdays) {
      assert(dateParts(date).year === arrangement.year, `workday ${date} is in the wrong year`);
      assert(weekday(date) >= 6, `make-up workday ${date} is not on a weekend`);
    }
    const holidays = new Set(arrangement.holidays);
    const makeUpWorkdays = new Set(arrangement.makeUpWorkdays);
    assert(holidays.size === arrangement.holidays.length, `duplicate ${arrangement.year} holiday`);
    assert(makeUpWorkdays.size === arrangement.makeUpWorkdays.length, "duplicate make-up day");
    byYear.set(arrangement.year, { holidays, makeUpWorkdays });
  }
  return byYear;
}

const arrangementsByYear = indexArrangements(cnArrangements);

/** The years with published data, ascending: `[2026]` in calendar CN-2026.1. */
export function coveredYears(): number[] {
  return [...arrangementsByYear.keys()].sort((a, b) => a - b);
}

function noData(year: number, field: string): { ok: false; error: Problem } {
  return fail(
    "calendar.no_data",
    field,
    `the CN business-day calendar ${calendarVersion} has no data for ${year} (covers ${coveredYears().join(", ")})`,
  );
}

/** `undefined` when the date's year has no data; the callers turn that into a refusal. */
function businessDayOrUndefined(date: CivilDate): boolean | undefined {
  const sets = arrangementsByYear.get(dateParts(date).year);
  if (sets === undefined) return undefined;
  if (weekday(date) >= 6) return sets.makeUpWorkdays.has(date);
  return !sets.holidays.has(date);
}

/**
 * Whether `date` is a working day in mainland China: weekdays are, unless a statutory holiday;
 * weekends are not, unless a 调休 make-up workday. Refuses (`calendar.no_data`, naming the year)
 * a date in a year this calendar has no published data for.
 *
 * @example isBusinessDay("2026-01-04") // { ok: true, value: true } (a Sunday, worked)
 */
export function isBusinessDay(date: CivilDate, field = "date"): Result<boolean> {
  const business = businessDayOrUndefined(date);
  return business === undefined ? noData(dateParts(date).year, field) : ok(business);
}

/**
 * The date `count` business days after `date` (count ≥ 0; 0 gives `date` itself, business day
 * or not). Refuses when `date` or any day of the walk lies in a year without data.
 *
 * @example addBusinessDays("2026-09-30", 1) // { ok: true, value: "2026-10-08" }
 */
export function addBusinessDays(date: CivilDate, count: number, field = "date"): Result<CivilDate> {
  assert(Number.isSafeInteger(count) && count >= 0, `business-day count ${count} is not ≥ 0`);
  if (businessDayOrUndefined(date) === undefined) return noData(dateParts(date).year, field);
  let current = date;
  let remaining = count;
  // Bounded by the covered years: each step either finds data or refuses.
  while (remaining > 0) {
    current = addDays(current, 1);
    const business = businessDayOrUndefined(current);
    if (business === undefined) return noData(dateParts(current).year, field);
    if (business) remaining -= 1;
  }
  return ok(current);
}

/**
 * The number of business days in (`a`, `b`] when `a` ≤ `b`, and minus the number in (`b`, `a`]
 * otherwise, so that `addBusinessDays(a, businessDaysBetween(a, b))` is `b` whenever `b` is a
 * business day after `a`. Refuses when any day from the earlier to the later date lacks data.
 *
 * @example businessDaysBetween("2026-09-30", "2026-10-08") // { ok: true, value: 1 }
 */
export function businessDaysBetween(a: CivilDate, b: CivilDate, field = "date"): Result<number> {
  const sign = compareDates(a, b) <= 0 ? 1 : -1;
  const [from, to] = sign === 1 ? [a, b] : [b, a];
  if (businessDayOrUndefined(from) === undefined) return noData(dateParts(from).year, field);
  let count = 0;
  let current = from;
  // Bounded by the covered years: a day without data ends the walk with a refusal.
  while (compareDates(current, to) < 0) {
    current = addDays(current, 1);
    const business = businessDayOrUndefined(current);
    if (business === undefined) return noData(dateParts(current).year, field);
    if (business) count += 1;
  }
  return ok(count === 0 ? 0 : sign * count); // never −0
}
