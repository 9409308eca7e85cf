import type { Kysely, Migration } from "kysely";

/**
 * `charged_through` recorded the last date whose start-of-day charges had run, but nothing read
 * it: each installment's `charged` flag says what was charged, and `closed_through` (0002) says
 * how far the daily close has run. Written-only state is dropped rather than kept in step.
 */
export const dropChargedThroughMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("loans").dropColumn("charged_through").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .alterTable("loans")
      .addColumn("charged_through", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  },
};
