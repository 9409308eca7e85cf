import type { Selectable } from "kysely";
import type { PrivacyRequestKind, PrivacyRequestStatus } from "../../domain/privacy/requests.js";
import type {
  JournalLine,
  PrivacyRepository,
  PrivacyRequestRecord,
  PrivacyRequestUpdate,
} from "../../ports/privacy-store.js";
import type { Page } from "../../ports/store.js";
import {
  batches,
  type Db,
  int8OfNumber,
  nullable,
  nullableInt8,
  numberOf,
  optional,
  optionalNumber,
  pageLimit,
} from "./codec.js";
import type { PrivacyRequestTable } from "./schema.js";

/** Ids per `in (...)` list: far below both databases' bound-parameter limits. */
const idsPerQueryMax = 500;

/** Data-subject requests, and the cross-table reads and writes erasure and export need. */
export class SqlPrivacyRepository implements PrivacyRepository {
  constructor(private readonly db: Db) {}

  async insertRequest(r: PrivacyRequestRecord): Promise<void> {
    await this.db
      .insertInto("privacy_requests")
      .values({
        id: r.id,
        borrower_id: r.borrowerId,
        kind: r.kind,
        status: r.status,
        received_at: int8OfNumber(r.receivedAt, "privacyRequest.receivedAt"),
        due_at: int8OfNumber(r.dueAt, "privacyRequest.dueAt"),
        fields: JSON.stringify(r.fields),
        sealed: r.sealed,
        erase_on: nullable(r.eraseOn),
        answered_at: nullableInt8(r.answeredAt, "privacyRequest.answeredAt"),
        answered_by: nullable(r.answeredBy),
      })
      .execute();
  }

  async getRequest(id: string): Promise<PrivacyRequestRecord | undefined> {
    const row = await this.db
      .selectFrom("privacy_requests")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? requestOf(row) : undefined;
  }

  async requests(borrowerId: string): Promise<PrivacyRequestRecord[]> {
    const rows = await this.db
      .selectFrom("privacy_requests")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .orderBy("received_at")
      .orderBy("id")
      .execute();
    return rows.map(requestOf);
  }

  async updateRequest(
    id: string,
    from: PrivacyRequestStatus,
    update: PrivacyRequestUpdate,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("privacy_requests")
      .set({
        status: update.status,
        answered_at: int8OfNumber(update.answeredAt, "privacyRequest.answeredAt"),
        answered_by: update.answeredBy,
        ...("eraseOn" in update ? { erase_on: nullable(update.eraseOn) } : {}),
      })
      .where("id", "=", id)
      .where("status", "=", from)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async dueErasures(date: string, limit: number): Promise<PrivacyRequestRecord[]> {
    const rows = await this.db
      .selectFrom("privacy_requests")
      .selectAll()
      .where("status", "=", "restricted")
      .where("erase_on", "<=", date)
      .orderBy("id")
      .limit(pageLimit({ limit }))
      .execute();
    return rows.map(requestOf);
  }

  async isRestricted(borrowerId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("privacy_requests")
      .select("id")
      .where("borrower_id", "=", borrowerId)
      .where("status", "=", "restricted")
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async withdrawQueued(
    borrowerId: string,
    reason: string,
  ): Promise<{ messages: number; plans: number }> {
    const messages = await this.db
      .updateTable("outbox")
      .set({ status: "failed", last_error: reason })
      .where("borrower_id", "=", borrowerId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    const plans = await this.db
      .updateTable("contact_plans")
      .set({ status: "dropped" })
      .where("borrower_id", "=", borrowerId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return { messages: Number(messages.numUpdatedRows), plans: Number(plans.numUpdatedRows) };
  }

  async journalOf(loanIds: readonly string[]): Promise<JournalLine[]> {
    const lines: JournalLine[] = [];
    for (const ids of batches(loanIds, idsPerQueryMax)) {
      const rows = await this.db
        .selectFrom("journal_entries as e")
        .innerJoin("postings as p", "p.entry_id", "e.id")
        .select([
          "e.id as entryId",
          "e.loan_id",
          "e.operation_id",
          "e.kind",
          "e.business_date",
          "e.at",
          "p.account",
          "p.amount",
        ])
        .where("e.loan_id", "in", ids)
        .orderBy("e.id")
        .orderBy("p.seq")
        .execute();
      let current: (JournalLine & { postings: JournalLine["postings"][number][] }) | undefined;
      for (const row of rows) {
        const entryId = String(row.entryId);
        if (current?.entryId !== entryId) {
          current = {
            entryId,
            loanId: row.loan_id,
            operationId: row.operation_id,
            kind: row.kind,
            date: row.business_date,
            at: numberOf(row.at, "journal_entries.at"),
            postings: [],
          };
          lines.push(current);
        }
        current.postings.push({ account: row.account, amount: BigInt(row.amount) });
      }
    }
    return lines.sort((a, b) => compareDecimal(a.entryId, b.entryId));
  }

  async loginsOf(borrowerId: string, page: Page): Promise<{ readonly id: string }[]> {
    let query = this.db.selectFrom("users").select("id").where("borrower_id", "=", borrowerId);
    if (page.after !== undefined) query = query.where("id", ">", page.after);
    return query.orderBy("id").limit(pageLimit(page)).execute();
  }
}

/** Orders decimal ids (BIGINT as text) numerically. */
function compareDecimal(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function requestOf(row: Selectable<PrivacyRequestTable>): PrivacyRequestRecord {
  return {
    id: row.id,
    borrowerId: row.borrower_id,
    kind: row.kind as PrivacyRequestKind,
    status: row.status as PrivacyRequestStatus,
    receivedAt: numberOf(row.received_at, "privacy_requests.received_at"),
    dueAt: numberOf(row.due_at, "privacy_requests.due_at"),
    fields: JSON.parse(row.fields) as string[],
    sealed: row.sealed,
    eraseOn: optional(row.erase_on),
    answeredAt: optionalNumber(row.answered_at, "privacy_requests.answered_at"),
    answeredBy: optional(row.answered_by),
  };
}
