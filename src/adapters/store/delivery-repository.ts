import type { RecipientKind } from "../../domain/policy/attempt.js";
import type { DeliveryRecord, DeliveryRepository } from "../../ports/contact-store.js";
import type { Page } from "../../ports/store.js";
import { type Db, int8OfNumber, nullable, numberOf, optional, pageLimit } from "./codec.js";

/** What was delivered inside fenqi: inbox messages, call tasks, letters; keyed by message id. */
export class SqlDeliveryRepository implements DeliveryRepository {
  constructor(private readonly db: Db) {}

  /** ON CONFLICT DO NOTHING: a message re-delivered after a crash is delivered once. */
  async insert(d: DeliveryRecord): Promise<boolean> {
    const result = await this.db
      .insertInto("deliveries")
      .values({
        id: d.id,
        kind: d.kind,
        attempt_id: d.attemptId,
        borrower_id: d.borrowerId,
        loan_id: d.loanId,
        recipient_kind: d.recipientKind,
        contact_id: nullable(d.contactId),
        template: d.template,
        sealed: d.sealed,
        created_at: int8OfNumber(d.createdAt, "delivery.createdAt"),
        status: d.status,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  async list(
    filter: { kind: DeliveryRecord["kind"]; borrowerId?: string; status?: "open" | "done" },
    page: Page,
  ): Promise<DeliveryRecord[]> {
    let query = this.db.selectFrom("deliveries").selectAll().where("kind", "=", filter.kind);
    if (filter.borrowerId !== undefined) query = query.where("borrower_id", "=", filter.borrowerId);
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    if (page.after !== undefined) query = query.where("id", ">", page.after);
    const rows = await query.orderBy("id").limit(pageLimit(page)).execute();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as DeliveryRecord["kind"],
      attemptId: row.attempt_id,
      borrowerId: row.borrower_id,
      loanId: row.loan_id,
      recipientKind: row.recipient_kind as RecipientKind,
      contactId: optional(row.contact_id),
      template: row.template,
      sealed: row.sealed,
      createdAt: numberOf(row.created_at, "deliveries.created_at"),
      status: row.status as DeliveryRecord["status"],
    }));
  }

  async closeCallTask(attemptId: string): Promise<void> {
    await this.db
      .updateTable("deliveries")
      .set({ status: "done" })
      .where("kind", "=", "call_task")
      .where("attempt_id", "=", attemptId)
      .execute();
  }
}
