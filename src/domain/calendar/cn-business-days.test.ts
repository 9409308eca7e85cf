import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../result.js";
import { addDays, type CivilDate, fromEpochDay, toEpochDay, weekday } from "./civil-date.js";
import {
  addBusinessDays,
  businessDaysBetween,
  calendarVersion,
  cnArrangements,
  coveredYears,
  isBusinessDay,
} from "./cn-business-days.js";

function value<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`unexpected refusal ${JSON.stringify(result.error)}`);
  return result.value;
}

const first2026 = toEpochDay("2026-01-01");
const date2026 = fc.integer({ min: first2026, max: toEpochDay("2026-12-31") }).map(fromEpochDay);

describe("the CN calendar data", () => {
  it("is version CN-2026.1 and covers 2026 only", () => {
    expect(calendarVersion).toBe("CN-2026.1");
    expect(coveredYears()).toEqual([2026]);
    expect(cnArrangements.map((a) => a.year)).toEqual([2026]);
  });

  it("holds 19 weekday holidays and 6 make-up workdays for 2026", () => {
    const [cn2026] = cnArrangements;
    expect(cn2026?.holidays).toHaveLength(19);
    expect(cn2026?.makeUpWorkdays).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
    expect(cn2026?.source).toContain("2026年部分节假日安排");
  });

  it("has 248 business days in 2026 (261 weekdays − 19 holidays + 6 make-up days)", () => {
    const days = Array.from({ length: 365 }, (_, i) => fromEpochDay(first2026 + i));
    expect(days.filter((d) => value(isBusinessDay(d))).length).toBe(248);
  });
});

describe("isBusinessDay", () => {
  it.each([
    ["2026-01-01", false, "元旦 (Thursday)"],
    ["2026-01-02", false, "元旦 rest day (Friday)"],
    ["2026-01-03", false, "Saturday"],
    ["2026-01-04", true, "Sunday worked for 元旦"],
    ["2026-01-05", true, "ordinary Monday"],
    ["2026-02-14", true, "Saturday worked for 春节"],
    ["2026-02-16", false, "春节 (Monday)"],
    ["2026-02-23", false, "春节 (Monday)"],
    ["2026-02-24", true, "first day back after 春节"],
    ["2026-02-28", true, "Saturday worked for 春节"],
    ["2026-03-01", false, "ordinary Sunday"],
    ["2026-04-06", false, "清明 (Monday)"],
    ["2026-05-01", false, "劳动节 (Friday)"],
    ["2026-05-09", true, "Saturday worked for 劳动节"],
    ["2026-06-19", false, "端午 (Friday)"],
    ["2026-09-20", true, "Sunday worked for 国庆"],
    ["2026-09-25", false, "中秋 (Friday)"],
    ["2026-10-01", false, "国庆 (Thursday)"],
    ["2026-10-07", false, "国庆 (Wednesday)"],
    ["2026-10-08", true, "first day back after 国庆"],
    ["2026-10-10", true, "Saturday worked for 国庆"],
    ["2026-12-31", true, "ordinary Thursday"],
  ] as const)("%s is business day: %s (%s)", (date, expected, _why) => {
    expect(isBusinessDay(date)).toEqual({ ok: true, value: expected });
  });

  it.each(["2025-12-31", "2027-01-01", "2027-01-04", "1999-10-01"])(
    "refuses %s, a year without data, naming the year",
    (date) => {
      const result = isBusinessDay(date, "dueDate");
      expect(result).toMatchObject({
        ok: false,
        error: { code: "calendar.no_data", field: "dueDate" },
      });
      expect(result.ok ? "" : result.error.message).toContain(date.slice(0, 4));
    },
  );

  it("agrees with the weekday rule except on listed dates", () => {
    const [cn2026] = cnArrangements;
    const listed = new Set<CivilDate>([
      ...(cn2026?.holidays ?? []),
      ...(cn2026?.makeUpWorkdays ?? []),
    ]);
    fc.assert(
      fc.property(date2026, (date) => {
        const byWeekday = weekday(date) <= 5;
        expect(value(isBusinessDay(date))).toBe(listed.has(date) ? !byWeekday : byWeekday);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("addBusinessDays", () => {
  it("walks over weekends and holidays", () => {
    expect(addBusinessDays("2026-01-05", 0)).toEqual({ ok: true, value: "2026-01-05" });
    expect(addBusinessDays("2026-01-03", 0)).toEqual({ ok: true, value: "2026-01-03" });
    expect(addBusinessDays("2026-01-05", 1)).toEqual({ ok: true, value: "2026-01-06" });
    expect(addBusinessDays("2026-01-09", 1)).toEqual({ ok: true, value: "2026-01-12" });
    expect(addBusinessDays("2025-12-31", 0)).toMatchObject({ ok: false });
    expect(addBusinessDays("2026-01-01", 1)).toEqual({ ok: true, value: "2026-01-04" });
    expect(addBusinessDays("2026-02-13", 1)).toEqual({ ok: true, value: "2026-02-14" });
    expect(addBusinessDays("2026-02-14", 1)).toEqual({ ok: true, value: "2026-02-24" });
    expect(addBusinessDays("2026-09-30", 1)).toEqual({ ok: true, value: "2026-10-08" });
    expect(addBusinessDays("2026-09-30", 2)).toEqual({ ok: true, value: "2026-10-09" });
    expect(addBusinessDays("2026-09-30", 3)).toEqual({ ok: true, value: "2026-10-10" });
    expect(addBusinessDays("2026-01-01", 248)).toEqual({ ok: true, value: "2026-12-31" });
  });

  it("refuses a walk that leaves the covered years", () => {
    const result = addBusinessDays("2026-12-31", 1, "graceEnd");
    expect(result).toMatchObject({
      ok: false,
      error: { code: "calendar.no_data", field: "graceEnd" },
    });
    expect(result.ok ? "" : result.error.message).toContain("2027");
    expect(addBusinessDays("2026-12-30", 1)).toEqual({ ok: true, value: "2026-12-31" });
    expect(addBusinessDays("2026-06-01", 10_000)).toMatchObject({
      error: { code: "calendar.no_data" },
    });
  });

  it("asserts on a negative or fractional count", () => {
    expect(() => addBusinessDays("2026-06-01", -1)).toThrow(InvariantError);
    expect(() => addBusinessDays("2026-06-01", 1.5)).toThrow(InvariantError);
  });
});

describe("businessDaysBetween", () => {
  it("counts business days in (a, b], negative when b is earlier", () => {
    expect(businessDaysBetween("2026-09-30", "2026-10-08")).toEqual({ ok: true, value: 1 });
    expect(businessDaysBetween("2026-10-08", "2026-09-30")).toEqual({ ok: true, value: -1 });
    expect(businessDaysBetween("2026-01-05", "2026-01-05")).toEqual({ ok: true, value: 0 });
    expect(businessDaysBetween("2026-01-03", "2026-01-02")).toEqual({ ok: true, value: 0 });
    expect(businessDaysBetween("2026-01-05", "2026-01-12")).toEqual({ ok: true, value: 5 });
    expect(businessDaysBetween("2026-01-01", "2026-12-31")).toEqual({ ok: true, value: 248 });
    expect(businessDaysBetween("2026-02-13", "2026-02-27")).toEqual({ ok: true, value: 5 });
  });

  it("refuses when either end lies outside the covered years", () => {
    expect(businessDaysBetween("2025-12-31", "2026-01-05")).toMatchObject({
      error: { code: "calendar.no_data" },
    });
    expect(businessDaysBetween("2026-12-01", "2027-01-05")).toMatchObject({
      error: { code: "calendar.no_data" },
    });
    expect(businessDaysBetween("2027-01-05", "2026-12-01")).toMatchObject({
      error: { code: "calendar.no_data" },
    });
  });

  it("inverts addBusinessDays", () => {
    fc.assert(
      fc.property(date2026, fc.integer({ min: 0, max: 60 }), (date, count) => {
        const later = addBusinessDays(date, count);
        if (!later.ok) return; // the walk ran into 2027: refused, as required
        expect(value(businessDaysBetween(date, later.value))).toBe(count);
        expect(value(businessDaysBetween(later.value, date))).toBe(count === 0 ? 0 : -count);
        if (count > 0) expect(value(isBusinessDay(later.value))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("adds up over consecutive intervals", () => {
    fc.assert(
      fc.property(date2026, date2026, date2026, (a, b, c) => {
        const ab = value(businessDaysBetween(a, b));
        const bc = value(businessDaysBetween(b, c));
        expect(value(businessDaysBetween(a, c))).toBe(ab + bc);
      }),
      { numRuns: 500 },
    );
  });

  it("counts each business day once", () => {
    fc.assert(
      fc.property(date2026, (date) => {
        const next = addDays(date, 1);
        if (next > "2026-12-31") return;
        expect(value(businessDaysBetween(date, next))).toBe(value(isBusinessDay(next)) ? 1 : 0);
      }),
      { numRuns: 1_000 },
    );
  });
});
