import { type CivilDate, compareDates } from "../../domain/calendar/civil-date.js";
import { civilDateAt, parseInstant } from "../../domain/calendar/instant.js";
import type { JurisdictionPack } from "../../domain/jurisdiction/packs.js";
import { AppAbort } from "../errors.js";

/** How far ahead of the server's clock a client's `at` may be: clocks drift, money does not time-travel. */
export const clockSkewMaxMs = 5 * 60_000;

/**
 * The business date of an operation: the civil date, in the pack's time zone, of the instant the
 * client gave (`at`) or of now. An `at` in the future, or before `notBefore`, is refused.
 */
export function businessDate(
  pack: JurisdictionPack,
  now: number,
  at: unknown,
  notBefore: CivilDate,
): { date: CivilDate; at: number } {
  let instant = now;
  if (at !== undefined) {
    const parsed = parseInstant(at, "at");
    if (!parsed.ok)
      throw new AppAbort({
        code: "invalid_input",
        message: parsed.error.message,
        problems: [parsed.error],
      });
    if (parsed.value > now + clockSkewMaxMs) {
      throw new AppAbort({
        code: "invalid_input",
        message: "at: must not be in the future",
        problems: [{ code: "at.future", field: "at", message: "at must not be in the future" }],
      });
    }
    instant = parsed.value;
  }
  const date = civilDateAt(instant, pack.timeZone);
  if (compareDates(date, notBefore) < 0) {
    throw new AppAbort({
      code: "invalid_input",
      message: "at: before the loan's origination",
      problems: [
        {
          code: "at.before_origination",
          field: "at",
          message: "at falls before the loan's origination date",
        },
      ],
    });
  }
  return { date, at: instant };
}
