import type { Selectable } from "kysely";
import type {
  AttemptOutcome,
  AttemptSource,
  Channel,
  DecisionOutcome,
  RecipientKind,
} from "../../domain/policy/attempt.js";
import type { ContactAttemptRecord, ContactAttemptRepository } from "../../ports/contact-store.js";
import type { Page } from "../../ports/store.js";
import {
  type Db,
  int8OfNumber,
  nullable,
  nullableInt8,
  numberOf,
  optional,
  optionalNumber,
  pageLimit,
} from "./codec.js";
import type { ContactAttemptTable } from "./schema.js";

/** Borrowers whose histories one `historyMany` reads: bounded so the IN list stays small. */
export const historyBorrowersMax = 1_000;

/** Every judged contact, allowed or not: the borrower's contact log and the engine's history. */
export class SqlContactAttemptRepository implements ContactAttemptRepository {
  constructor(private readonly db: Db) {}

  async insert(a: ContactAttemptRecord): Promise<void> {
    await this.db
      .insertInto("contact_attempts")
      .values({
        id: a.id,
        borrower_id: a.borrowerId,
        loan_id: a.loanId,
        recipient_kind: a.recipientKind,
        contact_id: nullable(a.contactId),
        channel: a.channel,
        template: a.template,
        source: a.source,
        at: int8OfNumber(a.at, "attempt.at"),
        decided_at: int8OfNumber(a.decidedAt, "attempt.decidedAt"),
        outcome: a.outcome,
        until: nullableInt8(a.until, "attempt.until"),
        rules: JSON.stringify(a.rules),
        pack: a.pack,
        house: nullable(a.house),
        input_hash: a.inputHash,
        inputs: a.inputs,
        number_id: nullable(a.numberId),
        result: nullable(a.result),
        result_at: nullableInt8(a.resultAt, "attempt.resultAt"),
        plan_id: nullable(a.planId),
      })
      .execute();
  }

  async get(id: string): Promise<ContactAttemptRecord | undefined> {
    const row = await this.db
      .selectFrom("contact_attempts")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? attemptOf(row) : undefined;
  }

  async history(borrowerId: string, since: number, limit: number): Promise<ContactAttemptRecord[]> {
    const rows = await this.db
      .selectFrom("contact_attempts")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .where("decided_at", ">=", int8OfNumber(since, "since"))
      .orderBy("decided_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(attemptOf);
  }

  async historyMany(
    borrowerIds: readonly string[],
    since: number,
  ): Promise<Map<string, ContactAttemptRecord[]>> {
    const out = new Map<string, ContactAttemptRecord[]>(borrowerIds.map((id) => [id, []]));
    if (borrowerIds.length === 0) return out;
    if (borrowerIds.length > historyBorrowersMax)
      throw new RangeError(`at most ${historyBorrowersMax} borrowers per history read`);
    const rows = await this.db
      .selectFrom("contact_attempts")
      .selectAll()
      .where("borrower_id", "in", borrowerIds)
      .where("decided_at", ">=", int8OfNumber(since, "since"))
      .orderBy("borrower_id")
      .orderBy("decided_at")
      .orderBy("id")
      .execute();
    for (const row of rows) out.get(row.borrower_id)?.push(attemptOf(row));
    return out;
  }

  async setResult(id: string, result: AttemptOutcome, at: number): Promise<boolean> {
    const done = await this.db
      .updateTable("contact_attempts")
      .set({ result, result_at: int8OfNumber(at, "attempt.resultAt") })
      .where("id", "=", id)
      .where("result", "is", null)
      .executeTakeFirst();
    return done.numUpdatedRows === 1n;
  }

  /** Oldest first; `page.after` is the id of the last attempt of the previous page. */
  async listByBorrower(borrowerId: string, page: Page): Promise<ContactAttemptRecord[]> {
    let query = this.db
      .selectFrom("contact_attempts")
      .selectAll()
      .where("borrower_id", "=", borrowerId);
    if (page.after !== undefined) {
      const after = await this.get(page.after);
      if (!after) return [];
      const at = int8OfNumber(after.decidedAt, "after.decidedAt");
      query = query.where((eb) =>
        eb.or([
          eb("decided_at", ">", at),
          eb.and([eb("decided_at", "=", at), eb("id", ">", after.id)]),
        ]),
      );
    }
    const rows = await query.orderBy("decided_at").orderBy("id").limit(pageLimit(page)).execute();
    return rows.map(attemptOf);
  }

  async listAll(afterId: string | undefined, limit: number): Promise<ContactAttemptRecord[]> {
    let query = this.db.selectFrom("contact_attempts").selectAll();
    if (afterId !== undefined) query = query.where("id", ">", afterId);
    const rows = await query.orderBy("id").limit(limit).execute();
    return rows.map(attemptOf);
  }
}

function attemptOf(row: Selectable<ContactAttemptTable>): ContactAttemptRecord {
  return {
    id: row.id,
    borrowerId: row.borrower_id,
    loanId: row.loan_id,
    recipientKind: row.recipient_kind as RecipientKind,
    contactId: optional(row.contact_id),
    channel: row.channel as Channel,
    template: row.template,
    source: row.source as AttemptSource,
    at: numberOf(row.at, "contact_attempts.at"),
    decidedAt: numberOf(row.decided_at, "contact_attempts.decided_at"),
    outcome: row.outcome as DecisionOutcome,
    until: optionalNumber(row.until, "contact_attempts.until"),
    rules: JSON.parse(row.rules) as string[],
    pack: row.pack,
    house: optional(row.house),
    inputHash: row.input_hash,
    inputs: row.inputs,
    numberId: optional(row.number_id),
    result: optional(row.result) as AttemptOutcome | undefined,
    resultAt: optionalNumber(row.result_at, "contact_attempts.result_at"),
    planId: optional(row.plan_id),
  };
}
