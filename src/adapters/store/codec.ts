import type { Kysely } from "kysely";
import { assert } from "../../domain/result.js";
import { type Page, pageSizeMax } from "../../ports/store.js";
import type { Database } from "./schema.js";

/**
 * Conversions between domain values and column values, shared by every repository. They assert
 * rather than coerce: a value that cannot be stored exactly is a bug upstream, and it must fail
 * the same way on both databases instead of as two different driver errors.
 */

/** The handle repositories query through: a transaction on either database. */
export type Db = Kysely<Database>;

/** BIGINT (PostgreSQL int8, SQLite INTEGER) holds −2^63 … 2^63−1. */
export const int8Min = -(2n ** 63n);
export const int8Max = 2n ** 63n - 1n;

/** Rows per multi-row INSERT: well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters for our widest table (12 columns). */
export const insertBatchRowsMax = 500;

/** A bigint for a BIGINT column, refused (InvariantError) outside its range. */
export function int8(value: bigint, field: string): bigint {
  assert(value >= int8Min && value <= int8Max, `${field} does not fit in a BIGINT column`);
  return value;
}

/** A JS integer (an instant, a counter) for a BIGINT column. */
export function int8OfNumber(value: number, field: string): bigint {
  assert(Number.isSafeInteger(value), `${field} must be a safe integer, got ${value}`);
  return BigInt(value);
}

/** A BIGINT read back as a JS number: only for counters and instants, which stay below 2^53. */
export function numberOf(value: bigint | number, field: string): number {
  const n = Number(value);
  assert(Number.isSafeInteger(n) && BigInt(n) === BigInt(value), `${field} exceeds 2^53`);
  return n;
}

/** A boolean for an INTEGER 0/1 column (better-sqlite3 cannot bind booleans). */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}

export function flagOf(value: bigint | number): boolean {
  return Number(value) !== 0;
}

/** `undefined` ↔ SQL NULL for optional text. */
export function nullable(value: string | undefined): string | null {
  return value ?? null;
}

export function optional<T>(value: T | null): T | undefined {
  return value ?? undefined;
}

/** The number of rows a page asks for, capped at `pageSizeMax`; a limit below 1 asks for none. */
export function pageLimit(page: Pick<Page, "limit">): number {
  assert(Number.isInteger(page.limit), `page limit must be an integer, got ${page.limit}`);
  return Math.max(0, Math.min(page.limit, pageSizeMax));
}

/** Splits rows into batches of at most `size` for multi-row INSERTs. */
export function batches<T>(rows: readonly T[], size: number = insertBatchRowsMax): T[][] {
  assert(size >= 1, "batch size must be positive");
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}

/** An optional instant for a nullable BIGINT column. */
export function nullableInt8(value: number | undefined, field: string): bigint | null {
  return value === undefined ? null : int8OfNumber(value, field);
}

/** A nullable BIGINT read back as an optional JS number. */
export function optionalNumber(value: bigint | number | null, field: string): number | undefined {
  return value === null ? undefined : numberOf(value, field);
}
