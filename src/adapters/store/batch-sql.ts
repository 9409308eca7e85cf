import { CompiledQuery } from "kysely";
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
 * Multi-row statements are written as SQL text with placeholders rather than through Kysely's
 * builder: building and compiling a node per cell cost the close more than running the
 * statements (a batch writes tens of thousands of cells). The text depends only on the table,
 * the columns and the row count, so it is built once and kept; the same text then also hits
 * the SQLite connection's prepared-statement cache. Table and column names come from code, never
 * from input.
 */
const statementTexts = new Map<string, string>();

/** Statement texts kept: a handful of shapes, each with the few row counts of full and last chunks. */
const statementTextsMax = 256;

function cachedText(key: string, build: () => string): string {
  const cached = statementTexts.get(key);
  if (cached !== undefined) return cached;
  const text = build();
  if (statementTexts.size >= statementTextsMax) statementTexts.clear();
  statementTexts.set(key, text);
  return text;
}

const quoted = (name: string): string => `"${name}"`;

/**
 * `values (?, ?, …), (…)`: `rowCount` rows of placeholders. On PostgreSQL every cell is cast to
 * its column's type, because a bare parameter in VALUES is typed as text (then `v.version - 1` or
 * a comparison with a BIGINT column fails). SQLite binds each value with its own type already
 * (bigint → INTEGER, string → TEXT), and there a cast per cell made the close's UPDATE … FROM
 * almost four times slower (38 against 10 µs a row), so its cells stay bare placeholders.
 */
function valuesText<Row>(types: ColumnTypes<Row>, rowCount: number, dialect: StoreDialect): string {
  const names = columnNames(types);
  const rows: string[] = [];
  let parameter = 0;
  for (let r = 0; r < rowCount; r++) {
    const cells = names.map((name) =>
      dialect === "postgres" ? `cast($${++parameter} as ${types[name]})` : "?",
    );
    rows.push(`(${cells.join(", ")})`);
  }
  return `values ${rows.join(", ")}`;
}

/** The cells of `rows`, row by row in the column order of `types`: the statement's parameters. */
function parametersOf<Row>(types: ColumnTypes<Row>, rows: readonly Row[]): unknown[] {
  const names = columnNames(types);
  const out = new Array<unknown>(rows.length * names.length);
  let k = 0;
  for (const row of rows) for (const name of names) out[k++] = row[name];
  return out;
}

const columnListText = <Row>(types: ColumnTypes<Row>): string =>
  `(${columnNames(types).map(quoted).join(", ")})`;

/**
 * `insert into <table> (a, b, …) values (…), (…)`: every row, as many per statement as the
 * parameter bound allows. `overridingSystemValue` writes explicit ids into PostgreSQL's
 * GENERATED ALWAYS identity columns.
 */
export async function insertRows<Row>(
  db: Db,
  dialect: StoreDialect,
  table: string,
  types: ColumnTypes<Row>,
  rows: readonly Row[],
  options: { readonly overridingSystemValue?: boolean } = {},
): Promise<void> {
  const override = options.overridingSystemValue && dialect === "postgres";
  for (const chunk of batches(rows, rowsPerStatement(columnNames(types).length))) {
    const key = `insert|${dialect}|${table}|${columnListText(types)}|${override}|${chunk.length}`;
    const text = cachedText(
      key,
      () =>
        `insert into ${quoted(table)} ${columnListText(types)}` +
        `${override ? " overriding system value" : ""} ${valuesText(types, chunk.length, dialect)}`,
    );
    await db.executeQuery(CompiledQuery.raw(text, parametersOf(types, chunk)));
  }
}

/**
 * `with v (k, a, b) as (values …) update <table> set a = v.a, b = v.b from v where <table>.k =
 * v.k and <guard>`: many rows updated to their own new values, matched on the `keys` columns,
 * as many per statement as the parameter bound allows. Both stores take this shape (SQLite since
 * 3.33 for UPDATE … FROM; a CTE because SQLite cannot name the columns of a VALUES subquery).
 * `guard` is fixed SQL over `<table>` and `v`. Returns the number of rows changed.
 */
export async function updateFromValues<Row>(
  db: Db,
  dialect: StoreDialect,
  table: string,
  types: ColumnTypes<Row>,
  keys: readonly (keyof Row & string)[],
  rows: readonly Row[],
  guard?: string,
): Promise<bigint> {
  let updated = 0n;
  for (const chunk of batches(rows, rowsPerStatement(columnNames(types).length))) {
    const key = `update|${dialect}|${table}|${columnListText(types)}|${keys}|${guard}|${chunk.length}`;
    const text = cachedText(key, () => {
      const assignments = columnNames(types)
        .filter((name) => !keys.includes(name))
        .map((name) => `${quoted(name)} = v.${quoted(name)}`);
      const matches = keys.map((name) => `${quoted(table)}.${quoted(name)} = v.${quoted(name)}`);
      if (guard) matches.push(guard);
      return (
        `with v ${columnListText(types)} as (${valuesText(types, chunk.length, dialect)}) ` +
        `update ${quoted(table)} set ${assignments.join(", ")} from v where ${matches.join(" and ")}`
      );
    });
    const result = await db.executeQuery(CompiledQuery.raw(text, parametersOf(types, chunk)));
    updated += result.numAffectedRows ?? 0n;
  }
  return updated;
}
