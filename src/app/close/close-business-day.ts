import type { CivilDate } from "../../domain/calendar/civil-date.js";
import { closeThrough } from "../../domain/close/close-day.js";
import { quietThrough } from "../../domain/close/quiet.js";
import type { JurisdictionId } from "../../domain/jurisdiction/packs.js";
import type { JournalEntry } from "../../domain/ledger/journal.js";
import { changedInstallments, type LoanState } from "../../domain/loan/loan.js";
import type { Product } from "../../domain/product/product.js";
import { assert } from "../../domain/result.js";
import type { AuditLeafInput, IdRange, StoreTx } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import type { AppResult } from "../errors.js";
import { type EventView, eventView } from "../loans/event-view.js";
import { loadLoanProduct } from "../products.js";
import { transact } from "../transact.js";
import { reportGates } from "./report-gate.js";

/** Loans closed per transaction: large enough to amortize the statements, small enough to commit often. */
export const closeBatchSize = 1000;

/**
 * Loans (of any status) one set-based quiet close walks per transaction: the statement is cheap
 * per row, so chunks are large, yet bounded so that a portfolio's close never holds the write
 * lock (SQLite) or one transaction open (PostgreSQL) for the whole table.
 */
export const quietChunkSize = 50_000;

export interface CloseOptions {
  /** Only loans with ids in the range: a partition of the portfolio. */
  readonly range?: IdRange;
  /**
   * Only loans under products of this jurisdiction, whose business date `date` is (each pack's
   * time zone ends its dates; see `closableDates`). Absent: every loan.
   */
  readonly jurisdiction?: JurisdictionId;
  readonly batchSize?: number;
  /** Loans walked per set-based quiet chunk (default `quietChunkSize`). */
  readonly quietChunkSize?: number;
  /** Called after each committed batch with the loans closed so far. */
  readonly onBatch?: (closed: number) => void;
  /** Collect every event (for a simulation; a portfolio close keeps only the counts). */
  readonly collectEvents?: boolean;
}

export interface CloseReport {
  readonly date: CivilDate;
  /** Every loan closed through the date by this run, quietly or in the domain step. */
  readonly loans: number;
  /** Of those, the loans whose close only counted, closed set-based (see `quietThrough`). */
  readonly quiet: number;
  readonly batches: number;
  readonly events: readonly EventView[];
}

/**
 * The daily close of business date D for every open or charged-off loan not yet closed through
 * D (in a partition, when given). First the quiet closes: loans the close judged, when it last
 * read them, to have nothing happen on D (src/domain/close/quiet.ts) are closed set-based, a
 * chunk of ids per statement. Then every other loan is caught up through D in the pure domain
 * step, and each batch is written in one transaction — loans, installments, journal entries and
 * audit leaves with a constant number of statements, never a query per loan. A crash loses at
 * most the chunk or batch in flight; running again continues where it stopped and gives the same
 * state as an uninterrupted run, and running a closed date again changes nothing.
 */
export async function closeBusinessDay(
  ctx: AppContext,
  date: CivilDate,
  options: CloseOptions = {},
): Promise<AppResult<CloseReport>> {
  const products = new Map<string, Product>();
  const events: EventView[] = [];
  const quiet = await closeQuietDates(ctx, date, options);
  if (!quiet.ok) return quiet;
  let after = options.range?.after;
  let loans = quiet.value;
  let batches = 0;
  for (;;) {
    const batch = await transact(ctx, (tx) =>
      closeBatch(ctx, tx, date, { ...options.range, after }, options, products),
    );
    if (!batch.ok) return batch;
    if (batch.value.closed === 0) break;
    after = batch.value.last;
    loans += batch.value.closed;
    batches++;
    if (options.collectEvents) events.push(...batch.value.events);
    options.onBatch?.(loans);
  }
  return { ok: true, value: { date, loans, quiet: quiet.value, batches, events } };
}

/**
 * The set-based close of D over the range, in chunks of `quietChunkSize` ids, each chunk in its
 * own transaction with an audit leaf saying how many loans it closed. A chunk that finds nothing
 * to close (run again, or nothing quiet) writes nothing.
 */
async function closeQuietDates(
  ctx: AppContext,
  date: CivilDate,
  options: CloseOptions,
): Promise<AppResult<number>> {
  const range = options.range ?? {};
  const size = options.quietChunkSize ?? quietChunkSize;
  // A chunk of 0 would end where it starts, and the walk would never move on.
  assert(Number.isInteger(size) && size >= 1, `quietChunkSize must be at least 1, got ${size}`);
  let chunk: IdRange = range;
  let closed = 0;
  for (;;) {
    const step = await transact(ctx, async (tx) => {
      const end = await tx.loans.idAtOffset(chunk, size);
      const below = end !== undefined && (range.below === undefined || end < range.below);
      const within: IdRange = below ? { ...chunk, below: end } : chunk;
      const count = await tx.loans.closeQuietDate(date, within, options.jurisdiction);
      if (count > 0) {
        await tx.audit.appendMany([
          {
            at: ctx.clock.now(),
            kind: "close.quiet",
            subject: date,
            data: {
              jurisdiction: options.jurisdiction ?? null,
              loans: count,
              from: within.from ?? null,
              after: within.after ?? null,
              below: within.below ?? null,
            },
          },
        ]);
      }
      return { count, next: below ? end : undefined };
    });
    if (!step.ok) return step;
    closed += step.value.count;
    if (step.value.count > 0) options.onBatch?.(closed);
    if (step.value.next === undefined) return { ok: true, value: closed };
    chunk = { from: step.value.next, below: range.below };
  }
}

interface BatchResult {
  readonly closed: number;
  readonly last: string | undefined;
  readonly events: readonly EventView[];
}

async function closeBatch(
  ctx: AppContext,
  tx: StoreTx,
  date: CivilDate,
  range: IdRange,
  options: CloseOptions,
  products: Map<string, Product>,
): Promise<BatchResult> {
  const loans = await tx.loans.listForClose(
    date,
    range,
    options.batchSize ?? closeBatchSize,
    options.jurisdiction,
  );
  if (loans.length === 0) return { closed: 0, last: undefined, events: [] };
  const now = ctx.clock.now();
  const updated: LoanState[] = [];
  const changed = new Map<string, readonly number[]>();
  const quiet = new Map<string, CivilDate>();
  const ledger: { entries: readonly JournalEntry[]; operationId: string }[] = [];
  const leaves: AuditLeafInput[] = [];
  const events: EventView[] = [];
  for (const loan of loans) await productOf(tx, loan.productId, products);
  const product = (loan: LoanState) => products.get(loan.productId) as Product;
  const gates = await reportGates(tx, loans, product, now);
  for (const loan of loans) {
    const closed = closeThrough(loan, product(loan), date, gates.get(loan.id));
    updated.push({ ...closed.loan, version: loan.version + 1 });
    quiet.set(loan.id, quietThrough(closed.loan, product(loan)));
    const installments = changedInstallments(loan.installments, closed.loan.installments);
    if (installments) changed.set(loan.id, installments);
    if (closed.entries.length)
      ledger.push({ entries: closed.entries, operationId: `close:${date}:${loan.id}` });
    if (closed.events.length) {
      const views = closed.events.map((e) => eventView(e, product(loan).currency));
      if (options.collectEvents) events.push(...views);
      const { dpd, bucket } = closed.loan.delinquency;
      leaves.push({
        at: now,
        kind: "loan.closed",
        subject: loan.id,
        data: {
          date,
          dpd,
          bucket,
          status: closed.loan.status,
          events: views.map((v) => v.type).join(","),
        },
      });
    }
  }
  await tx.loans.updateMany(updated, { changedInstallments: changed, quietThrough: quiet });
  await tx.ledger.appendMany(ledger, now);
  leaves.push({
    at: now,
    kind: "close.batch",
    subject: date,
    data: {
      jurisdiction: options.jurisdiction ?? null,
      loans: loans.length,
      first: loans[0]?.id ?? null,
      last: loans.at(-1)?.id ?? null,
    },
  });
  await tx.audit.appendMany(leaves);
  return { closed: loans.length, last: loans.at(-1)?.id, events };
}

/** Products are immutable once created, so one read per product per run is enough. */
async function productOf(tx: StoreTx, id: string, cache: Map<string, Product>): Promise<Product> {
  const cached = cache.get(id);
  if (cached) return cached;
  const product = await loadLoanProduct(tx, id);
  cache.set(id, product);
  return product;
}
