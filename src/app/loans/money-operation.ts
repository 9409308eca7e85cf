import { addDays, type CivilDate, compareDates } from "../../domain/calendar/civil-date.js";
import { closeThrough } from "../../domain/close/close-day.js";
import type { LoanState, Parts } from "../../domain/loan/loan.js";
import type { Serviced } from "../../domain/loan/working-loan.js";
import { type Amount, formatAmount, parseAmount } from "../../domain/money/amount.js";
import type { Product } from "../../domain/product/product.js";
import { ConcurrentUpdateError, type OperationRecord, type StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { reportGates } from "../close/report-gate.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult } from "../errors.js";
import { loadLoanProduct } from "../products.js";
import { transact } from "../transact.js";
import { businessDate } from "./business-date.js";
import { type EventView, eventView } from "./event-view.js";
import { type LoanView, loanView } from "./loan-view.js";

/** An idempotency key and the scope it is unique in (the client, the route, the loan). */
export interface Idempotency {
  readonly scope: string;
  readonly key: string;
}

export interface OperationView {
  readonly id: string;
  readonly kind: OperationRecord["kind"];
  readonly amount: string;
  readonly businessDate: string;
  readonly allocated: Record<"late" | "fee" | "interest" | "principal" | "credit", string>;
}

export interface OperationResult {
  readonly operation: OperationView;
  readonly loan: LoanView;
  /** What the operation did: charges that fell due, the payment, schedule changes, settlement. */
  readonly events: readonly EventView[];
  /** True when this answer repeats an earlier request with the same idempotency key. */
  readonly replayed: boolean;
}

export interface OperationRequest {
  readonly loanId: string;
  readonly kind: OperationRecord["kind"];
  /** The decimal amount as the client sent it; absent for a settlement (it pays the quote). */
  readonly amount?: unknown;
  readonly at?: unknown;
  readonly idempotency?: Idempotency;
}

type Apply = (
  loan: LoanState,
  product: Product,
  date: CivilDate,
  amount: Amount,
) => Serviced & { allocated: Parts; paidTotal?: Amount };

/**
 * The shape every money operation shares: in one transaction — replay an idempotent request or
 * refuse a reused key with another body, load the loan and its product, date the operation,
 * apply the domain function, then write the loan, the journal entries, the operation, the audit
 * leaf and the remembered answer together.
 */
export async function moneyOperation(
  ctx: AppContext,
  request: OperationRequest,
  apply: Apply,
): Promise<AppResult<OperationResult>> {
  const fingerprint = ctx.keyring.digest(
    JSON.stringify([request.loanId, request.kind, request.amount ?? null, request.at ?? null]),
  );
  return transact(ctx, async (tx) => {
    const replay = await replayed(tx, request.idempotency, fingerprint);
    if (replay) return replay;
    const loan = await tx.loans.get(request.loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${request.loanId}` });
    const product = await loadLoanProduct(tx, loan.productId);
    const now = ctx.clock.now();
    const dated = businessDate(product.pack, now, request.at, loan.origination);
    const { at } = dated;
    const amount =
      request.kind === "settlement" || request.kind === "waiver"
        ? 0n
        : readAmount(request.amount, product);
    // The closes of the dates before this one come first (DESIGN.md: a day's events precede its
    // close). An operation dated on a business date already closed takes effect on the next.
    const firstOpen = addDays(loan.delinquency.closedThrough, 1);
    const date = compareDates(dated.date, firstOpen) < 0 ? firstOpen : dated.date;
    const gates = await reportGates(tx, [loan], () => product, now);
    const caughtUp = closeThrough(loan, product, addDays(date, -1), gates.get(loan.id));
    const applied = apply(caughtUp.loan, product, date, amount);
    const result = {
      ...applied,
      loan: { ...applied.loan, version: loan.version + 1 },
      entries: [...caughtUp.entries, ...applied.entries],
      events: [...caughtUp.events, ...applied.events],
    };
    const operationId = ctx.ids.next("op");
    const allocated = { ...result.allocated, credit: result.loan.credit - caughtUp.loan.credit };
    const record: OperationRecord = {
      id: operationId,
      loanId: loan.id,
      kind: request.kind,
      amount: result.paidTotal ?? amount,
      businessDate: date,
      at,
      allocated,
      idempotencyKey: request.idempotency?.key,
    };
    await tx.loans.update(result.loan);
    await tx.ledger.append(result.entries, operationId, now);
    await tx.operations.insert(record);
    const money = (x: Amount) => formatAmount(x, product.currency);
    await audit(tx, now, `loan.${request.kind}`, loan.id, {
      operation: operationId,
      amount: money(record.amount),
      date,
      status: result.loan.status,
      version: result.loan.version,
    });
    const response: OperationResult = {
      operation: {
        id: operationId,
        kind: request.kind,
        amount: money(record.amount),
        businessDate: date,
        allocated: {
          late: money(allocated.late),
          fee: money(allocated.fee),
          interest: money(allocated.interest),
          principal: money(allocated.principal),
          credit: money(allocated.credit),
        },
      },
      loan: loanView(result.loan, product),
      events: result.events.map((e) => eventView(e, product.currency)),
      replayed: false,
    };
    if (request.idempotency) {
      const stored = await tx.idempotency.put({
        ...request.idempotency,
        requestHash: fingerprint,
        response: JSON.stringify(response),
        createdAt: now,
      });
      // Another request with the same key committed first: run again, and replay its answer.
      if (!stored) throw new ConcurrentUpdateError("idempotency key taken concurrently");
    }
    return response;
  });
}

async function replayed(
  tx: StoreTx,
  idempotency: Idempotency | undefined,
  fingerprint: string,
): Promise<OperationResult | undefined> {
  if (!idempotency) return undefined;
  const record = await tx.idempotency.get(idempotency.scope, idempotency.key);
  if (!record) return undefined;
  if (record.requestHash !== fingerprint) {
    throw new AppAbort({
      code: "idempotency_conflict",
      message: "this idempotency key was used with a different request",
    });
  }
  return { ...(JSON.parse(record.response) as OperationResult), replayed: true };
}

function readAmount(text: unknown, product: Product): Amount {
  const parsed = parseAmount(text, product.currency, "amount");
  if (!parsed.ok)
    throw new AppAbort({
      code: "invalid_input",
      message: parsed.error.message,
      problems: [parsed.error],
    });
  if (parsed.value === 0n) {
    throw new AppAbort({
      code: "invalid_input",
      message: "amount must be above zero",
      problems: [{ code: "amount.zero", field: "amount", message: "amount must be above zero" }],
    });
  }
  return parsed.value;
}
