import { type Kysely, Migrator } from "kysely";
import type { StoreDialect } from "./dialect.js";
import { migrationProvider } from "./migrations/migrations.js";
import type { Database } from "./schema.js";

/** What a migration run did: the names applied now (empty when the schema was current). */
export interface MigrationReport {
  readonly applied: readonly string[];
}

/**
 * Brings the schema to the latest migration. Idempotent: applied migrations are recorded in
 * Kysely's `kysely_migration` table and skipped. Kysely runs them in one transaction (both
 * databases have transactional DDL) and, on PostgreSQL, under an advisory lock, so two processes
 * starting together do not both migrate.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StoreDialect,
): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(none)";
    throw new Error(`migration failed at ${failed}`, { cause: error });
  }
  return {
    applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}
