import type { BorrowerInput } from "../borrower/borrower-input.js";
import { type CivilDate, compareDates, parseCivilDate } from "../calendar/civil-date.js";
import { civilDateAt, type Instant, parseInstant, startOfDay } from "../calendar/instant.js";
import type { JurisdictionPack } from "../jurisdiction/packs.js";
import type { Product } from "../product/product.js";
import type { Result } from "../result.js";
import type { FieldReader } from "../validation/reader.js";

/** What the event readers need to know about the scenario read so far. */
export interface ScenarioContext {
  readonly pack: JurisdictionPack;
  readonly start: CivilDate;
  readonly end: CivilDate;
  readonly products: ReadonlyMap<string, Product>;
  readonly borrowers: ReadonlyMap<string, BorrowerInput>;
  /** Loans originated by earlier events in the file: when, and under which product. */
  readonly loans: Map<string, { readonly at: Instant; readonly product: Product }>;
  /** Idempotency keys seen so far, with the body they came with. */
  readonly keys: Map<string, string>;
}

/**
 * The scenario's `at`: a business date (the start of that day in the lender's time zone) or an
 * instant with an offset. Returns the instant and its business date.
 */
export function readAt(
  r: FieldReader,
  context: Pick<ScenarioContext, "pack" | "start" | "end">,
): { at: Instant; date: CivilDate } | undefined {
  const value = r.value("at");
  const asDate =
    typeof value === "string" && value.length === 10
      ? parseCivilDate(value, r.field("at"))
      : undefined;
  const parsed: Result<Instant> = asDate
    ? asDate.ok
      ? { ok: true, value: startOfDay(asDate.value, context.pack.timeZone) }
      : asDate
    : parseInstant(value, r.field("at"));
  if (!parsed.ok) {
    r.problems.push(parsed.error);
    return undefined;
  }
  const date = civilDateAt(parsed.value, context.pack.timeZone);
  if (compareDates(date, context.start) < 0 || compareDates(date, context.end) > 0) {
    r.problem("event.outside_period", "at", `${r.field("at")} falls outside [start, end]`);
    return undefined;
  }
  return { at: parsed.value, date };
}
