import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { Instant } from "../domain/calendar/instant.js";
import type { JurisdictionId } from "../domain/jurisdiction/packs.js";
import type { Bucket, LoanState, LoanStatus } from "../domain/loan/loan.js";
import type { Page } from "./store.js";

/**
 * Loans and their installments as the use cases and the daily close store them: one part of the
 * store (`StoreTx.loans`), kept apart because the close's batch and set-based methods make it the
 * largest.
 */

export interface LoanFilter {
  readonly status?: LoanStatus;
  readonly borrowerId?: string;
  readonly bucket?: Bucket;
}

export interface UpdateManyOptions {
  /**
   * For each loan listed, the numbers of the installments that differ from the stored ones, the
   * schedule otherwise being as stored (same installments; an empty list: nothing changed). Only
   * those rows are written; the schedules of loans not listed are rewritten whole. The caller
   * vouches for it (the daily close compares each loan's installments before and after).
   */
  readonly changedInstallments?: ReadonlyMap<string, readonly number[]>;
  /**
   * The last quiet date of each loan the daily close just judged (`quietThrough`), kept for the
   * set-based close of the dates to come. A loan written without one is judged in full next time.
   */
  readonly quietThrough?: ReadonlyMap<string, CivilDate>;
}

export interface LoanRepository {
  insert(loan: LoanState, createdAt: Instant): Promise<void>;
  get(id: string): Promise<LoanState | undefined>;
  getByOrderId(orderId: string): Promise<LoanState | undefined>;
  /**
   * Writes a changed loan (its row and all its installments). `loan.version` must be exactly one
   * above the stored version, or it throws `ConcurrentUpdateError` and nothing is written.
   */
  update(loan: LoanState): Promise<void>;
  /**
   * Records the strategy ladder (`id@version`) treating the loan; false when there is no such
   * loan. The only write of the column after origination: `update` and `updateMany` never touch
   * it. The version is left alone, as the strategy is not state the close computes: a close
   * running beside the move neither undoes it nor has to retry.
   */
  setStrategy(id: string, strategy: string): Promise<boolean>;
  /** Loans by status, borrower and delinquency bucket (the collections queue), paged by id. */
  list(filter: LoanFilter, page: Page): Promise<LoanState[]>;
  /**
   * One batch of the daily close of `date`: loans still open or charged off whose close has not
   * yet run through `date` (closed through an earlier date, or never closed and originated on or
   * before `date`), with ids in `range` (see `IdRange`), in id order, at most
   * `limit` (capped at `closeBatchSizeMax`), installments attached; only loans under products
   * of `jurisdiction` when given. Two queries, whatever the batch size: the loans, then all of
   * their installments.
   */
  listForClose(
    date: CivilDate,
    range: IdRange,
    limit: number,
    jurisdiction?: JurisdictionId,
  ): Promise<LoanState[]>;
  /**
   * Writes many changed loans (rows and schedules) as `update` writes one, with a bounded number
   * of statements (at most `closeBatchSizeMax` loans, each id once). Every `loan.version` must be
   * exactly one above its stored version; if any is not, it throws `ConcurrentUpdateError`
   * before writing anything.
   */
  updateMany(loans: readonly LoanState[], options?: UpdateManyOptions): Promise<void>;
  /**
   * The least and greatest id and the count of open and charged-off loans (under `jurisdiction`'s
   * products when given): where to cut partitions, and how many loans a close walks.
   */
  idRange(jurisdiction?: JurisdictionId): Promise<LoanIdRange>;
  /**
   * The ids that cut the open and charged-off loans, in id order, into `parts` runs of about
   * equal size: the first id of every run but the first, ascending and distinct (fewer than
   * `parts - 1` when there are fewer loans). At most `parts` queries, never one per loan;
   * `parts` is capped at `partitionCountMax`.
   */
  partitionBounds(parts: number): Promise<string[]>;
  /**
   * The set-based close of `date` for the loans in `range` whose closes through `date` are quiet
   * (`quiet_through` ≥ `date`) and that are closed through the day before: an open loan's
   * principal-days grow by the principal outstanding, a delinquent loan's DPD by one, the version
   * by one, exactly as
   * `closeQuietly` describes; only loans under products of `jurisdiction` when given. One
   * statement; returns the loans it closed.
   */
  closeQuietDate(date: CivilDate, range: IdRange, jurisdiction?: JurisdictionId): Promise<number>;
  /**
   * The id of the loan `offset` places into `range` in id order (any status; 0 is the first),
   * or undefined when the range holds no more: where a chunk of set-based work ends. One query.
   */
  idAtOffset(range: IdRange, offset: number): Promise<string | undefined>;
}

/** The most partitions one daily close is cut into (STYLE 10). */
export const partitionCountMax = 256;

/**
 * An interval of loan ids: ids from `from` (inclusive), above `after` and below `below`
 * (both exclusive), where given. A partition starts at a loan's id (`from`); a batch resumes
 * after the last loan it closed (`after`).
 */
export interface IdRange {
  readonly from?: string | undefined;
  readonly after?: string | undefined;
  readonly below?: string | undefined;
}

export interface LoanIdRange {
  /** Absent when there is no open or charged-off loan. */
  readonly first?: string;
  readonly last?: string;
  readonly count: number;
}

/**
 * The most loans one `listForClose` returns and one `updateMany` writes: a daily-close batch
 * (STYLE 10). Large enough to amortize the statements, small enough that a batch's transaction
 * stays short and its statements stay within the databases' bound-parameter limits.
 */
export const closeBatchSizeMax = 2000;

export class ConcurrentUpdateError extends Error {
  override name = "ConcurrentUpdateError";
}
