import type { Kysely, Migration } from "kysely";

/**
 * The contract's installment count and disclosed APR/EAR, and what the daily close keeps per loan (days past due, bucket, the cap's base, clamped late
 * charges, the reporting flag of the episode) and per installment (whether its one-time late fee
 * was charged). `closed_through` is NULL until the first close: the day before origination.
 */
export const delinquencyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("loans")
      .addColumn("installment_count", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("apr", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("ear", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema.alterTable("loans").addColumn("closed_through", "text").execute();
    await db.schema
      .alterTable("loans")
      .addColumn("dpd", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("bucket", "text", (c) => c.notNull().defaultTo("current"))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("principal_days", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("late_clamped", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("loans")
      .addColumn("reported", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("installments")
      .addColumn("late_fee_charged", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex("loans_bucket").on("loans").columns(["bucket", "id"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("loans_bucket").execute();
    for (const column of [
      "installment_count",
      "apr",
      "ear",
      "closed_through",
      "dpd",
      "bucket",
      "principal_days",
      "late_clamped",
      "reported",
    ]) {
      await db.schema.alterTable("loans").dropColumn(column).execute();
    }
    await db.schema.alterTable("installments").dropColumn("late_fee_charged").execute();
  },
};
