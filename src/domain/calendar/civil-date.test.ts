import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../result.js";
import {
  addDays,
  addMonthsAnchored,
  type CivilDate,
  compareDates,
  daysBetween,
  daysInMonth,
  dueDates,
  fromEpochDay,
  isLeapYear,
  makeDate,
  parseCivilDate,
  toEpochDay,
  weekday,
} from "./civil-date.js";

/** 1900-01-01 and 9999-12-31 as epoch days: the supported range. */
const epochDayMin = toEpochDay("1900-01-01");
const epochDayMax = toEpochDay("9999-12-31");
const runs = { numRuns: 5_000 };

const anyDate = fc.integer({ min: epochDayMin, max: epochDayMax }).map(fromEpochDay);
/** Dates far enough from the ends of the range that adding a few centuries of months fits. */
const midDate = fc
  .integer({ min: toEpochDay("1950-01-01"), max: toEpochDay("9000-12-31") })
  .map(fromEpochDay);

describe("parseCivilDate", () => {
  it.each(["2026-01-31", "2024-02-29", "2000-02-29", "1900-01-01", "9999-12-31"])(
    "accepts %s",
    (text) => {
      expect(parseCivilDate(text, "start")).toEqual({ ok: true, value: text });
    },
  );

  it.each([
    "2026-1-5",
    "2026-01-5",
    "26-01-05",
    "2026/01/05",
    "2026-01-05T00:00:00Z",
    " 2026-01-05",
    "2026-01-05\n",
    "",
    "２０２６-01-05",
  ])("refuses the format of %j", (text) => {
    expect(parseCivilDate(text, "start")).toEqual({
      ok: false,
      error: { code: "date.format", field: "start", message: "start must be a date YYYY-MM-DD" },
    });
  });

  it.each([20260105, null, undefined, {}, ["2026-01-05"]])("refuses the non-string %j", (value) => {
    const result = parseCivilDate(value, "end");
    expect(result.ok ? "" : result.error.code).toBe("date.format");
  });

  it.each([
    "2026-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "2026-01-00",
    "1899-12-31",
    "1900-02-29",
    "0000-01-01",
  ])("refuses the impossible date %s", (text) => {
    const result = parseCivilDate(text, "dates[2]");
    expect(result).toMatchObject({ ok: false, error: { code: "date.invalid", field: "dates[2]" } });
  });
});

describe("leap years and month lengths", () => {
  it("follows the Gregorian rule", () => {
    expect([2024, 2000, 2400, 1996].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([2026, 1900, 2100, 2023].map(isLeapYear)).toEqual([false, false, false, false]);
  });

  it("knows each month's length", () => {
    const lengths2026 = Array.from({ length: 12 }, (_, i) => daysInMonth(2026, i + 1));
    expect(lengths2026).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it("asserts on a month outside 1..12", () => {
    expect(() => daysInMonth(2026, 0)).toThrow(InvariantError);
    expect(() => daysInMonth(2026, 13)).toThrow(InvariantError);
  });
});

describe("epoch days", () => {
  it("counts from 1970-01-01", () => {
    expect(toEpochDay("1970-01-01")).toBe(0);
    expect(toEpochDay("1970-01-02")).toBe(1);
    expect(toEpochDay("1969-12-31")).toBe(-1);
    expect(toEpochDay("2000-03-01")).toBe(11017);
    expect(toEpochDay("2026-01-01")).toBe(20454);
    expect(toEpochDay("1900-01-01")).toBe(-25567);
    expect(toEpochDay("9999-12-31")).toBe(2932896);
    expect(fromEpochDay(20454)).toBe("2026-01-01");
    expect(fromEpochDay(19782)).toBe("2024-02-29");
    expect(fromEpochDay(-25567)).toBe("1900-01-01");
  });

  it("round-trips every date: fromEpochDay(toEpochDay(d)) = d", () => {
    fc.assert(
      fc.property(anyDate, (date) => fromEpochDay(toEpochDay(date)) === date),
      runs,
    );
  });

  it("orders strings exactly as it orders days", () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(compareDates(a, b)).toBe(Math.sign(toEpochDay(a) - toEpochDay(b)));
      }),
      runs,
    );
  });

  it("asserts when a computed date leaves 1900..9999", () => {
    expect(() => fromEpochDay(epochDayMax + 1)).toThrow(InvariantError);
    expect(() => addDays("1900-01-01", -1)).toThrow(InvariantError);
    expect(() => makeDate(10000, 1, 1)).toThrow(InvariantError);
  });
});

describe("day arithmetic", () => {
  it("adds and subtracts days across months, years and leap days", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-01-31", 0)).toBe("2026-01-31");
    expect(addDays("2026-01-01", 365)).toBe("2027-01-01");
    expect(addDays("2024-01-01", 366)).toBe("2025-01-01");
  });

  it("measures b − a, negative when b is earlier", () => {
    expect(daysBetween("2025-12-31", "2026-01-01")).toBe(1);
    expect(daysBetween("2026-01-01", "2025-12-31")).toBe(-1);
    expect(daysBetween("2026-01-15", "2026-01-15")).toBe(0);
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(daysBetween("2023-06-15", "2026-06-15")).toBe(1096);
    expect(daysBetween("1900-01-01", "2000-01-01")).toBe(36524);
    expect(daysBetween("2000-01-01", "2100-01-01")).toBe(36525);
  });

  it("addDays(d, daysBetween(d, e)) = e", () => {
    fc.assert(
      fc.property(anyDate, anyDate, (d, e) => addDays(d, daysBetween(d, e)) === e),
      runs,
    );
  });

  it("compares dates", () => {
    expect(compareDates("2026-01-31", "2026-02-01")).toBe(-1);
    expect(compareDates("2026-02-01", "2026-01-31")).toBe(1);
    expect(compareDates("2026-02-01", "2026-02-01")).toBe(0);
  });

  it("names ISO weekdays", () => {
    expect(weekday("1970-01-01")).toBe(4);
    expect(weekday("2026-01-01")).toBe(4);
    expect(weekday("2026-01-03")).toBe(6);
    expect(weekday("2026-01-04")).toBe(7);
    expect(weekday("2026-01-05")).toBe(1);
    expect(weekday("1969-12-29")).toBe(1);
    expect(weekday("1900-01-01")).toBe(1);
  });

  it("steps weekdays by one each day", () => {
    fc.assert(
      fc.property(fc.integer({ min: epochDayMin, max: epochDayMax - 1 }), (n) => {
        const today = weekday(fromEpochDay(n));
        expect(weekday(fromEpochDay(n + 1))).toBe((today % 7) + 1);
      }),
      runs,
    );
  });
});

describe("addMonthsAnchored and dueDates", () => {
  it("clamps to the month end from the original day: Jan 31 → Feb 28 → Mar 31 → Apr 30", () => {
    expect(addMonthsAnchored("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonthsAnchored("2026-01-31", 2)).toBe("2026-03-31");
    expect(addMonthsAnchored("2026-01-31", 3)).toBe("2026-04-30");
    expect(addMonthsAnchored("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonthsAnchored("2026-01-30", 1)).toBe("2026-02-28");
    expect(addMonthsAnchored("2026-01-15", 1)).toBe("2026-02-15");
    expect(addMonthsAnchored("2026-11-30", 3)).toBe("2027-02-28");
    expect(addMonthsAnchored("2026-12-31", 1)).toBe("2027-01-31");
    expect(addMonthsAnchored("2026-03-31", -1)).toBe("2026-02-28");
    expect(addMonthsAnchored("2026-03-31", 0)).toBe("2026-03-31");
  });

  it("anchors a leap-day origination to the 29th", () => {
    expect(addMonthsAnchored("2024-02-29", 1)).toBe("2024-03-29");
    expect(addMonthsAnchored("2024-02-29", 12)).toBe("2025-02-28");
    expect(addMonthsAnchored("2024-02-29", 48)).toBe("2028-02-29");
    expect(dueDates("2024-02-29", 3)).toEqual(["2024-03-29", "2024-04-29", "2024-05-29"]);
  });

  it("lists due dates from origination + 1 month", () => {
    expect(dueDates("2026-01-31", 6)).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
      "2026-06-30",
      "2026-07-31",
    ]);
    expect(dueDates("2023-12-31", 3)).toEqual(["2024-01-31", "2024-02-29", "2024-03-31"]);
    expect(dueDates("2026-10-15", 4)).toEqual([
      "2026-11-15",
      "2026-12-15",
      "2027-01-15",
      "2027-02-15",
    ]);
    expect(dueDates("2026-01-31", 0)).toEqual([]);
  });

  it("asserts on a non-integer month count or a negative installment count", () => {
    expect(() => addMonthsAnchored("2026-01-31", 1.5)).toThrow(InvariantError);
    expect(() => dueDates("2026-01-31", -1)).toThrow(InvariantError);
  });

  it("never exceeds the month length and keeps the anchor day when the month has it", () => {
    fc.assert(
      fc.property(midDate, fc.integer({ min: -600, max: 600 }), (anchor, months) => {
        const result = addMonthsAnchored(anchor, months);
        const [y, m, d] = result.split("-").map(Number) as [number, number, number];
        const anchorDay = Number(anchor.slice(8));
        expect(parseCivilDate(result, "result").ok).toBe(true);
        expect(d).toBeLessThanOrEqual(daysInMonth(y, m));
        expect(d).toBe(Math.min(anchorDay, daysInMonth(y, m)));
        const anchorMonthIndex = Number(anchor.slice(0, 4)) * 12 + Number(anchor.slice(5, 7));
        expect(y * 12 + m - anchorMonthIndex).toBe(months);
      }),
      runs,
    );
  });

  it("gives dueDates strictly increasing and equal to addMonthsAnchored", () => {
    fc.assert(
      fc.property(midDate, fc.integer({ min: 0, max: 120 }), (origination, count) => {
        const dates: CivilDate[] = dueDates(origination, count);
        expect(dates).toHaveLength(count);
        dates.forEach((date, k) => {
          expect(date).toBe(addMonthsAnchored(origination, k + 1));
          expect(compareDates(k === 0 ? origination : (dates[k - 1] as CivilDate), date)).toBe(-1);
        });
      }),
      { numRuns: 2_000 },
    );
  });
});
