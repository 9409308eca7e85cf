import { describe, expect, it } from "vitest";
import { endedWhere, lastEndedDates } from "./business-dates.js";

describe("business dates per jurisdiction", () => {
  // 2026-11-29 02:00 UTC: 10:00 on the 29th in Shanghai, 21:00 on the 28th in New York.
  const now = Date.UTC(2026, 10, 29, 2);

  it("gives each jurisdiction yesterday in its own time zone", () => {
    expect(lastEndedDates(now)).toEqual([
      { jurisdiction: "CN", timeZone: "Asia/Shanghai", date: "2026-11-28" },
      { jurisdiction: "US", timeZone: "America/New_York", date: "2026-11-27" },
    ]);
  });

  it("says where a date has ended: the 28th in Shanghai, not yet in New York", () => {
    const { ended, open } = endedWhere("2026-11-28", now);
    expect(ended.map((d) => d.jurisdiction)).toEqual(["CN"]);
    expect(open.map((d) => d.jurisdiction)).toEqual(["US"]);
    expect(endedWhere("2026-11-27", now).open).toEqual([]);
    expect(endedWhere("2026-11-29", now).ended).toEqual([]);
  });

  it("ends New York's 25-hour fall-back day at its own midnight, 05:00 UTC", () => {
    // 2026-11-01 began at 04:00 UTC (EDT) and ends at 05:00 UTC on the 2nd (EST).
    const usOpen = (now: number) => endedWhere("2026-11-01", now).open.map((d) => d.jurisdiction);
    expect(usOpen(Date.UTC(2026, 10, 2, 4, 59))).toEqual(["US"]);
    expect(usOpen(Date.UTC(2026, 10, 2, 5, 0))).toEqual([]);
  });
});
