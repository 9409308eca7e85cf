import type { Selectable } from "kysely";
import type { Channel, RecipientKind } from "../../domain/policy/attempt.js";
import type { OutboxRecord, OutboxRepository, OutboxStatus } from "../../ports/contact-store.js";
import {
  type Db,
  int8OfNumber,
  nullable,
  nullableInt8,
  numberOf,
  optional,
  optionalNumber,
} from "./codec.js";
import type { OutboxTable } from "./schema.js";

/** The transactional outbox: rows commit with the decision that allowed them. */
export class SqlOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Db) {}

  async insert(m: OutboxRecord): Promise<void> {
    await this.db
      .insertInto("outbox")
      .values({
        id: m.id,
        attempt_id: m.attemptId,
        borrower_id: m.borrowerId,
        loan_id: m.loanId,
        recipient_kind: m.recipientKind,
        contact_id: nullable(m.contactId),
        channel: m.channel,
        template: m.template,
        language: m.language,
        values: m.values,
        status: m.status,
        tries: BigInt(m.tries),
        next_try_at: int8OfNumber(m.nextTryAt, "outbox.nextTryAt"),
        last_error: nullable(m.lastError),
        created_at: int8OfNumber(m.createdAt, "outbox.createdAt"),
        sent_at: nullableInt8(m.sentAt, "outbox.sentAt"),
      })
      .execute();
  }

  async get(id: string): Promise<OutboxRecord | undefined> {
    const row = await this.db
      .selectFrom("outbox")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? outboxOf(row) : undefined;
  }

  async due(now: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db
      .selectFrom("outbox")
      .selectAll()
      .where("status", "=", "pending")
      .where("next_try_at", "<=", int8OfNumber(now, "now"))
      .orderBy("next_try_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(outboxOf);
  }

  async claim(id: string, seenNextTryAt: number, leaseUntil: number): Promise<boolean> {
    const done = await this.db
      .updateTable("outbox")
      .set({ next_try_at: int8OfNumber(leaseUntil, "outbox.leaseUntil") })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("next_try_at", "=", int8OfNumber(seenNextTryAt, "outbox.seenNextTryAt"))
      .executeTakeFirst();
    return done.numUpdatedRows === 1n;
  }

  async markSent(id: string, at: number): Promise<void> {
    await this.db
      .updateTable("outbox")
      .set({ status: "sent", sent_at: int8OfNumber(at, "outbox.sentAt") })
      .where("id", "=", id)
      .execute();
  }

  async markTry(
    id: string,
    update: { tries: number; nextTryAt: number; lastError: string; status: "pending" | "failed" },
  ): Promise<void> {
    await this.db
      .updateTable("outbox")
      .set({
        tries: BigInt(update.tries),
        next_try_at: int8OfNumber(update.nextTryAt, "outbox.nextTryAt"),
        last_error: update.lastError,
        status: update.status,
      })
      .where("id", "=", id)
      .execute();
  }

  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.db
      .selectFrom("outbox")
      .select(["status", (eb) => eb.fn.countAll<bigint | number>().as("count")])
      .groupBy("status")
      .execute();
    const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
    for (const row of rows) counts[row.status as OutboxStatus] = Number(row.count);
    return counts;
  }
}

function outboxOf(row: Selectable<OutboxTable>): OutboxRecord {
  return {
    id: row.id,
    attemptId: row.attempt_id,
    borrowerId: row.borrower_id,
    loanId: row.loan_id,
    recipientKind: row.recipient_kind as RecipientKind,
    contactId: optional(row.contact_id),
    channel: row.channel as Channel,
    template: row.template,
    language: row.language,
    values: row.values,
    status: row.status as OutboxStatus,
    tries: numberOf(row.tries, "outbox.tries"),
    nextTryAt: numberOf(row.next_try_at, "outbox.next_try_at"),
    lastError: optional(row.last_error),
    createdAt: numberOf(row.created_at, "outbox.created_at"),
    sentAt: optionalNumber(row.sent_at, "outbox.sent_at"),
  };
}
