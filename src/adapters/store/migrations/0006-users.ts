import { type Kysely, type Migration, sql } from "kysely";
import type { StoreDialect } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration is frozen in time and must not follow later schema types.
type AnyDb = Kysely<any>;

/**
 * People who log in (DESIGN.md "Who uses it"):
 *
 * - `users`: a role, the borrower a `borrower` user is, and the scrypt hash of the password;
 *   the username only as a keyed hash (unique), never in clear;
 * - `sessions`: keyed by the SHA-256 of the session id, with the SHA-256 of the CSRF token;
 * - `login_failures` and `login_locks`: the login throttle, per username hash.
 */
export function usersMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: AnyDb) {
      const id = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
      await db.schema
        .createTable("users")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("username_hash", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("borrower_id", id, (c) => c.references("borrowers.id"))
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("disabled_at", "bigint")
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", id, (c) => c.notNull().references("users.id"))
        .addColumn("csrf_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
      await db.schema
        .createTable("login_failures")
        .addColumn("username_hash", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("login_failures_username")
        .on("login_failures")
        .columns(["username_hash", "at"])
        .execute();
      await db.schema
        .createTable("login_locks")
        .addColumn("username_hash", "text", (c) => c.primaryKey())
        .addColumn("locked_until", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable("login_locks").execute();
      await db.schema.dropTable("login_failures").execute();
      await db.schema.dropTable("sessions").execute();
      await db.schema.dropTable("users").execute();
    },
  };
}
