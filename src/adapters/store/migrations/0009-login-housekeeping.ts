import type { Kysely, Migration } from "kysely";

/**
 * What login housekeeping (src/app/users/housekeeping.ts) looks rows up by: the expiry of
 * sessions, the instant of failed logins and the end of locks. Without them each bounded delete
 * would scan its whole table, and a table an attacker can grow (failures for made-up usernames)
 * would make every run slower. The disabled state needs no column of its own: `users.disabled_at`
 * (migration 0006) is what erasure and `fenqi user disable` both set.
 */
export const loginHousekeepingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("sessions_expires").on("sessions").column("expires_at").execute();
    await db.schema.createIndex("login_failures_at").on("login_failures").column("at").execute();
    await db.schema
      .createIndex("login_locks_until")
      .on("login_locks")
      .column("locked_until")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("login_locks_until").execute();
    await db.schema.dropIndex("login_failures_at").execute();
    await db.schema.dropIndex("sessions_expires").execute();
  },
};
