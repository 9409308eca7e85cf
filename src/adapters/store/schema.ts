import type { ColumnType, Generated } from "kysely";

/**
 * The one schema behind both stores (DESIGN.md "Storage and scale"), as Kysely sees it. Column
 * types are chosen so the same rows mean the same thing on SQLite and PostgreSQL:
 *
 * - money, counters and instants are BIGINT, read back as `bigint` on both (better-sqlite3 with
 *   safe integers; pg with an INT8 → BigInt type parser), so nothing above 2^53 is ever rounded;
 * - booleans are INTEGER 0/1, which PostgreSQL returns as `number` and SQLite as `bigint`, so
 *   they are typed as either and read with `flagOf`;
 * - ids are TEXT, civil dates TEXT `YYYY-MM-DD`, JSON TEXT.
 *
 * Writes always pass `bigint` for BIGINT columns: a JS number would be bound as a double by
 * better-sqlite3, which is exact only below 2^53.
 */
export interface Database {
  products: ProductTable;
  borrowers: BorrowerTable;
  emergency_contacts: EmergencyContactTable;
  loans: LoanTable;
  installments: InstallmentTable;
  operations: OperationTable;
  journal_entries: JournalEntryTable;
  postings: PostingTable;
  audit_leaves: AuditLeafTable;
  audit_checkpoints: AuditCheckpointTable;
  idempotency_keys: IdempotencyKeyTable;
  api_keys: ApiKeyTable;
  contact_attempts: ContactAttemptTable;
  contact_plans: ContactPlanTable;
  outbox: OutboxTable;
  consents: ConsentTable;
  preferences: PreferenceTable;
  promises: PromiseTable;
  holds: HoldTable;
  deliveries: DeliveryTable;
  privacy_requests: PrivacyRequestTable;
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  login_locks: LoginLockTable;
}

/** A BIGINT column: written and read as `bigint`. */
export type Int8 = ColumnType<bigint, bigint, bigint>;

/** A nullable BIGINT column (an instant that may not have happened yet). */
export type NullableInt8 = ColumnType<bigint | null, bigint | null, bigint | null>;

/** An INTEGER 0/1 column: `number` from PostgreSQL, `bigint` from SQLite (safe integers). */
export type Flag = ColumnType<number | bigint, number, number>;

export interface ProductTable {
  id: string;
  jurisdiction: string;
  /** The product definition as given, JSON. */
  definition: string;
  created_at: Int8;
}

export interface BorrowerTable {
  id: string;
  time_zone: string;
  master_key_id: string;
  wrapped_data_key: string;
  sealed: string;
  phone_hash: string | null;
  email_hash: string | null;
  created_at: Int8;
}

export interface EmergencyContactTable {
  borrower_id: string;
  contact_id: string;
  /** The contact's place in the borrower's list (0-based). */
  position: Int8;
  relation: string;
  sealed_phone: string;
  /** NULL once the borrower is erased (migration 0007). */
  phone_hash: string | null;
}

export interface LoanTable {
  id: string;
  borrower_id: string;
  product_id: string;
  order_id: string;
  currency: string;
  principal: Int8;
  origination: string;
  status: string;
  principal_reduced: Int8;
  credit: Int8;
  version: Int8;
  created_at: Int8;
  installment_count: Int8;
  apr: string;
  ear: string;
  /** NULL until the first daily close. */
  closed_through: string | null;
  dpd: Int8;
  bucket: string;
  principal_days: Int8;
  late_clamped: Int8;
  reported: Flag;
  /** The last date through which the close is quiet, as the close last judged; NULL: judge in full. */
  quiet_through: string | null;
  /** Σ unpaid installment principal, kept beside `quiet_through` for the set-based quiet close. */
  principal_outstanding: Int8 | null;
  /** The ladder treating the loan (`id@version`); NULL for loans stored before migration 0010. */
  strategy: string | null;
}

export interface InstallmentTable {
  loan_id: string;
  n: Int8;
  due_date: string;
  principal: Int8;
  interest: Int8;
  fee: Int8;
  charged: Flag;
  late: Int8;
  paid_late: Int8;
  paid_fee: Int8;
  paid_interest: Int8;
  paid_principal: Int8;
  late_fee_charged: Flag;
}

export interface OperationTable {
  id: string;
  loan_id: string;
  kind: string;
  amount: Int8;
  business_date: string;
  at: Int8;
  alloc_late: Int8;
  alloc_fee: Int8;
  alloc_interest: Int8;
  alloc_principal: Int8;
  alloc_credit: Int8;
  idempotency_key: string | null;
}

export interface JournalEntryTable {
  /** Assigned by the database (SQLite rowid alias, PostgreSQL identity). */
  id: Generated<bigint>;
  loan_id: string;
  /** The operation (or other movement, e.g. `originate:<loan>`) that posted the entry. */
  operation_id: string;
  kind: string;
  business_date: string;
  at: Int8;
}

export interface PostingTable {
  entry_id: Int8;
  seq: Int8;
  account: string;
  amount: Int8;
}

export interface AuditLeafTable {
  seq: Int8;
  at: Int8;
  kind: string;
  subject: string;
  /** Canonical JSON (sorted keys) of the leaf's data: the bytes the hash covers. */
  data: string;
  hash: string;
}

/** Signed checkpoints of the audit log (migration 0005). */
export interface AuditCheckpointTable {
  seq: Int8;
  tree_size: Int8;
  /** The RFC 6962 root over the first `tree_size` leaves, hex. */
  root_hash: string;
  at: Int8;
  key_id: string;
  /** Ed25519 over the checkpoint text (src/domain/audit/checkpoint.ts), base64. */
  signature: string;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  response: string;
  created_at: Int8;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: Int8;
  revoked_at: NullableInt8;
}

export interface ContactAttemptTable {
  id: string;
  borrower_id: string;
  loan_id: string;
  recipient_kind: string;
  contact_id: string | null;
  channel: string;
  template: string;
  source: string;
  at: Int8;
  decided_at: Int8;
  outcome: string;
  until: NullableInt8;
  /** JSON array of rule ids. */
  rules: string;
  pack: string;
  house: string | null;
  input_hash: string;
  inputs: string;
  number_id: string | null;
  result: string | null;
  result_at: NullableInt8;
  plan_id: string | null;
}

export interface ContactPlanTable {
  id: string;
  key: string;
  borrower_id: string;
  loan_id: string;
  step_date: string;
  channel: string;
  template: string;
  due_at: Int8;
  strategy: string;
  status: string;
}

export interface OutboxTable {
  id: string;
  attempt_id: string;
  borrower_id: string;
  loan_id: string;
  recipient_kind: string;
  contact_id: string | null;
  channel: string;
  template: string;
  language: string;
  values: string;
  status: string;
  tries: Int8;
  next_try_at: Int8;
  last_error: string | null;
  created_at: Int8;
  sent_at: NullableInt8;
}

export interface ConsentTable {
  id: string;
  borrower_id: string;
  purpose: string;
  contact_id: string;
  notice_version: string;
  channel: string;
  granted_at: Int8;
  withdrawn_at: NullableInt8;
  withdraw_channel: string | null;
}

export interface PreferenceTable {
  id: string;
  borrower_id: string;
  kind: string;
  recipient_kind: string;
  contact_id: string | null;
  channel: string | null;
  value: string;
  at: Int8;
}

export interface PromiseTable {
  id: string;
  borrower_id: string;
  loan_id: string;
  until: string;
  created_at: Int8;
  status: string;
}

export interface HoldTable {
  id: string;
  borrower_id: string;
  kind: string;
  loan_id: string | null;
  detail: string;
  since: Int8;
  decided_at: NullableInt8;
  decision: string | null;
}

export interface DeliveryTable {
  id: string;
  kind: string;
  attempt_id: string;
  borrower_id: string;
  loan_id: string;
  recipient_kind: string;
  contact_id: string | null;
  template: string;
  sealed: string;
  created_at: Int8;
  status: string;
}

/** Data-subject requests (migration 0007): ids, instants and field names; new values only sealed. */
export interface PrivacyRequestTable {
  id: string;
  borrower_id: string;
  kind: string;
  status: string;
  received_at: Int8;
  due_at: Int8;
  /** JSON array of field names. */
  fields: string;
  sealed: string;
  erase_on: string | null;
  answered_at: NullableInt8;
  answered_by: string | null;
}

/** People who log in (migration 0006): the username only as a keyed hash. */
export interface UserTable {
  id: string;
  username_hash: string;
  role: string;
  borrower_id: string | null;
  password_hash: string;
  created_at: Int8;
  disabled_at: NullableInt8;
}

/** Sessions (migration 0006), keyed by the SHA-256 of the session id. */
export interface SessionTable {
  id_hash: string;
  user_id: string;
  csrf_hash: string;
  created_at: Int8;
  expires_at: Int8;
  ended_at: NullableInt8;
}

/** Failed logins within the throttle window (migration 0006). */
export interface LoginFailureTable {
  username_hash: string;
  at: Int8;
}

export interface LoginLockTable {
  username_hash: string;
  locked_until: Int8;
}
