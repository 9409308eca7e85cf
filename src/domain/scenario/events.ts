import type { CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import type { Problem } from "../result.js";
import { type FieldReader, readObject } from "../validation/reader.js";
import { idPattern } from "./borrower.js";
import { readAt, type ScenarioContext } from "./context.js";

interface EventBase {
  /** Position in the file: the tie-break for events at the same instant, and the index errors name. */
  readonly index: number;
  readonly at: Instant;
  /** The business date of `at` in the lender's time zone. */
  readonly date: CivilDate;
}

export interface OriginateEvent extends EventBase {
  readonly type: "originate";
  readonly loan: string;
  readonly borrower: string;
  readonly product: Product;
  readonly principal: Amount;
  readonly installments: number;
}

export type ScenarioEvent = OriginateEvent;

/** Event types of ../SCENARIOS.md that this version of fenqi does not run yet: refused, never skipped. */
export const laterEventTypes = [
  "payment",
  "refund",
  "settle",
  "consent",
  "preference",
  "contact",
  "dispute",
  "verification",
  "contact_outcome",
  "hardship",
  "promise",
] as const;

const eventTypes = ["originate", ...laterEventTypes] as const;

/** Reads one event of the file at `path` (`events[3]`), checking it against what came before. */
export function readEvent(
  raw: unknown,
  path: string,
  context: ScenarioContext,
  problems: Problem[],
): ScenarioEvent | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const index = Number(/\[(\d+)\]$/.exec(path)?.[1]);
  const before = problems.length;
  const type = r.choice("type", eventTypes);
  if (problems.length > before) return undefined;
  if (type !== "originate") {
    r.problem(
      "event.unsupported",
      "type",
      `${path}: event type "${type}" is not supported by this version of fenqi simulate`,
    );
    return undefined;
  }
  const when = readAt(r, context);
  const event = readOriginate(r, context);
  r.rejectUnknown();
  if (!when || !event) return undefined;
  return { index, ...when, ...event };
}

function readOriginate(
  r: FieldReader,
  context: ScenarioContext,
): Omit<OriginateEvent, keyof EventBase> | undefined {
  const before = r.problems.length;
  const loan = r.string("loan", idPattern);
  const borrower = r.string("borrower", idPattern);
  const productId = r.string("product", idPattern);
  const installments = r.integer("installments", 1, 360);
  const product = context.products.get(productId);
  const principal = r.amount("principal", product?.currency ?? context.pack.currency);
  if (r.problems.length > before) return undefined;
  if (context.loans.has(loan))
    r.problem("event.duplicate_loan", "loan", `${r.field("loan")} was already originated`);
  if (!context.borrowers.has(borrower))
    r.problem(
      "event.unknown_borrower",
      "borrower",
      `${r.field("borrower")} names no borrower of the scenario`,
    );
  if (!product) {
    r.problem(
      "event.unknown_product",
      "product",
      `${r.field("product")} names no product of the scenario`,
    );
  } else if (!product.installments.includes(installments)) {
    r.problem(
      "event.installments_not_offered",
      "installments",
      `${r.field("installments")}: product ${product.id} offers ${product.installments.join(", ")}`,
    );
  }
  if (principal === 0n)
    r.problem("event.zero_principal", "principal", `${r.field("principal")} must be above zero`);
  if (r.problems.length > before || !product) return undefined;
  context.loans.add(loan);
  return { type: "originate", loan, borrower, product, principal, installments };
}
