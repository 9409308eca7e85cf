import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../result.js";
import { addDays, fromEpochDay, toEpochDay } from "./civil-date.js";
import {
  civilDateAt,
  formatInstant,
  type Instant,
  instantAt,
  isValidTimeZone,
  localTimeAt,
  parseInstant,
  startOfDay,
} from "./instant.js";

/** Parses a literal that the test knows is valid. */
function at(text: string): Instant {
  const result = parseInstant(text, "at");
  if (!result.ok) throw new Error(`bad test literal ${text}`);
  return result.value;
}

const newYork = "America/New_York";
const zones = [
  "Asia/Shanghai",
  newYork,
  "Europe/London",
  "America/Santiago", // DST starts at midnight: some days begin at 01:00
  "Australia/Lord_Howe", // a 30-minute DST shift
  "Asia/Kolkata",
  "Pacific/Chatham", // +12:45 / +13:45
  "America/St_Johns", // −03:30 with DST
  "UTC",
];
const dayMs = 86_400_000;
/** 1970-01-01 .. 2100-12-31: where time-zone data is meaningful. */
const tzDate = fc.integer({ min: 0, max: toEpochDay("2100-12-31") }).map(fromEpochDay);
const tzInstant = fc.integer({ min: 0, max: toEpochDay("2100-12-31") * dayMs });

describe("parseInstant", () => {
  it("reads offsets and Z", () => {
    expect(at("2026-02-10T09:00:00+08:00")).toBe(1_770_685_200_000);
    expect(at("2026-02-10T01:00:00Z")).toBe(1_770_685_200_000);
    expect(at("2026-03-20T14:30:00Z")).toBe(Date.UTC(2026, 2, 20, 14, 30));
    expect(at("2026-03-20T09:30:00-05:00")).toBe(at("2026-03-20T14:30:00Z"));
    expect(at("2026-03-20T20:15:00+05:45")).toBe(at("2026-03-20T14:30:00Z"));
    expect(at("2026-01-01T07:00:00+08:00")).toBe(at("2025-12-31T23:00:00Z"));
    expect(at("1970-01-01T00:00:00Z")).toBe(0);
    expect(at("2026-03-20T14:30Z")).toBe(at("2026-03-20T14:30:00Z"));
  });

  it("reads fractional seconds, dropping digits below a millisecond", () => {
    expect(at("2026-03-20T14:30:00.5Z")).toBe(at("2026-03-20T14:30:00Z") + 500);
    expect(at("2026-03-20T14:30:00.250Z")).toBe(at("2026-03-20T14:30:00Z") + 250);
    expect(at("2026-03-20T14:30:00.123456789Z")).toBe(at("2026-03-20T14:30:00Z") + 123);
  });

  it.each([
    "2026-03-20T14:30:00",
    "2026-03-20 14:30:00Z",
    "2026-03-20",
    "2026-03-20T14:30:00+0800",
    "2026-03-20T14:30:00+08",
    "2026-03-20T14:30:00.Z",
    "2026-03-20T14:30:00.1234567890Z",
    "2026-03-20t14:30:00z",
    "",
  ])("refuses %j without a well-formed offset", (text) => {
    expect(parseInstant(text, "events[3].at")).toEqual({
      ok: false,
      error: {
        code: "instant.format",
        field: "events[3].at",
        message: "events[3].at must be an ISO 8601 time with an offset or Z",
      },
    });
  });

  it("refuses a non-string", () => {
    expect(parseInstant(1_770_685_200_000, "at")).toMatchObject({
      error: { code: "instant.format" },
    });
  });

  it.each([
    "2026-02-30T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-03-20T24:00:00Z",
    "2026-03-20T23:60:00Z",
    "2026-12-31T23:59:60Z",
    "2026-03-20T10:00:00+18:30",
    "2026-03-20T10:00:00+08:60",
    "1899-12-31T23:00:00Z",
  ])("refuses the impossible %s", (text) => {
    expect(parseInstant(text, "at")).toMatchObject({
      ok: false,
      error: { code: "instant.invalid" },
    });
  });
});

describe("formatInstant", () => {
  it("writes UTC to the second, with milliseconds only when non-zero", () => {
    expect(formatInstant(at("2026-03-20T22:30:00+08:00"))).toBe("2026-03-20T14:30:00Z");
    expect(formatInstant(at("2026-03-20T14:30:00.250Z"))).toBe("2026-03-20T14:30:00.250Z");
    expect(formatInstant(at("2026-03-20T14:30:00.007Z"))).toBe("2026-03-20T14:30:00.007Z");
    expect(formatInstant(0)).toBe("1970-01-01T00:00:00Z");
    expect(formatInstant(-1)).toBe("1969-12-31T23:59:59.999Z");
  });

  it("asserts on a non-integer instant", () => {
    expect(() => formatInstant(0.5)).toThrow(InvariantError);
    expect(() => formatInstant(Number.NaN)).toThrow(InvariantError);
  });

  it("round-trips through parseInstant, in Z and in any offset", () => {
    const instants = fc.integer({
      min: toEpochDay("1900-01-02") * dayMs,
      max: toEpochDay("9999-12-30") * dayMs,
    });
    const offsets = fc.integer({ min: -18 * 60, max: 18 * 60 });
    fc.assert(
      fc.property(instants, offsets, (instant, offsetMinutes) => {
        expect(at(formatInstant(instant))).toBe(instant);
        expect(formatInstant(instant)).toBe(new Date(instant).toISOString().replace(".000Z", "Z"));
        const sign = offsetMinutes < 0 ? "-" : "+";
        const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0");
        const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, "0");
        const local = formatInstant(instant + offsetMinutes * 60_000).replace(
          "Z",
          `${sign}${hh}:${mm}`,
        );
        expect(at(local)).toBe(instant);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("wall clocks in a zone", () => {
  it("reads the local date and time", () => {
    const instant = at("2026-03-20T14:30:05Z");
    expect(localTimeAt(instant, "Asia/Shanghai")).toEqual({
      date: "2026-03-20",
      hour: 22,
      minute: 30,
      second: 5,
    });
    expect(localTimeAt(instant, newYork)).toEqual({
      date: "2026-03-20",
      hour: 10,
      minute: 30,
      second: 5,
    });
    expect(localTimeAt(at("2026-03-20T16:00:00Z"), "Asia/Shanghai")).toEqual({
      date: "2026-03-21",
      hour: 0,
      minute: 0,
      second: 0,
    });
    expect(civilDateAt(at("2026-03-20T15:59:59Z"), "Asia/Shanghai")).toBe("2026-03-20");
    expect(civilDateAt(at("2026-03-20T16:00:00Z"), "Asia/Shanghai")).toBe("2026-03-21");
    expect(civilDateAt(at("2026-01-01T04:59:59Z"), newYork)).toBe("2025-12-31");
    expect(civilDateAt(at("2026-07-01T00:30:00Z"), "Europe/London")).toBe("2026-07-01");
    expect(civilDateAt(at("2026-01-01T00:30:00Z"), "Europe/London")).toBe("2026-01-01");
    expect(civilDateAt(-1, "UTC")).toBe("1969-12-31");
  });

  it("validates zone names", () => {
    expect(isValidTimeZone("Asia/Shanghai")).toBe(true);
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("Asia/Shanghai; DROP")).toBe(false);
  });
});

describe("instantAt and startOfDay", () => {
  it("finds plain local times", () => {
    expect(formatInstant(startOfDay("2026-02-10", "Asia/Shanghai"))).toBe("2026-02-09T16:00:00Z");
    expect(formatInstant(instantAt("2026-02-10", 9, 0, "Asia/Shanghai"))).toBe(
      "2026-02-10T01:00:00Z",
    );
    expect(formatInstant(startOfDay("2026-01-15", newYork))).toBe("2026-01-15T05:00:00Z");
    expect(formatInstant(startOfDay("2026-07-15", newYork))).toBe("2026-07-15T04:00:00Z");
    expect(formatInstant(startOfDay("2026-01-15", "Europe/London"))).toBe("2026-01-15T00:00:00Z");
    expect(formatInstant(startOfDay("2026-07-15", "Europe/London"))).toBe("2026-07-14T23:00:00Z");
    expect(formatInstant(instantAt("2026-07-15", 8, 0, "Asia/Kolkata"))).toBe(
      "2026-07-15T02:30:00Z",
    );
  });

  it("gives the first instant after a spring-forward gap", () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z; 02:30 never happens.
    expect(formatInstant(instantAt("2026-03-08", 2, 30, newYork))).toBe("2026-03-08T07:00:00Z");
    expect(formatInstant(instantAt("2026-03-08", 2, 0, newYork))).toBe("2026-03-08T07:00:00Z");
    expect(formatInstant(instantAt("2026-03-08", 1, 59, newYork))).toBe("2026-03-08T06:59:00Z");
    expect(formatInstant(instantAt("2026-03-08", 3, 0, newYork))).toBe("2026-03-08T07:00:00Z");
    expect(formatInstant(startOfDay("2026-03-08", newYork))).toBe("2026-03-08T05:00:00Z");
    // London, 2026-03-29: 01:00 GMT jumps to 02:00 BST at 01:00Z.
    expect(formatInstant(instantAt("2026-03-29", 1, 30, "Europe/London"))).toBe(
      "2026-03-29T01:00:00Z",
    );
    // Santiago, 2026-09-06: midnight is skipped, the day starts at 01:00 −03.
    expect(formatInstant(startOfDay("2026-09-06", "America/Santiago"))).toBe(
      "2026-09-06T04:00:00Z",
    );
    // Apia skipped all of 2011-12-30: its "start" is the first instant of 2011-12-31.
    expect(formatInstant(startOfDay("2011-12-30", "Pacific/Apia"))).toBe("2011-12-30T10:00:00Z");
    expect(civilDateAt(startOfDay("2011-12-30", "Pacific/Apia"), "Pacific/Apia")).toBe(
      "2011-12-31",
    );
  });

  it("gives the earlier instant of an ambiguous fall-back time", () => {
    // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00Z; 01:30 happens twice.
    expect(formatInstant(instantAt("2026-11-01", 1, 30, newYork))).toBe("2026-11-01T05:30:00Z");
    expect(formatInstant(instantAt("2026-11-01", 0, 59, newYork))).toBe("2026-11-01T04:59:00Z");
    expect(formatInstant(instantAt("2026-11-01", 2, 0, newYork))).toBe("2026-11-01T07:00:00Z");
    // London, 2026-10-25: 02:00 BST falls back to 01:00 GMT at 01:00Z.
    expect(formatInstant(instantAt("2026-10-25", 1, 30, "Europe/London"))).toBe(
      "2026-10-25T00:30:00Z",
    );
    expect(formatInstant(startOfDay("2026-11-01", newYork))).toBe("2026-11-01T04:00:00Z");
  });

  it("asserts on an impossible hour or minute", () => {
    expect(() => instantAt("2026-03-08", 24, 0, newYork)).toThrow(InvariantError);
    expect(() => instantAt("2026-03-08", 9, 60, newYork)).toThrow(InvariantError);
    expect(() => instantAt("2026-03-08", 9.5, 0, newYork)).toThrow(InvariantError);
  });

  it("starts each day on that day, and the instant before is the day before", () => {
    fc.assert(
      fc.property(tzDate, fc.constantFrom(...zones), (date, zone) => {
        const start = startOfDay(date, zone);
        expect(civilDateAt(start, zone)).toBe(date);
        expect(civilDateAt(start - 1, zone)).toBe(addDays(date, -1));
      }),
      { numRuns: 3_000 },
    );
  });

  it("finds the earliest instant with a given wall clock", () => {
    fc.assert(
      fc.property(tzInstant, fc.constantFrom(...zones), (raw, zone) => {
        const instant = raw - (raw % 60_000);
        const local = localTimeAt(instant, zone);
        const found = instantAt(local.date, local.hour, local.minute, zone);
        expect(found).toBeLessThanOrEqual(instant);
        expect(localTimeAt(found, zone)).toEqual({ ...local, second: 0 });
      }),
      { numRuns: 3_000 },
    );
  });
});
