import type { CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";
import type { LoanState } from "../loan/loan.js";
import type { DecisionInput, RecipientFacts } from "../policy/attempt.js";
import type { HouseRules } from "../policy/house-rules.js";
import type { PolicyPack } from "../policy/policy-pack.js";
import type { Product } from "../product/product.js";
import type { Ladder } from "../strategy/ladder.js";

/**
 * What a forecast is asked about: the loan, the engines' configuration and the facts on file.
 * It lives apart from `forecast.ts` so the modules of the simulation can name it without
 * importing the entry point that imports them.
 */

/** The longest forecast: a year, leap day included (STYLE 10). */
export const forecastDaysMax = 366;

/** One emergency contact of the borrower, as the engine sees them. */
export interface ForecastContactPerson {
  readonly contactId: string;
  readonly recipient: RecipientFacts;
}

export interface ForecastInput {
  readonly loan: LoanState;
  readonly product: Product;
  /** The ladder treating the loan; undefined when nothing is proposed (a settled loan). */
  readonly ladder: Ladder | undefined;
  readonly pack: PolicyPack;
  /** The lender's house rules in force for the pack's jurisdiction, judged as decisions are. */
  readonly house?: HouseRules | undefined;
  /** The borrower as a recipient: `timeZones[0]` is the zone the ladder's times are read in. */
  readonly borrower: RecipientFacts;
  readonly contacts: readonly ForecastContactPerson[];
  /** The facts on file as of the start, exactly as a decision would see them. */
  readonly facts: Pick<DecisionInput, "history" | "consents" | "preferences">;
  /** The first business date forecast. */
  readonly from: CivilDate;
  /** How many dates, 1..`forecastDaysMax`. */
  readonly days: number;
  /**
   * Nothing is judged before this instant (the forecast starts now, partway through `from`):
   * the ladder's steps already due are history or were dropped, and a probe due earlier is made
   * at this instant instead. Undefined: the whole of `from` lies ahead.
   */
  readonly notBefore?: Instant | undefined;
  /**
   * The borrower's processing is restricted or they were erased: every judgement is a deny
   * naming PIPL-RESTRICTED, as `decideAndRecord` makes it (`withRestriction`).
   */
  readonly restricted?: boolean;
}
