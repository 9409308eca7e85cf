import type { Kysely, Migration } from "kysely";

/**
 * Signed checkpoints of the audit log (DESIGN.md "Audit"): one row per issued tree head, numbered
 * like the leaves. Hashes, sizes and signatures only; the same column types on both stores.
 */
export const checkpointsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit_checkpoints")
      .addColumn("seq", "bigint", (c) => c.primaryKey())
      .addColumn("tree_size", "bigint", (c) => c.notNull())
      .addColumn("root_hash", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("audit_checkpoints").execute();
  },
};
