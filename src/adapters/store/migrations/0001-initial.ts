import { type Kysely, type Migration, type RawBuilder, sql } from "kysely";
import type { StoreDialect } from "../dialect.js";

/**
 * The initial schema, written once with Kysely's schema builder so both databases get the same
 * tables. Two spellings differ by dialect and are chosen here, not scattered through queries:
 *
 * - identifier columns are `text collate "C"` on PostgreSQL, so ordering and `>` comparisons
 *   (paging) and `LIKE 'prefix%'` (ledger accounts) follow bytes exactly as SQLite's default
 *   BINARY collation does, whatever locale the database was created with;
 * - the journal entry id is SQLite's `integer primary key` (the rowid alias, the only
 *   auto-assigned key there) and a PostgreSQL `bigint` identity column.
 *
 * Migrations are append-only: once shipped, this file never changes; a new file alters.
 */
export function initialMigration(dialect: StoreDialect): Migration {
  return {
    up: (db) => createTables(db, dialect),
    down: dropTables,
  };
}

/** Tables in creation order (parents first); `down` drops them in reverse. */
const tablesInOrder = [
  "products",
  "borrowers",
  "emergency_contacts",
  "loans",
  "installments",
  "operations",
  "journal_entries",
  "postings",
  "audit_leaves",
  "idempotency_keys",
  "api_keys",
] as const;

/** The column type of identifiers (see above). */
type IdType = RawBuilder<unknown>;

// biome-ignore lint/suspicious/noExplicitAny: a migration is frozen in time and must not follow later schema types.
type AnyDb = Kysely<any>;

async function createTables(db: AnyDb, dialect: StoreDialect): Promise<void> {
  const id = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
  const schema = db.schema;

  await schema
    .createTable("products")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("jurisdiction", "text", (c) => c.notNull())
    .addColumn("definition", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await schema
    .createTable("borrowers")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("master_key_id", "text", (c) => c.notNull())
    .addColumn("wrapped_data_key", "text", (c) => c.notNull())
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("phone_hash", "text")
    .addColumn("email_hash", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await schema.createIndex("borrowers_phone_hash").on("borrowers").column("phone_hash").execute();
  await schema.createIndex("borrowers_email_hash").on("borrowers").column("email_hash").execute();

  await schema
    .createTable("emergency_contacts")
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("contact_id", id, (c) => c.notNull())
    // The contact's place in the borrower's list, so the list reads back in the order given.
    .addColumn("position", "bigint", (c) => c.notNull())
    .addColumn("relation", "text", (c) => c.notNull())
    .addColumn("sealed_phone", "text", (c) => c.notNull())
    .addColumn("phone_hash", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("emergency_contacts_pk", ["borrower_id", "contact_id"])
    .execute();
  // A contact who opts out is found by the keyed hash of their phone, across borrowers.
  await schema
    .createIndex("emergency_contacts_phone_hash")
    .on("emergency_contacts")
    .column("phone_hash")
    .execute();

  await createLoanTables(db, id);
  await createLedgerTables(db, id, dialect);
  await createServiceTables(db, id);
}

async function createLoanTables(db: AnyDb, id: IdType): Promise<void> {
  const schema = db.schema;
  await schema
    .createTable("loans")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("product_id", id, (c) => c.notNull().references("products.id"))
    .addColumn("order_id", id, (c) => c.notNull().unique())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("principal", "bigint", (c) => c.notNull())
    .addColumn("origination", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("principal_reduced", "bigint", (c) => c.notNull())
    .addColumn("credit", "bigint", (c) => c.notNull())
    .addColumn("charged_through", "text", (c) => c.notNull())
    .addColumn("version", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  // Both lists page by id inside a filter, so the id is the index's second column.
  await schema.createIndex("loans_status").on("loans").columns(["status", "id"]).execute();
  await schema.createIndex("loans_borrower").on("loans").columns(["borrower_id", "id"]).execute();

  await schema
    .createTable("installments")
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("n", "bigint", (c) => c.notNull())
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("principal", "bigint", (c) => c.notNull())
    .addColumn("interest", "bigint", (c) => c.notNull())
    .addColumn("fee", "bigint", (c) => c.notNull())
    .addColumn("charged", "integer", (c) => c.notNull())
    .addColumn("late", "bigint", (c) => c.notNull())
    .addColumn("paid_late", "bigint", (c) => c.notNull())
    .addColumn("paid_fee", "bigint", (c) => c.notNull())
    .addColumn("paid_interest", "bigint", (c) => c.notNull())
    .addColumn("paid_principal", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("installments_pk", ["loan_id", "n"])
    .execute();

  await schema
    .createTable("operations")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("business_date", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("alloc_late", "bigint", (c) => c.notNull())
    .addColumn("alloc_fee", "bigint", (c) => c.notNull())
    .addColumn("alloc_interest", "bigint", (c) => c.notNull())
    .addColumn("alloc_principal", "bigint", (c) => c.notNull())
    .addColumn("alloc_credit", "bigint", (c) => c.notNull())
    .addColumn("idempotency_key", "text")
    .execute();
  await schema.createIndex("operations_loan").on("operations").column("loan_id").execute();
}

async function createLedgerTables(db: AnyDb, id: IdType, dialect: StoreDialect): Promise<void> {
  const schema = db.schema;
  await schema
    .createTable("journal_entries")
    .$call((t) =>
      dialect === "sqlite"
        ? t.addColumn("id", "integer", (c) => c.primaryKey())
        : t.addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity()),
    )
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("operation_id", id, (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("business_date", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await schema
    .createIndex("journal_entries_loan")
    .on("journal_entries")
    .column("loan_id")
    .execute();

  await schema
    .createTable("postings")
    .addColumn("entry_id", "bigint", (c) => c.notNull().references("journal_entries.id"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("account", id, (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("postings_pk", ["entry_id", "seq"])
    .execute();
  await schema.createIndex("postings_account").on("postings").column("account").execute();

  await schema
    .createTable("audit_leaves")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
}

async function createServiceTables(db: AnyDb, id: IdType): Promise<void> {
  const schema = db.schema;
  await schema
    .createTable("idempotency_keys")
    .addColumn("scope", id, (c) => c.notNull())
    .addColumn("key", id, (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("response", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"])
    .execute();

  await schema
    .createTable("api_keys")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();
}

async function dropTables(db: AnyDb): Promise<void> {
  for (const table of [...tablesInOrder].reverse()) await db.schema.dropTable(table).execute();
}
