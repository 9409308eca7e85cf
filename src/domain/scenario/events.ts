import { idPattern } from "../borrower/borrower-input.js";
import type { CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";
import type { Amount } from "../money/amount.js";
import type { Product } from "../product/product.js";
import type { Problem } from "../result.js";
import { type FieldReader, readObject } from "../validation/reader.js";
import {
  type BorrowerBodyEvent,
  type LoanBodyEvent,
  readConsentEvent,
  readContactEvent,
  readHardshipEvent,
  readOutcomeEvent,
  readPreferenceEvent,
  readPromiseEvent,
} from "./contact-events.js";
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

/** A payment by the borrower or a merchandise refund by the merchant. */
export interface MoneyEvent extends EventBase {
  readonly type: "payment" | "refund";
  readonly loan: string;
  /** The amount exactly as written in the file (a decimal string); it is parsed by the use case. */
  readonly amount: string;
  readonly key: string | undefined;
}

export interface SettleEvent extends EventBase {
  readonly type: "settle";
  readonly loan: string;
}

/** A borrower's consent or choice (`dispute` and `verification` are US preference events). */
export interface ChoiceEvent extends EventBase, BorrowerBodyEvent {
  readonly type: "consent" | "preference" | "dispute" | "verification";
}

/** An agent's contact, its outcome, a promise-to-pay, a hardship measure: about one loan. */
export interface LoanActionEvent extends EventBase, LoanBodyEvent {
  readonly type: "contact" | "contact_outcome" | "promise" | "hardship";
}

export type ScenarioEvent =
  | OriginateEvent
  | MoneyEvent
  | SettleEvent
  | ChoiceEvent
  | LoanActionEvent;

const eventTypes = [
  "originate",
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

const keyPattern = /^[\x21-\x7e]{1,255}$/;

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
  const when = readAt(r, context);
  const body = readBody(type, r, context, when?.at, raw);
  r.rejectUnknown();
  if (!when || !body || problems.length > before) return undefined;
  return { index, ...when, ...body, type } as ScenarioEvent;
}

function readBody(
  type: ScenarioEvent["type"],
  r: FieldReader,
  context: ScenarioContext,
  at: Instant | undefined,
  raw: unknown,
): object | undefined {
  switch (type) {
    case "originate":
      return readOriginate(r, context, at);
    case "settle":
      return readLoanRef(r, context, at);
    case "payment":
    case "refund":
      return readMoney(r, context, at, raw);
    case "consent":
      return readConsentEvent(r, context, raw);
    case "preference":
      return readPreferenceEvent(r, context, raw, undefined);
    case "dispute":
    case "verification":
      return readPreferenceEvent(r, context, raw, type);
    case "contact":
      return readContactEvent(r, readLoanRef(r, context, at)?.loan);
    case "contact_outcome":
      return readOutcomeEvent(r, readLoanRef(r, context, at)?.loan);
    case "promise":
      return readPromiseEvent(r, readLoanRef(r, context, at)?.loan, raw);
    case "hardship":
      return readHardshipEvent(r, readLoanRef(r, context, at)?.loan);
  }
}

function readOriginate(
  r: FieldReader,
  context: ScenarioContext,
  at: Instant | undefined,
): Omit<OriginateEvent, keyof EventBase | "type"> | undefined {
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
  if (r.problems.length > before || !product || at === undefined) return undefined;
  context.loans.set(loan, { at, product });
  return { loan, borrower, product, principal, installments };
}

/** The loan an event acts on: originated earlier in the file, and not later in time. */
function readLoanRef(
  r: FieldReader,
  context: ScenarioContext,
  at: Instant | undefined,
): { loan: string } | undefined {
  const before = r.problems.length;
  const loan = r.string("loan", idPattern);
  if (r.problems.length > before) return undefined;
  const origination = context.loans.get(loan);
  if (!origination) {
    r.problem(
      "event.unknown_loan",
      "loan",
      `${r.field("loan")} names no loan originated earlier in the file`,
    );
    return undefined;
  }
  if (at !== undefined && at < origination.at) {
    r.problem(
      "event.before_origination",
      "at",
      `${r.field("at")} is before the loan's origination`,
    );
    return undefined;
  }
  return { loan };
}

function readMoney(
  r: FieldReader,
  context: ScenarioContext,
  at: Instant | undefined,
  raw: unknown,
): Omit<MoneyEvent, keyof EventBase | "type"> | undefined {
  const ref = readLoanRef(r, context, at);
  const product = ref ? context.loans.get(ref.loan)?.product : undefined;
  const amount = r.amount("amount", product?.currency ?? context.pack.currency);
  if (r.has("amount") && amount === 0n)
    r.problem("event.zero_amount", "amount", `${r.field("amount")} must be above zero`);
  const key = r.has("key") ? r.string("key", keyPattern) : undefined;
  if (key !== undefined && key !== "") {
    // The same key with the same body is one event (a retry); with another body, a mistake.
    const body = JSON.stringify(raw);
    const seen = context.keys.get(key);
    if (seen !== undefined && seen !== body)
      r.problem(
        "event.key_reused",
        "key",
        `${r.field("key")} was used before with a different body`,
      );
    context.keys.set(key, body);
  }
  if (!ref) return undefined;
  return { loan: ref.loan, amount: r.value("amount") as string, key };
}
