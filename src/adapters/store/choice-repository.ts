import type { Channel } from "../../domain/policy/attempt.js";
import type {
  ChoiceRepository,
  ConsentRecord,
  HoldRecord,
  PreferenceRecord,
  PromiseRecord,
} from "../../ports/contact-store.js";
import {
  type Db,
  int8OfNumber,
  nullable,
  nullableInt8,
  numberOf,
  optional,
  optionalNumber,
} from "./codec.js";

/**
 * The borrower's own choices: consents, preferences, promises-to-pay and holds. Preferences are
 * events (the latest wins), so a change is an insert and the history of choices stays.
 */
export class SqlChoiceRepository implements ChoiceRepository {
  constructor(private readonly db: Db) {}

  async insertConsent(c: ConsentRecord): Promise<void> {
    await this.db
      .insertInto("consents")
      .values({
        id: c.id,
        borrower_id: c.borrowerId,
        purpose: c.purpose,
        contact_id: c.contactId,
        notice_version: c.noticeVersion,
        channel: c.channel,
        granted_at: int8OfNumber(c.grantedAt, "consent.grantedAt"),
        withdrawn_at: nullableInt8(c.withdrawnAt, "consent.withdrawnAt"),
        withdraw_channel: nullable(c.withdrawChannel),
      })
      .execute();
  }

  async getConsent(id: string): Promise<ConsentRecord | undefined> {
    const row = await this.db
      .selectFrom("consents")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? consentOf(row) : undefined;
  }

  async withdrawConsent(id: string, at: number, channel: string): Promise<boolean> {
    const done = await this.db
      .updateTable("consents")
      .set({ withdrawn_at: int8OfNumber(at, "consent.withdrawnAt"), withdraw_channel: channel })
      .where("id", "=", id)
      .where("withdrawn_at", "is", null)
      .executeTakeFirst();
    return done.numUpdatedRows === 1n;
  }

  async consents(borrowerId: string): Promise<ConsentRecord[]> {
    const rows = await this.db
      .selectFrom("consents")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .orderBy("granted_at")
      .orderBy("id")
      .execute();
    return rows.map(consentOf);
  }

  async insertPreference(p: PreferenceRecord): Promise<void> {
    await this.db
      .insertInto("preferences")
      .values({
        id: p.id,
        borrower_id: p.borrowerId,
        kind: p.kind,
        recipient_kind: p.recipientKind,
        contact_id: nullable(p.contactId),
        channel: nullable(p.channel),
        value: p.value,
        at: int8OfNumber(p.at, "preference.at"),
      })
      .execute();
  }

  async preferences(borrowerId: string): Promise<PreferenceRecord[]> {
    const rows = await this.db
      .selectFrom("preferences")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .orderBy("at")
      .orderBy("id")
      .execute();
    return rows.map((row) => ({
      id: row.id,
      borrowerId: row.borrower_id,
      kind: row.kind as PreferenceRecord["kind"],
      recipientKind: row.recipient_kind as PreferenceRecord["recipientKind"],
      contactId: optional(row.contact_id),
      channel: optional(row.channel) as Channel | undefined,
      value: row.value,
      at: numberOf(row.at, "preferences.at"),
    }));
  }

  async insertPromise(p: PromiseRecord): Promise<void> {
    await this.db
      .insertInto("promises")
      .values({
        id: p.id,
        borrower_id: p.borrowerId,
        loan_id: p.loanId,
        until: p.until,
        created_at: int8OfNumber(p.createdAt, "promise.createdAt"),
        status: p.status,
      })
      .execute();
  }

  async setPromiseStatus(id: string, status: PromiseRecord["status"]): Promise<void> {
    await this.db.updateTable("promises").set({ status }).where("id", "=", id).execute();
  }

  async promises(borrowerId: string): Promise<PromiseRecord[]> {
    const rows = await this.db
      .selectFrom("promises")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map((row) => ({
      id: row.id,
      borrowerId: row.borrower_id,
      loanId: row.loan_id,
      until: row.until,
      createdAt: numberOf(row.created_at, "promises.created_at"),
      status: row.status as PromiseRecord["status"],
    }));
  }

  async insertHold(h: HoldRecord): Promise<void> {
    await this.db
      .insertInto("holds")
      .values({
        id: h.id,
        borrower_id: h.borrowerId,
        kind: h.kind,
        loan_id: nullable(h.loanId),
        detail: h.detail,
        since: int8OfNumber(h.since, "hold.since"),
        decided_at: nullableInt8(h.decidedAt, "hold.decidedAt"),
        decision: nullable(h.decision),
      })
      .execute();
  }

  async decideHold(id: string, at: number, decision: string): Promise<boolean> {
    const done = await this.db
      .updateTable("holds")
      .set({ decided_at: int8OfNumber(at, "hold.decidedAt"), decision })
      .where("id", "=", id)
      .where("decided_at", "is", null)
      .executeTakeFirst();
    return done.numUpdatedRows === 1n;
  }

  async holds(borrowerId: string): Promise<HoldRecord[]> {
    const rows = await this.db
      .selectFrom("holds")
      .selectAll()
      .where("borrower_id", "=", borrowerId)
      .orderBy("since")
      .orderBy("id")
      .execute();
    return rows.map((row) => ({
      id: row.id,
      borrowerId: row.borrower_id,
      kind: row.kind as HoldRecord["kind"],
      loanId: optional(row.loan_id),
      detail: row.detail,
      since: numberOf(row.since, "holds.since"),
      decidedAt: optionalNumber(row.decided_at, "holds.decided_at"),
      decision: optional(row.decision),
    }));
  }
}

function consentOf(row: {
  id: string;
  borrower_id: string;
  purpose: string;
  contact_id: string;
  notice_version: string;
  channel: string;
  granted_at: bigint;
  withdrawn_at: bigint | null;
  withdraw_channel: string | null;
}): ConsentRecord {
  return {
    id: row.id,
    borrowerId: row.borrower_id,
    purpose: row.purpose as ConsentRecord["purpose"],
    contactId: row.contact_id,
    noticeVersion: row.notice_version,
    channel: row.channel,
    grantedAt: numberOf(row.granted_at, "consents.granted_at"),
    withdrawnAt: optionalNumber(row.withdrawn_at, "consents.withdrawn_at"),
    withdrawChannel: optional(row.withdraw_channel),
  };
}
