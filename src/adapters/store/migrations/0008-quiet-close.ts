import type { Kysely, Migration } from "kysely";

/**
 * What the set-based close of quiet dates needs per loan (src/domain/close/quiet.ts): the last
 * date through which its closes only count, as the daily close last judged it, and the principal
 * outstanding that a quiet close adds to principal-days. Both NULL for a loan the close has not
 * judged since it last changed: such a loan is closed in the domain step.
 */
export const quietCloseMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("loans").addColumn("quiet_through", "text").execute();
    await db.schema.alterTable("loans").addColumn("principal_outstanding", "bigint").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("loans").dropColumn("principal_outstanding").execute();
    await db.schema.alterTable("loans").dropColumn("quiet_through").execute();
  },
};
