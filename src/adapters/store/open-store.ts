import type { Kysely } from "kysely";
import type { Store, StoreTx } from "../../ports/store.js";
import type { StoreDialect } from "./dialect.js";
import { type MigrationReport, migrateToLatest } from "./migrate.js";
import { openPostgresDatabase } from "./postgres-database.js";
import type { Database } from "./schema.js";
import { openSqliteDatabase, sqliteTransaction } from "./sqlite-database.js";
import { storeTx } from "./store-tx.js";

/** Where the store lives: PostgreSQL when `databaseUrl` is given, else the SQLite file. */
export interface StoreConfig {
  readonly databaseUrl?: string | undefined;
  /** The SQLite file; ":memory:" for a throwaway store. */
  readonly sqlitePath?: string | undefined;
  /** Migrate on open (default). `fenqi migrate` opens without, to report what it applies. */
  readonly autoMigrate?: boolean;
}

export const defaultSqlitePath = "./fenqi.db";

/** A Store on SQL, with the Kysely handle exposed for migrations and operational tools. */
export interface SqlStore extends Store {
  readonly db: Kysely<Database>;
}

/**
 * Opens the store and brings its schema up to date (migrations are idempotent, so opening an
 * up-to-date store changes nothing).
 *
 * @example
 * const store = await openStore({ sqlitePath: ":memory:" });
 * const loan = await store.transaction((tx) => tx.loans.get("L1"));
 * await store.close();
 */
export async function openStore(config: StoreConfig): Promise<SqlStore> {
  const store = config.databaseUrl
    ? new KyselyStore(openPostgresDatabase(config.databaseUrl), "postgres")
    : new KyselyStore(openSqliteDatabase(config.sqlitePath ?? defaultSqlitePath), "sqlite");
  try {
    if (config.autoMigrate !== false) await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Runs every pending migration on an open store: what `fenqi migrate` calls. */
export function migrate(store: SqlStore): Promise<MigrationReport> {
  return migrateToLatest(store.db, store.dialect);
}

class KyselyStore implements SqlStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: StoreDialect,
  ) {}

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.dialect === "sqlite") {
      return sqliteTransaction(this.db, (db) => work(storeTx(db, "sqlite")));
    }
    // PostgreSQL at its default READ COMMITTED: loan updates are guarded by their version and
    // audit appends by an advisory lock, so no stronger isolation (and no serialization-failure
    // retries) is needed.
    return this.db.transaction().execute((trx) => work(storeTx(trx, "postgres")));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
