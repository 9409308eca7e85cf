import { type Kysely, type Migration, sql } from "kysely";
import type { StoreDialect } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration is frozen in time and must not follow later schema types.
type AnyDb = Kysely<any>;

/** Tables in creation order; `down` drops them in reverse. */
const tablesInOrder = [
  "contact_attempts",
  "contact_plans",
  "outbox",
  "consents",
  "preferences",
  "promises",
  "holds",
  "deliveries",
] as const;

/**
 * Overdue handling (DESIGN.md "Overdue handling"): every judged contact with its inputs for
 * replay, the strategy's plans, the transactional outbox, the borrower's consents and choices,
 * and what was delivered inside fenqi. Ids and instants only: addresses stay sealed on the
 * borrower, and a third party's message text is never stored.
 */
export function overdueHandlingMigration(dialect: StoreDialect): Migration {
  return {
    up: (db) => createTables(db, dialect),
    async down(db: AnyDb) {
      for (const table of [...tablesInOrder].reverse()) await db.schema.dropTable(table).execute();
    },
  };
}

async function createTables(db: AnyDb, dialect: StoreDialect): Promise<void> {
  const id = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
  const schema = db.schema;
  await schema
    .createTable("contact_attempts")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("recipient_kind", "text", (c) => c.notNull())
    .addColumn("contact_id", id)
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("decided_at", "bigint", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("until", "bigint")
    .addColumn("rules", "text", (c) => c.notNull())
    .addColumn("pack", "text", (c) => c.notNull())
    .addColumn("house", "text")
    .addColumn("input_hash", "text", (c) => c.notNull())
    .addColumn("inputs", "text", (c) => c.notNull())
    .addColumn("number_id", "text")
    .addColumn("result", "text")
    .addColumn("result_at", "bigint")
    .addColumn("plan_id", id)
    .execute();
  // The history of one borrower and their contact log read by time.
  await schema
    .createIndex("contact_attempts_borrower")
    .on("contact_attempts")
    .columns(["borrower_id", "decided_at", "id"])
    .execute();

  await schema
    .createTable("contact_plans")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("key", id, (c) => c.notNull().unique())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("step_date", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("due_at", "bigint", (c) => c.notNull())
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .execute();
  await schema
    .createIndex("contact_plans_due")
    .on("contact_plans")
    .columns(["status", "due_at", "id"])
    .execute();

  await schema
    .createTable("outbox")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("attempt_id", id, (c) => c.notNull().references("contact_attempts.id"))
    .addColumn("borrower_id", id, (c) => c.notNull())
    .addColumn("loan_id", id, (c) => c.notNull())
    .addColumn("recipient_kind", "text", (c) => c.notNull())
    .addColumn("contact_id", id)
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("values", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("tries", "bigint", (c) => c.notNull())
    .addColumn("next_try_at", "bigint", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("sent_at", "bigint")
    .execute();
  await schema
    .createIndex("outbox_due")
    .on("outbox")
    .columns(["status", "next_try_at", "id"])
    .execute();

  await createChoiceTables(db, id);

  await schema
    .createTable("deliveries")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("attempt_id", id, (c) => c.notNull())
    .addColumn("borrower_id", id, (c) => c.notNull())
    .addColumn("loan_id", id, (c) => c.notNull())
    .addColumn("recipient_kind", "text", (c) => c.notNull())
    .addColumn("contact_id", id)
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .execute();
  await schema
    .createIndex("deliveries_kind")
    .on("deliveries")
    .columns(["kind", "borrower_id", "id"])
    .execute();
}

async function createChoiceTables(db: AnyDb, id: ReturnType<typeof sql>): Promise<void> {
  const schema = db.schema;
  await schema
    .createTable("consents")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("contact_id", id, (c) => c.notNull())
    .addColumn("notice_version", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("granted_at", "bigint", (c) => c.notNull())
    .addColumn("withdrawn_at", "bigint")
    .addColumn("withdraw_channel", "text")
    .execute();
  await schema.createIndex("consents_borrower").on("consents").column("borrower_id").execute();

  await schema
    .createTable("preferences")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recipient_kind", "text", (c) => c.notNull())
    .addColumn("contact_id", id)
    .addColumn("channel", "text")
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await schema
    .createIndex("preferences_borrower")
    .on("preferences")
    .columns(["borrower_id", "at"])
    .execute();

  await schema
    .createTable("promises")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("loan_id", id, (c) => c.notNull().references("loans.id"))
    .addColumn("until", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .execute();
  await schema.createIndex("promises_borrower").on("promises").column("borrower_id").execute();

  await schema
    .createTable("holds")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("loan_id", id)
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("since", "bigint", (c) => c.notNull())
    .addColumn("decided_at", "bigint")
    .addColumn("decision", "text")
    .execute();
  await schema.createIndex("holds_borrower").on("holds").column("borrower_id").execute();
}
