import { addDays, type CivilDate, compareDates } from "../../domain/calendar/civil-date.js";
import { civilDateAt, type Instant } from "../../domain/calendar/instant.js";
import { type JurisdictionId, jurisdictionIds, packFor } from "../../domain/jurisdiction/packs.js";

/**
 * Business dates are civil dates in each jurisdiction pack's time zone (DESIGN.md "Daily close"):
 * a date ends at midnight there, so at one instant the Shanghai date may have ended while the
 * New York one has not. Each jurisdiction's loans are closed for the dates that have ended in
 * its own zone.
 */
export interface JurisdictionDate {
  readonly jurisdiction: JurisdictionId;
  readonly timeZone: string;
  readonly date: CivilDate;
}

/** Each jurisdiction's last business date that has ended at `now`: yesterday in its zone. */
export function lastEndedDates(now: Instant): JurisdictionDate[] {
  return jurisdictionIds.map((jurisdiction) => {
    const { timeZone } = packFor(jurisdiction);
    return { jurisdiction, timeZone, date: addDays(civilDateAt(now, timeZone), -1) };
  });
}

/** `date` in every jurisdiction, split by whether it has ended there at `now`. */
export function endedWhere(
  date: CivilDate,
  now: Instant,
): { readonly ended: JurisdictionDate[]; readonly open: JurisdictionDate[] } {
  const all = jurisdictionIds.map((jurisdiction) => ({
    jurisdiction,
    timeZone: packFor(jurisdiction).timeZone,
    date,
  }));
  const hasEnded = (d: JurisdictionDate) => compareDates(date, civilDateAt(now, d.timeZone)) < 0;
  return { ended: all.filter(hasEnded), open: all.filter((d) => !hasEnded(d)) };
}
