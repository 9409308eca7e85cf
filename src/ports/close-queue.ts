import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { JurisdictionId } from "../domain/jurisdiction/packs.js";
import type { IdRange } from "./store.js";

/**
 * One partition of a daily close: the loans of `range` to close through `date` — only those under
 * products of `jurisdiction` when given (each jurisdiction's dates end in its own time zone).
 */
export interface ClosePartition {
  readonly date: CivilDate;
  readonly jurisdiction?: JurisdictionId;
  /** Which of `of` partitions this is (0-based): with the date and jurisdiction, its identity in the queue. */
  readonly index: number;
  readonly of: number;
  readonly range: IdRange;
}

/** How far the partitions of one date have got. */
export interface CloseProgress {
  readonly total: number;
  readonly done: number;
  /** Partitions that failed for good (their retries are spent). */
  readonly failed: number;
}

export interface CloseWorkOptions {
  /** Partitions this process works on at once. */
  readonly concurrency: number;
}

export interface CloseWorker {
  /** Stops taking partitions and waits for the ones in hand to finish. */
  stop(): Promise<void>;
}

/**
 * The queue of daily-close partitions shared by every `fenqi worker` (DESIGN.md "Storage and
 * scale"). Each partition is delivered to one worker at a time; a partition whose worker died
 * or failed is delivered again (a bounded number of times), so the handler must be idempotent —
 * the close is, per loan.
 */
export interface CloseQueue {
  /**
   * Enqueues the partitions; a partition already enqueued (same date, jurisdiction, index and
   * count) is not enqueued again, so planning a date twice does not double the work.
   */
  enqueue(partitions: readonly ClosePartition[]): Promise<void>;
  /** The partitions of `date` (of `jurisdiction`'s close, or of the unscoped one) enqueued so far, by outcome. */
  progress(date: CivilDate, jurisdiction?: JurisdictionId): Promise<CloseProgress>;
  /** Works partitions with `handler` until stopped; a handler that throws fails its attempt. */
  work(
    handler: (partition: ClosePartition) => Promise<void>,
    options: CloseWorkOptions,
  ): Promise<CloseWorker>;
  close(): Promise<void>;
}
