import chineseDays from "chinese-days";
import { describe, expect, it } from "vitest";
import { addDays, type CivilDate, weekday } from "../src/domain/calendar/civil-date.js";
import {
  addBusinessDays,
  cnArrangements,
  coveredYears,
  isBusinessDay,
} from "../src/domain/calendar/cn-business-days.js";

/**
 * The domain holds the CN calendar as literal data (no package import below src/app); this test
 * is what ties that data to an independent source, day by day, for every covered year.
 */

function everyDateOf(year: number): CivilDate[] {
  const dates: CivilDate[] = [];
  for (let date = `${year}-01-01`; date.startsWith(String(year)); date = addDays(date, 1)) {
    dates.push(date);
  }
  return dates;
}

describe("the CN business-day calendar against chinese-days", () => {
  it("covers 2026", () => {
    expect(coveredYears()).toEqual([2026]);
    expect(everyDateOf(2026)).toHaveLength(365);
  });

  it.each(coveredYears())("agrees with isWorkday on every date of %i", (year) => {
    const disagreements = everyDateOf(year).filter((date) => {
      const ours = isBusinessDay(date);
      return !ours.ok || ours.value !== chineseDays.isWorkday(date);
    });
    expect(disagreements).toEqual([]);
  });

  it.each(coveredYears())(
    "lists exactly chinese-days' exceptions to the weekday rule in %i",
    (year) => {
      const dates = everyDateOf(year);
      const isWeekend = (date: CivilDate) => weekday(date) >= 6;
      const arrangement = cnArrangements.find((a) => a.year === year);
      expect(arrangement?.holidays).toEqual(
        dates.filter((d) => !isWeekend(d) && !chineseDays.isWorkday(d)),
      );
      expect(arrangement?.makeUpWorkdays).toEqual(
        dates.filter((d) => isWeekend(d) && chineseDays.isWorkday(d)),
      );
    },
  );

  it("agrees with findWorkday on the next business day after each 2026 date", () => {
    for (const date of everyDateOf(2026).slice(0, 364)) {
      const ours = addBusinessDays(date, 1);
      if (ours.ok) expect(ours.value).toBe(chineseDays.findWorkday(1, date));
    }
  });

  it("knows the 2026 arrangement's landmarks", () => {
    expect(chineseDays.getDayDetail("2026-01-01").work).toBe(false);
    expect(isBusinessDay("2026-01-01")).toEqual({ ok: true, value: false });
    // Weekend days worked in 2026 (调休), per chinese-days and the State Council notice.
    for (const date of ["2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"]) {
      expect(weekday(date)).toBeGreaterThanOrEqual(6);
      expect(chineseDays.isWorkday(date)).toBe(true);
      expect(isBusinessDay(date)).toEqual({ ok: true, value: true });
    }
    expect(isBusinessDay("2026-02-17")).toEqual({ ok: true, value: false }); // 春节初一
  });

  it.each(["2025-06-30", "2025-12-31", "2027-01-01", "2027-06-30"])(
    "refuses %s, where chinese-days would still answer",
    (date) => {
      expect(typeof chineseDays.isWorkday(date)).toBe("boolean");
      expect(isBusinessDay(date)).toMatchObject({
        ok: false,
        error: { code: "calendar.no_data" },
      });
    },
  );

  it("refuses every date of 2025 and 2027", () => {
    const refusals = [...everyDateOf(2025), ...everyDateOf(2027)].map((date) => {
      const result = isBusinessDay(date);
      return result.ok ? "answered" : result.error.code;
    });
    expect(new Set(refusals)).toEqual(new Set(["calendar.no_data"]));
  });
});
