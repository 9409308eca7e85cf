import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import { addDays, type CivilDate } from "../../domain/calendar/civil-date.js";
import type { JurisdictionId } from "../../domain/jurisdiction/packs.js";
import type { InstallmentState, LoanState, LoanStatus } from "../../domain/loan/loan.js";
import { assert } from "../../domain/result.js";
import {
  ConcurrentUpdateError,
  closeBatchSizeMax,
  type IdRange,
  type LoanFilter,
  type LoanIdRange,
  type LoanRepository,
  type Page,
  partitionCountMax,
  type UpdateManyOptions,
} from "../../ports/store.js";
import { insertRows, updateFromValues } from "./batch-sql.js";
import { type Db, int8OfNumber, numberOf, pageLimit } from "./codec.js";
import type { StoreDialect } from "./dialect.js";
import {
  contractColumns,
  installmentColumnTypes,
  installmentOf,
  installmentRow,
  loanColumnTypes,
  loanOf,
  stateColumns,
} from "./loan-rows.js";
import type { Database, LoanTable } from "./schema.js";

/** The statuses the daily close still works on: a settled or cancelled loan is done with. */
const closeStatuses: readonly LoanStatus[] = ["open", "charged_off"];

/**
 * Loans and their installments. A loan is written whole: its row, then every installment of the
 * schedule in force, so what is read back is exactly the state that was written (installments in
 * order of `n`). Updates are guarded by the loan's version (optimistic concurrency): the row is
 * changed only if it still holds the version just below the new one, which on PostgreSQL's read
 * committed isolation also makes a second writer wait for the first and then find no match.
 */
export class SqlLoanRepository implements LoanRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async insert(loan: LoanState, createdAt: number): Promise<void> {
    await this.db
      .insertInto("loans")
      .values({
        ...contractColumns(loan),
        ...stateColumns(loan),
        id: loan.id,
        created_at: int8OfNumber(createdAt, "createdAt"),
      })
      .execute();
    await this.insertInstallments([loan]);
  }

  async get(id: string): Promise<LoanState | undefined> {
    const row = await this.db
      .selectFrom("loans")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row && (await this.withInstallments([row]))[0];
  }

  async getByOrderId(orderId: string): Promise<LoanState | undefined> {
    const row = await this.db
      .selectFrom("loans")
      .selectAll()
      .where("order_id", "=", orderId)
      .executeTakeFirst();
    return row && (await this.withInstallments([row]))[0];
  }

  async update(loan: LoanState): Promise<void> {
    const version = int8OfNumber(loan.version, "loan.version");
    const result = await this.db
      .updateTable("loans")
      .set(stateColumns(loan))
      .where("id", "=", loan.id)
      .where("version", "=", version - 1n)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw new ConcurrentUpdateError(
        `loan ${loan.id} is not at version ${version - 1n}: another writer changed it first`,
      );
    }
    // The schedule in force replaces the stored one: installments removed from the state (a
    // principal reduction that shortened the term) must disappear, so delete, then insert.
    await this.db.deleteFrom("installments").where("loan_id", "=", loan.id).execute();
    await this.insertInstallments([loan]);
  }

  async setStrategy(id: string, strategy: string): Promise<boolean> {
    const result = await this.db
      .updateTable("loans")
      .set({ strategy })
      .where("id", "=", id)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async list(filter: LoanFilter, page: Page): Promise<LoanState[]> {
    const rows = await this.db
      .selectFrom("loans")
      .selectAll()
      .$if(filter.status !== undefined, (q) => q.where("status", "=", filter.status ?? ""))
      .$if(filter.borrowerId !== undefined, (q) =>
        q.where("borrower_id", "=", filter.borrowerId ?? ""),
      )
      .$if(filter.bucket !== undefined, (q) => q.where("bucket", "=", filter.bucket ?? ""))
      .$if(page.after !== undefined, (q) => q.where("id", ">", page.after ?? ""))
      .orderBy("id")
      .limit(pageLimit(page))
      .execute();
    return this.withInstallments(rows);
  }

  async listForClose(
    date: CivilDate,
    range: IdRange,
    limit: number,
    jurisdiction?: JurisdictionId,
  ): Promise<LoanState[]> {
    const count = closeBatchLimit(limit);
    if (count === 0) return [];
    const rows = await this.db
      .selectFrom("loans")
      .selectAll()
      // `status || ''` keeps the planner off the (status, id) index: through it SQLite reads every
      // open loan after the cursor and sorts them to return a batch, so a close of n loans cost
      // O(n²). Walking the primary key from the cursor stops after one batch of matches.
      .where(sql<string>`${sql.ref("status")} || ''`, "in", closeStatuses)
      // NULL means "closed through the day before origination" (see `loanOf` in loan-rows.ts), so
      // a loan never closed is due for `date` once it was originated on or before it. Civil dates
      // are YYYY-MM-DD text: comparing the text compares the dates.
      .where((eb) =>
        eb.or([
          eb("closed_through", "<", date),
          eb.and([eb("closed_through", "is", null), eb("origination", "<=", date)]),
        ]),
      )
      .where(idIn(range))
      .$if(jurisdiction !== undefined, (q) => q.where(underJurisdiction(jurisdiction)))
      .orderBy("id")
      .limit(count)
      .execute();
    return this.withInstallments(rows);
  }

  async updateMany(loans: readonly LoanState[], options: UpdateManyOptions = {}): Promise<void> {
    if (loans.length === 0) return;
    assert(
      loans.length <= closeBatchSizeMax,
      `updateMany takes at most ${closeBatchSizeMax} loans, got ${loans.length}`,
    );
    const ids = loans.map((loan) => loan.id);
    assert(new Set(ids).size === ids.length, "updateMany was given the same loan twice");
    await this.checkVersions(loans);
    const rows = loans.map((loan) => ({
      id: loan.id,
      ...stateColumns(loan, options.quietThrough?.get(loan.id)),
    }));
    const updated = await updateFromValues(
      this.db,
      this.dialect,
      "loans",
      loanColumnTypes,
      ["id"],
      rows,
      `"loans"."version" = v."version" - 1`,
    );
    // The versions were checked (and, on PostgreSQL, the rows locked) just before: a mismatch
    // here means a writer slipped in anyway, which the caller's rollback must undo.
    if (updated !== BigInt(loans.length)) {
      throw new ConcurrentUpdateError(
        `updateMany changed ${updated} of ${loans.length} loans: another writer changed some first`,
      );
    }
    // As in `update`: the schedules in force replace the stored ones — except where the caller
    // says which installments changed (the close: a day's late charge changes one or two rows,
    // most days none), and then only those rows are written.
    const changed = options.changedInstallments;
    const rewrite = loans.filter((loan) => !changed?.has(loan.id));
    const touched = loans.flatMap((loan) => {
      const ns = new Set(changed?.get(loan.id) ?? []);
      return loan.installments.filter((i) => ns.has(i.n)).map((i) => installmentRow(loan.id, i));
    });
    if (touched.length > 0) {
      const count = await updateFromValues(
        this.db,
        this.dialect,
        "installments",
        installmentColumnTypes,
        ["loan_id", "n"],
        touched,
      );
      assert(count === BigInt(touched.length), "every changed installment is stored");
    }
    if (rewrite.length === 0) return;
    await this.db
      .deleteFrom("installments")
      .where(
        "loan_id",
        "in",
        rewrite.map((loan) => loan.id),
      )
      .execute();
    await this.insertInstallments(rewrite);
  }

  async idRange(jurisdiction?: JurisdictionId): Promise<LoanIdRange> {
    const row = await this.db
      .selectFrom("loans")
      .select((eb) => [
        eb.fn.min("id").as("first"),
        eb.fn.max("id").as("last"),
        eb.fn.countAll<bigint | number>().as("count"),
      ])
      .where("status", "in", closeStatuses)
      .$if(jurisdiction !== undefined, (q) => q.where(underJurisdiction(jurisdiction)))
      .executeTakeFirstOrThrow();
    const count = numberOf(row.count, "loan count");
    if (row.first === null || row.last === null) return { count };
    return { first: row.first, last: row.last, count };
  }

  async partitionBounds(parts: number): Promise<string[]> {
    assert(Number.isInteger(parts) && parts >= 1, `parts must be a positive integer, got ${parts}`);
    const { count } = await this.idRange();
    const runs = Math.min(parts, partitionCountMax, count);
    const bounds: string[] = [];
    // Run k (k ≥ 1) starts at the loan of rank floor(k × count / runs) in id order: one indexed
    // query per cut. Ranks are distinct and ascending because runs ≤ count.
    for (let k = 1; k < runs; k++) {
      const row = await this.db
        .selectFrom("loans")
        .select("id")
        .where("status", "in", closeStatuses)
        .orderBy("id")
        .offset(Math.floor((k * count) / runs))
        .limit(1)
        .executeTakeFirst();
      // A loan settled between the count and this query shortens the list: the cut moves on.
      if (row && (bounds.length === 0 || row.id > (bounds.at(-1) ?? ""))) bounds.push(row.id);
    }
    return bounds;
  }

  async closeQuietDate(
    date: CivilDate,
    range: IdRange,
    jurisdiction?: JurisdictionId,
  ): Promise<number> {
    const result = await this.db
      .updateTable("loans")
      .set({
        closed_through: date,
        dpd: sql<bigint>`case when ${sql.ref("dpd")} > 0 then ${sql.ref("dpd")} + 1 else 0 end`,
        // A charged-off loan accrues nothing more: its principal-days stay as they are.
        principal_days: sql<bigint>`${sql.ref("principal_days")} + case when ${sql.ref("status")} = 'open'
          then ${sql.ref("principal_outstanding")} else 0 end`,
        version: sql<bigint>`${sql.ref("version")} + 1`,
      })
      .where("status", "in", closeStatuses)
      .where("closed_through", "=", addDays(date, -1))
      .where("quiet_through", ">=", date)
      .where("principal_outstanding", "is not", null)
      .where(idIn(range))
      .$if(jurisdiction !== undefined, (q) => q.where(underJurisdiction(jurisdiction)))
      .executeTakeFirst();
    return numberOf(result.numUpdatedRows, "quiet close count");
  }

  async idAtOffset(range: IdRange, offset: number): Promise<string | undefined> {
    assert(Number.isInteger(offset) && offset >= 0, `offset must be a whole number, got ${offset}`);
    const row = await this.db
      .selectFrom("loans")
      .select("id")
      .where(idIn(range))
      .orderBy("id")
      .offset(offset)
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /**
   * Refuses the whole batch, before anything is written, when any loan's stored version is not
   * the one just below its new version (or the loan is missing). On PostgreSQL the rows are
   * locked in id order as they are read, so no other writer can change them before the update
   * and two batches cannot deadlock; on SQLite the transaction already holds the write lock.
   */
  private async checkVersions(loans: readonly LoanState[]): Promise<void> {
    const stored = await this.db
      .selectFrom("loans")
      .select(["id", "version"])
      .where(
        "id",
        "in",
        loans.map((loan) => loan.id),
      )
      .orderBy("id")
      .$if(this.dialect === "postgres", (q) => q.forUpdate())
      .execute();
    const versions = new Map(stored.map((row) => [row.id, row.version]));
    for (const loan of loans) {
      const expected = int8OfNumber(loan.version, "loan.version") - 1n;
      if (versions.get(loan.id) !== expected) {
        throw new ConcurrentUpdateError(
          `loan ${loan.id} is not at version ${expected}: another writer changed it first`,
        );
      }
    }
  }

  private async insertInstallments(loans: readonly LoanState[]): Promise<void> {
    const rows = loans.flatMap((loan) => loan.installments.map((i) => installmentRow(loan.id, i)));
    await insertRows(this.db, this.dialect, "installments", installmentColumnTypes, rows);
  }

  /** Loads the installments of several loans in one query (a page is at most `pageSizeMax` loans). */
  private async withInstallments(rows: Selectable<LoanTable>[]): Promise<LoanState[]> {
    if (rows.length === 0) return [];
    const installmentRows = await this.db
      .selectFrom("installments")
      .selectAll()
      .where(
        "loan_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("loan_id")
      .orderBy("n")
      .execute();
    const byLoan = new Map<string, InstallmentState[]>();
    for (const row of installmentRows) {
      const list = byLoan.get(row.loan_id) ?? [];
      list.push(installmentOf(row));
      byLoan.set(row.loan_id, list);
    }
    return rows.map((row) => loanOf(row, byLoan.get(row.id) ?? []));
  }
}

/** The ids of `range`, as one filter (`1 = 1` for the whole table). */
function idIn(range: IdRange) {
  return (eb: ExpressionBuilder<Database, "loans">) =>
    eb.and([
      ...(range.from === undefined ? [] : [eb("id", ">=", range.from)]),
      ...(range.after === undefined ? [] : [eb("id", ">", range.after)]),
      ...(range.below === undefined ? [] : [eb("id", "<", range.below)]),
    ]);
}

/**
 * Loans under products of the jurisdiction: one uncorrelated subquery over the few products, so
 * the planner reads the product ids once.
 */
function underJurisdiction(jurisdiction: JurisdictionId | undefined) {
  return (eb: ExpressionBuilder<Database, "loans">) =>
    eb(
      "product_id",
      "in",
      eb
        .selectFrom("products")
        .select("id")
        .where("jurisdiction", "=", jurisdiction ?? ""),
    );
}

/** A daily-close batch size: at most `closeBatchSizeMax`; a limit below 1 asks for none. */
function closeBatchLimit(limit: number): number {
  assert(Number.isInteger(limit), `close batch limit must be an integer, got ${limit}`);
  return Math.max(0, Math.min(limit, closeBatchSizeMax));
}
