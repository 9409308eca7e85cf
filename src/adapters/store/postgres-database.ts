import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

/** Connections per process: the API and a worker each hold at most this many. */
export const postgresPoolSizeMax = 10;

/** PostgreSQL's type oid of int8 (BIGINT). */
const int8Oid = 20;

/**
 * pg returns int8 as a string by default (a JS number could not hold it). Every BIGINT of ours is
 * money, a counter or an instant, so it is parsed to a bigint: exact, and the same type SQLite
 * returns. The parser is set on this pool only, not on pg's global registry, so other pg users in
 * the process keep their behaviour.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === int8Oid && format !== "binary"
      ? (text: string) => BigInt(text)
      : pg.types.getTypeParser(oid, format),
};

/** Opens a pool to the PostgreSQL store at `connectionString`; nothing connects until used. */
export function openPostgresDatabase(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: postgresPoolSizeMax, types });
  // An idle connection that the server drops emits "error" on the pool; unhandled, it would end
  // the process. The pool discards that connection and the next query opens a new one.
  pool.on("error", () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
