import { sql } from "kysely";
import type { JournalEntry } from "../../domain/ledger/journal.js";
import type { Amount } from "../../domain/money/amount.js";
import { assert } from "../../domain/result.js";
import {
  type JournalBatch,
  type LedgerRepository,
  pageSizeMax,
  type UnbalancedEntry,
} from "../../ports/store.js";
import { type ColumnTypes, insertRows } from "./batch-sql.js";
import { type Db, int8, int8OfNumber, pageLimit } from "./codec.js";
import type { StoreDialect } from "./dialect.js";

/**
 * The most legs one journal entry may have. An entry is one movement on one loan: a receivable
 * per component, income per component, cash and credit stay well under this.
 */
export const postingsPerEntryMax = 64;

/**
 * Sums are taken in two halves: SUM(amount / 2^32) and SUM(amount % 2^32). Each part of a posting
 * is below 2^32 in size, so neither sum can overflow BIGINT before 2^31 postings. A plain SUM
 * could: SQLite stops with "integer overflow" as soon as a running total passes 2^63, even when
 * the final sum would fit (e.g. +2^62, +2^62, −2^62, −2^62), and PostgreSQL would need NUMERIC.
 * Integer division and remainder truncate toward zero on both, so hi·2^32 + lo is exact.
 */
const sumSplitBase = 4_294_967_296;

/**
 * The double-entry ledger (DESIGN.md "Ledger"): journal entries with their postings, append-only.
 * Balances are computed from the postings every time, never cached here.
 *
 * Entry ids are allocated before the entries are written, so postings can name their entry
 * without reading ids back from a multi-row INSERT (whose RETURNING order PostgreSQL does not
 * promise): on PostgreSQL from the identity column's own sequence, on SQLite as max(id) + 1 … —
 * what SQLite's rowid would pick — under the write lock the transaction holds (BEGIN IMMEDIATE).
 * A batch of any size then takes one id query, one INSERT per chunk of entries and one per chunk
 * of postings.
 */
export class SqlLedgerRepository implements LedgerRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  append(entries: readonly JournalEntry[], operationId: string, at: number): Promise<void> {
    return this.appendMany([{ entries, operationId }], at);
  }

  async appendMany(movements: readonly JournalBatch[], at: number): Promise<void> {
    // Check every entry before writing any, so a refused batch leaves no partial rows even for a
    // caller that catches the error and goes on in the same transaction.
    for (const movement of movements) movement.entries.forEach(checkEntry);
    const atColumn = int8OfNumber(at, "ledger.append at");
    const entries = movements.flatMap((m) =>
      m.entries.map((entry) => ({ entry, operationId: m.operationId })),
    );
    if (entries.length === 0) return;
    const ids = await this.allocateEntryIds(entries.length);
    const idOf = (k: number): bigint => {
      const id = ids[k];
      assert(id !== undefined, "an entry id was allocated for every entry");
      return id;
    };
    const journalRows: JournalRow[] = entries.map(({ entry, operationId }, k) => ({
      id: idOf(k),
      loan_id: entry.loanId,
      operation_id: operationId,
      kind: entry.kind,
      business_date: entry.date,
      at: atColumn,
    }));
    // PostgreSQL's identity column is GENERATED ALWAYS (migration 0001): an explicit id must say so.
    await insertRows(this.db, this.dialect, "journal_entries", journalColumnTypes, journalRows, {
      overridingSystemValue: true,
    });
    const postingRows: PostingRow[] = entries.flatMap(({ entry }, k) =>
      entry.postings.map((p, seq) => ({
        entry_id: idOf(k),
        seq: BigInt(seq),
        account: p.account,
        amount: p.amount,
      })),
    );
    await insertRows(this.db, this.dialect, "postings", postingColumnTypes, postingRows);
  }

  /** `count` fresh journal entry ids, ascending, in one query. */
  private async allocateEntryIds(count: number): Promise<bigint[]> {
    if (this.dialect === "postgres") {
      const { rows } = await sql<{
        id: bigint;
      }>`select nextval(pg_get_serial_sequence('journal_entries', 'id')) as id
        from generate_series(1, cast(${count} as integer))`.execute(this.db);
      return rows.map((row) => row.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    const { last } = await this.db
      .selectFrom("journal_entries")
      .select((eb) => eb.fn.max("id").as("last"))
      .executeTakeFirstOrThrow();
    const base = last ?? 0n;
    return Array.from({ length: count }, (_, k) => base + BigInt(k) + 1n);
  }

  async balances(prefix?: string): Promise<Map<string, Amount>> {
    const rows = await this.db
      .selectFrom("postings")
      .select(["account", sumHigh.as("hi"), sumLow.as("lo")])
      .$if(prefix !== undefined, (q) =>
        q.where(sql<boolean>`account like ${likePrefix(prefix ?? "")} escape '!'`),
      )
      .groupBy("account")
      .orderBy("account")
      .execute();
    const out = new Map<string, Amount>();
    for (const row of rows) {
      // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: LIKE narrows the rows (and
      // can use the index), this exact test makes both stores answer the same.
      if (prefix !== undefined && !row.account.startsWith(prefix)) continue;
      out.set(row.account, joinSum(row.hi, row.lo));
    }
    return out;
  }

  async total(): Promise<Amount> {
    const row = await this.db
      .selectFrom("postings")
      .select([sumHigh.as("hi"), sumLow.as("lo")])
      .executeTakeFirstOrThrow();
    return joinSum(row.hi, row.lo);
  }

  async unbalancedEntries(limit: number): Promise<UnbalancedEntry[]> {
    const wanted = pageLimit({ limit });
    const found: UnbalancedEntry[] = [];
    let after = -1n;
    // HAVING on the two half-sums narrows to candidates (a sound entry has both zero, almost
    // always); the exact test is hi·2^32 + lo in BigInt, so each page is filtered here.
    for (;;) {
      const rows = await this.db
        .selectFrom("postings")
        .innerJoin("journal_entries", "journal_entries.id", "postings.entry_id")
        .select([
          "postings.entry_id as entryId",
          "journal_entries.loan_id as loanId",
          "journal_entries.operation_id as operationId",
          sumHigh.as("hi"),
          sumLow.as("lo"),
        ])
        .where("postings.entry_id", ">", after)
        .groupBy(["postings.entry_id", "journal_entries.loan_id", "journal_entries.operation_id"])
        .having(
          sql<boolean>`sum(amount / ${sql.lit(sumSplitBase)}) <> 0 or sum(amount % ${sql.lit(sumSplitBase)}) <> 0`,
        )
        .orderBy("postings.entry_id")
        .limit(pageSizeMax)
        .execute();
      for (const row of rows) {
        const sum = joinSum(row.hi, row.lo);
        if (sum !== 0n && found.length < wanted) {
          found.push({
            entryId: String(row.entryId),
            loanId: row.loanId,
            operationId: row.operationId,
            sum,
          });
        }
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < pageSizeMax || found.length >= wanted) return found;
      after = BigInt(last.entryId);
    }
  }
}

interface JournalRow {
  readonly id: bigint;
  readonly loan_id: string;
  readonly operation_id: string;
  readonly kind: string;
  readonly business_date: string;
  readonly at: bigint;
}

const journalColumnTypes: ColumnTypes<JournalRow> = {
  id: "bigint",
  loan_id: "text",
  operation_id: "text",
  kind: "text",
  business_date: "text",
  at: "bigint",
};

interface PostingRow {
  readonly entry_id: bigint;
  readonly seq: bigint;
  readonly account: string;
  readonly amount: bigint;
}

const postingColumnTypes: ColumnTypes<PostingRow> = {
  entry_id: "bigint",
  seq: "bigint",
  account: "text",
  amount: "bigint",
};

/** A balanced entry of storable amounts, or an InvariantError naming what is wrong. */
function checkEntry(entry: JournalEntry): void {
  assert(
    entry.postings.length <= postingsPerEntryMax,
    `journal entry for loan ${entry.loanId} has more than ${postingsPerEntryMax} postings`,
  );
  let sum = 0n;
  for (const posting of entry.postings) sum += int8(posting.amount, `posting ${posting.account}`);
  assert(sum === 0n, `journal entry (${entry.kind}) for loan ${entry.loanId} does not balance`);
}

// CAST to TEXT: PostgreSQL's SUM(bigint) is NUMERIC, which pg returns as a string anyway, and
// SQLite's integer sum reads the same way; both parse exactly with BigInt.
const sumHigh = sql<string | null>`cast(sum(amount / ${sql.lit(sumSplitBase)}) as text)`;
const sumLow = sql<string | null>`cast(sum(amount % ${sql.lit(sumSplitBase)}) as text)`;

function joinSum(hi: string | null, lo: string | null): Amount {
  return BigInt(hi ?? "0") * BigInt(sumSplitBase) + BigInt(lo ?? "0");
}

/** `prefix%` for LIKE with `!` as the escape character, so `_`, `%` and `!` match themselves. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
