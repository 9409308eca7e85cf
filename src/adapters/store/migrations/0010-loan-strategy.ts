import type { Kysely, Migration } from "kysely";

/**
 * The strategy that treats a loan (DESIGN.md "a loan records which one treats it"): the ladder's
 * `id@version`, written at origination and changed only by an operator moving the loan
 * (`PUT /loans/{id}/strategy`), never by the daily close. Loans stored before this migration keep
 * NULL, which planning reads as the pack's default ladder: what treated them until now.
 */
export const loanStrategyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("loans").addColumn("strategy", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("loans").dropColumn("strategy").execute();
  },
};
