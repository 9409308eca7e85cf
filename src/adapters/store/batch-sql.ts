import { type RawBuilder, sql } from "kysely";
import { assert } from "../../domain/result.js";
import { batches, type Db } from "./codec.js";
import type { StoreDialect } from "./dialect.js";

/**
 * Building blocks of the batch statements (the daily close writes thousands of rows per
 * transaction with a bounded number of statements), shared by both dialects.
 */

/**
 * The most bound parameters one statement may carry on either store: SQLite's
 * SQLITE_MAX_VARIABLE_NUMBER as better-sqlite3 12 compiles it (32,766; PostgreSQL allows 65,535).
 */
export const boundParametersMax = 32_766;

/** The rows of `columns` parameters each that fit in one statement. */
export function rowsPerStatement(columns: number): number {
  assert(columns >= 1 && columns <= boundParametersMax, `a row of ${columns} columns cannot bind`);
  return Math.floor(boundParametersMax / columns);
}

/** The SQL type a VALUES cell is cast to. */
export type SqlType = "text" | "bigint" | "integer";

/** The SQL type of every column of a row, in the order the columns are listed. */
export type ColumnTypes<Row> = { readonly [K in keyof Row & string]: SqlType };

/** Every column a row of `types` has, in their listed order. */
export function columnNames<Row>(types: ColumnTypes<Row>): (keyof Row & string)[] {
  return Object.keys(types) as (keyof Row & string)[];
}

/**
 * `values (cast($1 as text), cast($2 as bigint), …), (…)`: rows as a table expression. On
 * PostgreSQL every cell is cast to its column's type, because a bare parameter in VALUES is typed
 * as text (then `v.version - 1` or a comparison with a BIGINT column fails). SQLite binds each
 * value with its own type already (bigint → INTEGER, string → TEXT), and there a cast per cell
 * made the close's UPDATE … FROM almost four times slower (38 against 10 µs a row), so its cells
 * stay bare parameters.
 */
export function typedValues<Row>(
  types: ColumnTypes<Row>,
  rows: readonly Row[],
  dialect: StoreDialect,
): RawBuilder<unknown> {
  assert(rows.length > 0, "a VALUES list needs at least one row");
  const names = columnNames(types);
  const cell =
    dialect === "postgres"
      ? (value: unknown, type: SqlType) => sql`cast(${value} as ${sql.raw(type)})`
      : (value: unknown) => sql`${value}`;
  return sql`values ${sql.join(
    rows.map((row) => sql`(${sql.join(names.map((name) => cell(row[name], types[name])))})`),
  )}`;
}

/** `(a, b, c)`: the column list of a row of `types`. */
export function columnList<Row>(types: ColumnTypes<Row>): RawBuilder<unknown> {
  return sql`(${sql.join(columnNames(types).map((name) => sql.id(name)))})`;
}

/**
 * `with v (id, a, b) as (values …) update <table> set a = v.a, b = v.b from v where <table>.id =
 * v.id and <guard>`: many rows updated to their own new values in one statement. Both stores
 * take this shape (SQLite since 3.33 for UPDATE … FROM; a CTE because SQLite cannot name the
 * columns of a VALUES subquery). Returns the number of rows changed.
 */
export async function updateFromValues<Row extends { readonly id: string }>(
  db: Db,
  dialect: StoreDialect,
  table: string,
  types: ColumnTypes<Row>,
  rows: readonly Row[],
  guard: RawBuilder<unknown>,
): Promise<bigint> {
  const assignments = columnNames(types)
    .filter((name) => name !== "id")
    .map((name) => sql`${sql.id(name)} = ${sql.ref(`v.${name}`)}`);
  const statement = sql`with v ${columnList(types)} as (${typedValues(types, rows, dialect)})
    update ${sql.table(table)} set ${sql.join(assignments)}
    from v where ${sql.ref(`${table}.id`)} = ${sql.ref("v.id")} and ${guard}`;
  const result = await statement.execute(db);
  return result.numAffectedRows ?? 0n;
}

/**
 * Rows split for multi-row statements (INSERT … VALUES, UPDATE … FROM VALUES), as many per
 * statement as the parameter bound allows. The column count is read from the first row: every
 * row of one statement has the same columns.
 */
export function parameterChunks<Row extends object>(rows: readonly Row[]): Row[][] {
  const first = rows[0];
  if (first === undefined) return [];
  return batches(rows, rowsPerStatement(Object.keys(first).length));
}
