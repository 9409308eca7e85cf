import { describe, expect, it } from "vitest";
import { dailyCloseSchedules, nextRun, parseCloseTime } from "./close-scheduler.js";

describe("close schedule", () => {
  it("reads HH:MM and refuses anything else", () => {
    expect(parseCloseTime("00:30", "Asia/Shanghai")).toEqual({
      hour: 0,
      minute: 30,
      timeZone: "Asia/Shanghai",
    });
    expect(parseCloseTime("24:00", "Asia/Shanghai")).toBeUndefined();
    expect(parseCloseTime("7:30", "Asia/Shanghai")).toBeUndefined();
  });

  it("gives every jurisdiction the time in its own zone", () => {
    expect(dailyCloseSchedules("00:30")).toEqual([
      { hour: 0, minute: 30, timeZone: "Asia/Shanghai", jurisdiction: "CN" },
      { hour: 0, minute: 30, timeZone: "America/New_York", jurisdiction: "US" },
    ]);
    expect(dailyCloseSchedules("0:30")).toBeUndefined();
  });

  it("runs next at the local time, today or tomorrow", () => {
    const schedule = { hour: 0, minute: 30, timeZone: "Asia/Shanghai" };
    // 2026-03-01 12:00 in Shanghai → 2026-03-02 00:30 Shanghai = 2026-03-01T16:30Z.
    expect(nextRun(schedule, Date.UTC(2026, 2, 1, 4))).toBe(Date.UTC(2026, 2, 1, 16, 30));
    // 00:10 Shanghai → 00:30 the same day.
    expect(nextRun(schedule, Date.UTC(2026, 1, 28, 16, 10))).toBe(Date.UTC(2026, 1, 28, 16, 30));
  });

  it("follows daylight saving time where the zone has it", () => {
    const schedule = { hour: 1, minute: 0, timeZone: "America/New_York" };
    // 2026-03-08 is the spring-forward day: 01:00 EST = 06:00Z; the next day 01:00 EDT = 05:00Z.
    expect(nextRun(schedule, Date.UTC(2026, 2, 8, 0))).toBe(Date.UTC(2026, 2, 8, 6));
    expect(nextRun(schedule, Date.UTC(2026, 2, 8, 7))).toBe(Date.UTC(2026, 2, 9, 5));
  });
});
