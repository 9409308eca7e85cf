import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { Instant } from "../domain/calendar/instant.js";
import type { JurisdictionId } from "../domain/jurisdiction/packs.js";
import type { JournalEntry } from "../domain/ledger/journal.js";
import type { Bucket, LoanState, LoanStatus } from "../domain/loan/loan.js";
import type { Amount } from "../domain/money/amount.js";
import type {
  ChoiceRepository,
  ContactAttemptRepository,
  ContactPlanRepository,
  DeliveryRepository,
  OutboxRepository,
} from "./contact-store.js";
import type { PrivacyRepository } from "./privacy-store.js";
import type { LoginThrottleRepository, SessionRepository, UserRepository } from "./user-store.js";

/**
 * The store the use cases need (not everything a database can do). One implementation per
 * backend — SQLite and PostgreSQL — behind one contract suite. Every use case runs inside one
 * `transaction`: all of its writes commit together or none do.
 */
export interface Store {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `work` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreTx {
  readonly products: ProductRepository;
  readonly borrowers: BorrowerRepository;
  readonly loans: LoanRepository;
  readonly operations: OperationRepository;
  readonly ledger: LedgerRepository;
  readonly audit: AuditRepository;
  readonly checkpoints: CheckpointRepository;
  readonly idempotency: IdempotencyRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly contactAttempts: ContactAttemptRepository;
  readonly contactPlans: ContactPlanRepository;
  readonly outbox: OutboxRepository;
  readonly choices: ChoiceRepository;
  readonly deliveries: DeliveryRepository;
  readonly privacy: PrivacyRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly loginThrottle: LoginThrottleRepository;
}

/** A page request: items after `after` (an id), at most `limit` (each store caps it at `pageSizeMax`). */
export interface Page {
  readonly after?: string;
  readonly limit: number;
}

export const pageSizeMax = 500;

/** A product as defined: the raw definition is kept so the product re-validates the same way. */
export interface ProductRecord {
  readonly id: string;
  readonly jurisdiction: string;
  readonly definition: Readonly<Record<string, unknown>>;
  readonly createdAt: Instant;
}

export interface ProductRepository {
  /** Inserts a product; false when the id exists already. */
  insert(product: ProductRecord): Promise<boolean>;
  get(id: string): Promise<ProductRecord | undefined>;
  list(page: Page): Promise<ProductRecord[]>;
}

/**
 * A borrower at rest: personal data only sealed (AES-256-GCM under the borrower's own data key,
 * itself wrapped by a master key) and keyed hashes for lookup. Nothing here is readable without
 * the keyring.
 */
export interface BorrowerRecord {
  readonly id: string;
  readonly timeZone: string;
  /** Which master key wrapped the data key. */
  readonly masterKeyId: string;
  /** The data key, wrapped (base64). Erasure destroys it. */
  readonly wrappedDataKey: string;
  /** The sealed personal data (base64 of nonce, tag and ciphertext). */
  readonly sealed: string;
  readonly phoneHash: string | undefined;
  readonly emailHash: string | undefined;
  readonly contacts: readonly EmergencyContactRecord[];
  readonly createdAt: Instant;
}

export interface EmergencyContactRecord {
  readonly contactId: string;
  readonly relation: string;
  /** The contact's phone, sealed under the borrower's data key. */
  readonly sealedPhone: string;
  /** Absent once the borrower is erased. */
  readonly phoneHash: string | undefined;
}

export interface BorrowerRepository {
  insert(borrower: BorrowerRecord): Promise<boolean>;
  get(id: string): Promise<BorrowerRecord | undefined>;
  findByPhoneHash(hash: string): Promise<BorrowerRecord | undefined>;
  findByEmailHash(hash: string): Promise<BorrowerRecord | undefined>;
  list(page: Page): Promise<BorrowerRecord[]>;
  /**
   * Borrowers with ids above `after` whose data key is wrapped under a master key other than
   * `masterKeyId` (erased borrowers excluded), in id order, at most `limit` (capped at
   * `pageSizeMax`): what a key rotation still has to re-wrap, read along the primary key.
   */
  wrappedElsewhere(
    masterKeyId: string,
    after: string | undefined,
    limit: number,
  ): Promise<WrappedDataKey[]>;
  /** Replaces a data key's wrap if it is still `from` (compare and set); false when it changed meanwhile. */
  rewrap(from: WrappedDataKey, to: Omit<WrappedDataKey, "id">): Promise<boolean>;
  /** Replaces the sealed personal data and lookup hashes of a borrower and their contacts (a correction). */
  reseal(id: string, update: ResealedBorrower): Promise<void>;
  /**
   * Crypto-shredding: the wrapped data key and its master key id become `tombstone`, the lookup
   * hashes of the borrower and of their emergency contacts become NULL. Sealed columns stay as
   * ciphertext nobody can open.
   */
  erase(id: string, tombstone: string): Promise<void>;
  /**
   * The time zone of each borrower of `ids` that exists (at most `pageSizeMax` ids), in one
   * query: what planning a day's contacts needs of a batch of loans.
   */
  timeZonesOf(ids: readonly string[]): Promise<Map<string, string>>;
}

export interface WrappedDataKey {
  readonly id: string;
  readonly masterKeyId: string;
  readonly wrappedDataKey: string;
}

export interface ResealedBorrower {
  readonly sealed: string;
  readonly phoneHash: string | undefined;
  readonly emailHash: string | undefined;
}

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

/** A money operation on a loan (payment, refund, settlement), kept with what it did. */
export interface OperationRecord {
  readonly id: string;
  readonly loanId: string;
  readonly kind: "payment" | "refund" | "settlement" | "waiver";
  readonly amount: Amount;
  readonly businessDate: CivilDate;
  readonly at: Instant;
  /** Where the money went, in minor units. */
  readonly allocated: Readonly<
    Record<"late" | "fee" | "interest" | "principal" | "credit", Amount>
  >;
  readonly idempotencyKey: string | undefined;
}

export interface OperationRepository {
  insert(operation: OperationRecord): Promise<void>;
  listByLoan(loanId: string): Promise<OperationRecord[]>;
}

/** The journal entries of one movement and the operation that posted them. */
export interface JournalBatch {
  readonly entries: readonly JournalEntry[];
  readonly operationId: string;
}

export interface LedgerRepository {
  /** Appends journal entries; each must balance (the store checks again). */
  append(entries: readonly JournalEntry[], operationId: string, at: Instant): Promise<void>;
  /**
   * Appends the entries of many movements at once (a daily-close batch), each batch under its
   * own operation id, all at `at`, with a bounded number of statements. Every entry is checked
   * before any is written, as `append` does.
   */
  appendMany(batches: readonly JournalBatch[], at: Instant): Promise<void>;
  /** Balances per account, from the postings themselves; only accounts starting with `prefix` when given. */
  balances(prefix?: string): Promise<Map<string, Amount>>;
  /** The sum of every posting ever written: zero in a sound ledger. */
  total(): Promise<Amount>;
  /**
   * Journal entries whose postings do not sum to zero, in entry-id order, at most `limit`
   * (capped at `pageSizeMax`): none in a sound ledger. What `fenqi audit verify` names when a
   * posting was edited or deleted behind the application's back.
   */
  unbalancedEntries(limit: number): Promise<UnbalancedEntry[]>;
}

/** A journal entry whose postings do not balance, and by how much. */
export interface UnbalancedEntry {
  /** The entry's id in the store (decimal). */
  readonly entryId: string;
  readonly loanId: string;
  readonly operationId: string;
  /** The sum of its postings, in minor units: non-zero. */
  readonly sum: Amount;
}

/** One leaf of the append-only audit log: ids, amounts and rule ids, never personal data. */
export interface AuditLeafInput {
  readonly at: Instant;
  readonly kind: string;
  readonly subject: string;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditLeaf extends AuditLeafInput {
  readonly seq: number;
  /** SHA-256 of the leaf (RFC 6962 leaf hash of its canonical bytes), hex. */
  readonly hash: string;
}

export interface AuditRepository {
  append(leaf: AuditLeafInput): Promise<AuditLeaf>;
  /** Appends leaves in the order given, numbered consecutively after the last one; one insert per chunk. */
  appendMany(leaves: readonly AuditLeafInput[]): Promise<AuditLeaf[]>;
  list(fromSeq: number, limit: number): Promise<AuditLeaf[]>;
  count(): Promise<number>;
  /**
   * The leaves about the given subjects, by seq, on the index on (subject, seq): only those of
   * `kind` when one is named (the `contact.decided` leaf of each attempt id on a contact-log
   * page), every kind without (all the leaves about a borrower, for an export).
   *
   * With a `limit`, the first `limit` leaves by seq, of any number of subjects (read a chunk of
   * ids per query). Without one, at most `pageSizeMax` subjects: the caller's page of ids bounds
   * the answer.
   *
   * @example
   * await tx.audit.bySubjects("contact.decided", attemptIds); // one leaf per attempt
   * await tx.audit.bySubjects(undefined, subjects, borrowerRowsMax); // everything about them
   */
  bySubjects(
    kind: string | undefined,
    subjects: readonly string[],
    limit?: number,
  ): Promise<AuditLeaf[]>;
}

/**
 * A signed checkpoint of the audit log (DESIGN.md "Audit"): the RFC 6962 tree head over the first
 * `treeSize` leaves, signed with the checkpoint key over the text of src/domain/audit/checkpoint.ts.
 */
export interface CheckpointInput {
  readonly treeSize: number;
  /** The root hash, hex (as leaf hashes are stored). */
  readonly rootHash: string;
  readonly at: Instant;
  /** Names the public key that verifies `signature`. */
  readonly keyId: string;
  /** Ed25519 signature of the checkpoint text, base64. */
  readonly signature: string;
}

export interface CheckpointRecord extends CheckpointInput {
  /** 0, 1, 2, … in the order issued. */
  readonly seq: number;
}

export interface CheckpointRepository {
  /**
   * Appends a checkpoint numbered after the last one. A checkpoint of a smaller tree than the
   * latest one throws `ConcurrentUpdateError` (another issuer got there first with a newer head),
   * so checkpoints never go backwards.
   */
  append(checkpoint: CheckpointInput): Promise<CheckpointRecord>;
  /** Checkpoints from `fromSeq` on, in order; at most `pageSizeMax` per call. */
  list(fromSeq: number, limit: number): Promise<CheckpointRecord[]>;
  latest(): Promise<CheckpointRecord | undefined>;
}

/** A remembered answer to an idempotent request. */
export interface IdempotencyRecord {
  readonly scope: string;
  readonly key: string;
  /** SHA-256 of the canonical request body: the same key with another body is a conflict. */
  readonly requestHash: string;
  readonly response: string;
  readonly createdAt: Instant;
}

export interface IdempotencyRepository {
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Inserts; false when the (scope, key) exists already (another request won). */
  put(record: IdempotencyRecord): Promise<boolean>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  /** SHA-256 of the secret, hex: the secret itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: Instant;
  readonly revokedAt: Instant | undefined;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord): Promise<void>;
  findBySecretHash(hash: string): Promise<ApiKeyRecord | undefined>;
}
