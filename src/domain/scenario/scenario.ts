import { type BorrowerInput, readBorrower } from "../borrower/borrower-input.js";
import {
  type CivilDate,
  compareDates,
  daysBetween,
  parseCivilDate,
} from "../calendar/civil-date.js";
import { type JurisdictionPack, jurisdictionIds, packFor } from "../jurisdiction/packs.js";
import type { HouseRules } from "../policy/house-rules.js";
import { readHouseRules } from "../policy/house-rules-file.js";
import { policyPackFor } from "../policy/packs.js";
import type { Product } from "../product/product.js";
import { validateProduct } from "../product/validate-product.js";
import type { Problem, Result } from "../result.js";
import { defaultLadderFor } from "../strategy/default-ladders.js";
import type { Ladder } from "../strategy/ladder.js";
import { parseLadderSteps } from "../strategy/parse-ladder.js";
import { type FieldReader, readObject } from "../validation/reader.js";
import type { ScenarioContext } from "./context.js";
import { readEvent, type ScenarioEvent } from "./events.js";

/** A validated scenario: everything resolved, events in the order they run. */
export interface Scenario {
  readonly pack: JurisdictionPack;
  readonly start: CivilDate;
  readonly end: CivilDate;
  /** The ladder that proposes automatic contacts, or undefined for none. */
  readonly strategy: Ladder | undefined;
  /**
   * The lender's house rules over the pack, as `FENQI_HOUSE_RULES` sets them for a running
   * process (one jurisdiction's overlay, the same shape); undefined: the bare pack.
   */
  readonly house?: HouseRules | undefined;
  readonly products: ReadonlyMap<string, Product>;
  readonly borrowers: ReadonlyMap<string, BorrowerInput>;
  /** The product and borrower objects as written, in file order: the simulation registers them through the same use cases as the API. */
  readonly definitions: {
    readonly products: readonly unknown[];
    readonly borrowers: readonly unknown[];
  };
  /** In time order; events at the same instant keep their file order. */
  readonly events: readonly ScenarioEvent[];
}

/** A scenario covers at most 40 years of business dates. */
export const scenarioDaysMax = 14_610;
export const scenarioProductsMax = 1_000;
export const scenarioBorrowersMax = 100_000;
export const scenarioEventsMax = 1_000_000;

/**
 * Validates a scenario file (../SCENARIOS.md) and returns every problem found, each naming its
 * field (`events[3].amount`). Nothing runs unless the whole file is valid.
 */
export function parseScenario(raw: unknown): Result<Scenario, Problem[]> {
  const problems: Problem[] = [];
  const r = readObject(raw, "", problems);
  if (!r) return { ok: false, error: problems };
  const root = new RootReader(r);
  const pack = packFor(r.choice("jurisdiction", jurisdictionIds, "CN"));
  const start = root.date("start");
  const end = root.date("end");
  if (
    start &&
    end &&
    (compareDates(start, end) > 0 || daysBetween(start, end) >= scenarioDaysMax)
  ) {
    r.problem(
      "scenario.period",
      "end",
      `end must be on or after start and within ${scenarioDaysMax} days of it`,
    );
  }
  const strategy = readStrategy(r, pack);
  const houseRaw = r.value("house");
  const house =
    houseRaw === undefined ? undefined : readHouseRules(houseRaw, "house", pack.id, problems);
  const products = root.keyed("products", scenarioProductsMax, (e, p) => {
    const result = validateProduct(e, pack, p);
    if (!result.ok) problems.push(...result.error);
    return result.ok ? result.value : undefined;
  });
  const borrowers = root.keyed("borrowers", scenarioBorrowersMax, (e, p) =>
    readBorrower(e, p, problems),
  );
  r.value("events"); // read below, once products and borrowers are known
  r.rejectUnknown();
  if (problems.length || !start || !end) return { ok: false, error: problems };

  const context: ScenarioContext = {
    pack,
    start,
    end,
    products,
    borrowers,
    loans: new Map(),
    keys: new Map(),
  };
  const events = r.array("events", (e, p) => readEvent(e, p, context, problems));
  if (events.length > scenarioEventsMax) {
    r.problem("scenario.events", "events", `events holds at most ${scenarioEventsMax}`);
  }
  if (problems.length) return { ok: false, error: problems };
  events.sort((a, b) => a.at - b.at || a.index - b.index);
  const definitions = {
    products: arrayOf(r.value("products")),
    borrowers: arrayOf(r.value("borrowers")),
  };
  return {
    ok: true,
    value: { pack, start, end, strategy, house, products, borrowers, definitions, events },
  };
}

/**
 * The scenario's strategy: `"default"` (the pack's ladder), `null` or absent (no automatic
 * contacts), or an inline ladder of steps.
 */
function readStrategy(r: FieldReader, pack: JurisdictionPack): Ladder | undefined {
  const strategy = r.value("strategy");
  if (strategy === undefined || strategy === null) return undefined;
  if (strategy === "default") return defaultLadderFor(pack.id);
  if (!Array.isArray(strategy)) {
    r.problem("field.type", "strategy", 'strategy must be "default", null or an array of steps');
    return undefined;
  }
  const steps = parseLadderSteps(strategy, "strategy", policyPackFor(pack.id));
  if (!steps.ok) {
    r.problems.push(...steps.error);
    return undefined;
  }
  return { id: "scenario", version: 1, steps: steps.value };
}

class RootReader {
  constructor(private readonly r: FieldReader) {}

  date(key: string): CivilDate | undefined {
    const parsed = parseCivilDate(this.r.value(key), this.r.field(key));
    if (parsed.ok) return parsed.value;
    this.r.problems.push(parsed.error);
    return undefined;
  }

  /** An array of objects with unique `id`s, as a map in file order. */
  keyed<T extends { readonly id: string }>(
    key: string,
    max: number,
    each: (element: unknown, path: string) => T | undefined,
  ): Map<string, T> {
    const byId = new Map<string, T>();
    const items = this.r.array(
      key,
      (element, path) => {
        const item = each(element, path);
        if (item && byId.has(item.id)) {
          const field = `${path}.id`;
          this.r.problems.push({
            code: "scenario.duplicate_id",
            field,
            message: `${field} repeats an earlier id`,
          });
        }
        if (item) byId.set(item.id, item);
        return item;
      },
      [],
    );
    if (items.length > max) this.r.problem("scenario.too_many", key, `${key} holds at most ${max}`);
    return byId;
  }
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
