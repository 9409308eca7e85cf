import { sql } from "kysely";
import type { JournalEntry } from "../../domain/ledger/journal.js";
import type { Amount } from "../../domain/money/amount.js";
import { assert } from "../../domain/result.js";
import type { LedgerRepository } from "../../ports/store.js";
import { batches, type Db, int8, int8OfNumber } from "./codec.js";

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
 */
export class SqlLedgerRepository implements LedgerRepository {
  constructor(private readonly db: Db) {}

  async append(entries: readonly JournalEntry[], operationId: string, at: number): Promise<void> {
    // Check every entry before writing any, so a refused batch leaves no partial rows even for a
    // caller that catches the error and goes on in the same transaction.
    entries.forEach(checkEntry);
    const atColumn = int8OfNumber(at, "ledger.append at");
    for (const entry of entries) {
      const { id } = await this.db
        .insertInto("journal_entries")
        .values({
          loan_id: entry.loanId,
          operation_id: operationId,
          kind: entry.kind,
          business_date: entry.date,
          at: atColumn,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const rows = entry.postings.map((p, seq) => ({
        entry_id: id,
        seq: BigInt(seq),
        account: p.account,
        amount: p.amount,
      }));
      for (const batch of batches(rows))
        await this.db.insertInto("postings").values(batch).execute();
    }
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
}

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
