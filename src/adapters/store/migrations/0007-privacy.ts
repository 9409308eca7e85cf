import { type Kysely, type Migration, sql } from "kysely";
import type { StoreDialect } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration is frozen in time and must not follow later schema types.
type AnyDb = Kysely<any>;

/**
 * Data-subject rights (DESIGN.md "Privacy"; PIPL Arts. 45–48):
 *
 * - `privacy_requests`: access, correction and deletion requests with their deadlines; a
 *   deletion under retention restricts processing until `erase_on`;
 * - `emergency_contacts.phone_hash` becomes nullable: erasure nulls the lookup hashes of the
 *   borrower's contacts as well as the borrower's own (SQLite cannot drop a NOT NULL, so the
 *   table is rebuilt with the same columns, key and index);
 * - an index on `audit_leaves.subject`, so an export finds the leaves about a borrower without
 *   reading the whole log.
 */
export function privacyMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: AnyDb) {
      const id = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
      await db.schema
        .createTable("privacy_requests")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("borrower_id", id, (c) => c.notNull().references("borrowers.id"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addColumn("due_at", "bigint", (c) => c.notNull())
        .addColumn("fields", "text", (c) => c.notNull())
        .addColumn("sealed", "text", (c) => c.notNull())
        .addColumn("erase_on", "text")
        .addColumn("answered_at", "bigint")
        .addColumn("answered_by", "text")
        .execute();
      await db.schema
        .createIndex("privacy_requests_borrower")
        .on("privacy_requests")
        .columns(["borrower_id", "received_at"])
        .execute();
      await db.schema
        .createIndex("privacy_requests_due")
        .on("privacy_requests")
        .columns(["status", "erase_on", "id"])
        .execute();
      await db.schema
        .createIndex("audit_leaves_subject")
        .on("audit_leaves")
        .columns(["subject", "seq"])
        .execute();
      if (dialect === "postgres") {
        await sql`alter table emergency_contacts alter column phone_hash drop not null`.execute(db);
      } else {
        await rebuildContactsNullable(db);
      }
    },
    async down(db: AnyDb) {
      // The contacts' hash column stays nullable: an erased contact has no hash to restore.
      await db.schema.dropIndex("audit_leaves_subject").execute();
      await db.schema.dropTable("privacy_requests").execute();
    },
  };
}

/** SQLite: the table of 0001 again, `phone_hash` without NOT NULL, rows copied in place. */
async function rebuildContactsNullable(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("emergency_contacts_0007")
    .addColumn("borrower_id", "text", (c) => c.notNull().references("borrowers.id"))
    .addColumn("contact_id", "text", (c) => c.notNull())
    .addColumn("position", "bigint", (c) => c.notNull())
    .addColumn("relation", "text", (c) => c.notNull())
    .addColumn("sealed_phone", "text", (c) => c.notNull())
    .addColumn("phone_hash", "text")
    .addPrimaryKeyConstraint("emergency_contacts_pk", ["borrower_id", "contact_id"])
    .execute();
  await sql`insert into emergency_contacts_0007
    (borrower_id, contact_id, position, relation, sealed_phone, phone_hash)
    select borrower_id, contact_id, position, relation, sealed_phone, phone_hash
    from emergency_contacts`.execute(db);
  await db.schema.dropTable("emergency_contacts").execute();
  await db.schema.alterTable("emergency_contacts_0007").renameTo("emergency_contacts").execute();
  await db.schema
    .createIndex("emergency_contacts_phone_hash")
    .on("emergency_contacts")
    .column("phone_hash")
    .execute();
}
