import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { Instant } from "../domain/calendar/instant.js";
import type { JournalEntry } from "../domain/ledger/journal.js";
import type { Amount } from "../domain/money/amount.js";
import type { AuditRepository, CheckpointRepository } from "./audit-store.js";
import type {
  ChoiceRepository,
  ContactAttemptRepository,
  ContactPlanRepository,
  DeliveryRepository,
  OutboxRepository,
} from "./contact-store.js";
import type { LoanRepository } from "./loan-store.js";
import type { PrivacyRepository } from "./privacy-store.js";
import type { LoginThrottleRepository, SessionRepository, UserRepository } from "./user-store.js";

// The loan and audit parts of the store live in their own modules; they are re-exported here so
// that "the store's contract" stays one import for the adapters and the use cases.
export * from "./audit-store.js";
export * from "./loan-store.js";

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
