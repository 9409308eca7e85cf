import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { Database } from "./schema.js";

/**
 * The page cache per connection, in KiB. SQLite's default is 2 MiB, which a portfolio of a
 * million loans (hundreds of MiB of rows and indexes) thrashes on every close batch.
 */
export const sqliteCacheKib = 256 * 1024;

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
export const sqliteBusyTimeoutMs = 5_000;

/**
 * Opens the embedded store file (DESIGN.md "Storage and scale": SQLite in WAL mode).
 *
 * - `defaultSafeIntegers(true)`: every INTEGER comes back as a bigint; without it better-sqlite3
 *   returns doubles and silently rounds anything above 2^53 (STACK.md).
 * - WAL with `synchronous=NORMAL`: readers never block the writer; a power loss can lose the last
 *   commits but never corrupt the file.
 * - `foreign_keys=ON`: SQLite leaves them off unless asked, per connection.
 * - `busy_timeout`: another process (`fenqi close-day` beside `fenqi serve`) holding the write
 *   lock makes us wait rather than fail at once.
 */
export function openSqliteDatabase(path: string): Kysely<Database> {
  const sqlite = new BetterSqlite3(path);
  sqlite.defaultSafeIntegers(true);
  sqlite.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`cache_size = -${sqliteCacheKib}`);
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
  });
}

/** Prepared statements kept per connection (by SQL text), least recently used dropped first. */
export const sqliteStatementCacheMax = 256;

type SqliteStatement = ReturnType<BetterSqlite3.Database["prepare"]>;

/**
 * Kysely prepares every query anew, and better-sqlite3's prepare parses the SQL each time: for
 * the daily close's multi-row statements (a thousand rows of parameters) parsing cost as much as
 * running them. The same text gives the same statement, so statements are kept and reused. Safe
 * because Kysely runs one query at a time on the connection.
 */
function cachingStatements(sqlite: BetterSqlite3.Database) {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SqliteStatement {
      const cached = cache.get(text);
      if (cached) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > sqliteStatementCacheMax) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}

/**
 * Runs `work` in one SQLite transaction begun with BEGIN IMMEDIATE. Kysely's own transaction
 * says plain BEGIN (deferred): a transaction that reads and then writes would then try to
 * upgrade its read lock, and if another process wrote in between SQLite fails it with
 * SQLITE_BUSY at once, without waiting (busy_timeout cannot help a snapshot that is already
 * stale). Taking the write lock up front makes such a writer wait its turn instead. Inside one
 * process Kysely's single-connection mutex already runs transactions one after the other.
 */
export async function sqliteTransaction<T>(
  db: Kysely<Database>,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await rollbackQuietly(connection);
      throw error;
    }
  });
}

/**
 * Rolls back, ignoring a failure of the rollback itself: some errors (SQLITE_FULL, an I/O error)
 * make SQLite roll back on its own, and then ROLLBACK fails with "no transaction is active". The
 * error worth reporting is the one that caused the rollback.
 */
async function rollbackQuietly(connection: Kysely<Database>): Promise<void> {
  try {
    await sql`rollback`.execute(connection);
  } catch {
    // See above: the transaction is gone either way.
  }
}
