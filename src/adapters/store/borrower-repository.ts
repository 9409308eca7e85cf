import type { Selectable } from "kysely";
import { erasedKeyTombstone } from "../../domain/privacy/erasure.js";
import { assert } from "../../domain/result.js";
import {
  type BorrowerRecord,
  type BorrowerRepository,
  type EmergencyContactRecord,
  type Page,
  pageSizeMax,
  type ResealedBorrower,
  type WrappedDataKey,
} from "../../ports/store.js";
import {
  batches,
  type Db,
  int8OfNumber,
  nullable,
  numberOf,
  optional,
  pageLimit,
} from "./codec.js";
import type { BorrowerTable, EmergencyContactTable } from "./schema.js";

/**
 * Borrowers at rest hold only sealed personal data and keyed hashes (DESIGN.md "Privacy"); this
 * repository never sees a plain phone number, so nothing here can leak one.
 */
export class SqlBorrowerRepository implements BorrowerRepository {
  constructor(private readonly db: Db) {}

  async insert(borrower: BorrowerRecord): Promise<boolean> {
    const result = await this.db
      .insertInto("borrowers")
      .values({
        id: borrower.id,
        time_zone: borrower.timeZone,
        master_key_id: borrower.masterKeyId,
        wrapped_data_key: borrower.wrappedDataKey,
        sealed: borrower.sealed,
        phone_hash: nullable(borrower.phoneHash),
        email_hash: nullable(borrower.emailHash),
        created_at: int8OfNumber(borrower.createdAt, "borrower.createdAt"),
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows !== 1n) return false;
    const contacts = borrower.contacts.map((c, i) => contactRow(borrower.id, i, c));
    for (const batch of batches(contacts)) {
      await this.db.insertInto("emergency_contacts").values(batch).execute();
    }
    return true;
  }

  async get(id: string): Promise<BorrowerRecord | undefined> {
    return this.findOne("id", id);
  }

  async timeZonesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    assert(unique.length <= pageSizeMax, `timeZonesOf takes at most ${pageSizeMax} ids`);
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("borrowers")
      .select(["id", "time_zone"])
      .where("id", "in", unique)
      .execute();
    return new Map(rows.map((row) => [row.id, row.time_zone]));
  }

  async findByPhoneHash(hash: string): Promise<BorrowerRecord | undefined> {
    return this.findOne("phone_hash", hash);
  }

  async findByEmailHash(hash: string): Promise<BorrowerRecord | undefined> {
    return this.findOne("email_hash", hash);
  }

  async list(page: Page): Promise<BorrowerRecord[]> {
    const rows = await this.db
      .selectFrom("borrowers")
      .selectAll()
      .$if(page.after !== undefined, (q) => q.where("id", ">", page.after ?? ""))
      .orderBy("id")
      .limit(pageLimit(page))
      .execute();
    return this.withContacts(rows);
  }

  async wrappedElsewhere(
    masterKeyId: string,
    after: string | undefined,
    limit: number,
  ): Promise<WrappedDataKey[]> {
    const rows = await this.db
      .selectFrom("borrowers")
      .select(["id", "master_key_id", "wrapped_data_key"])
      .$if(after !== undefined, (q) => q.where("id", ">", after ?? ""))
      .where("master_key_id", "<>", masterKeyId)
      .where("wrapped_data_key", "<>", erasedKeyTombstone)
      .orderBy("id")
      .limit(pageLimit({ limit }))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      masterKeyId: r.master_key_id,
      wrappedDataKey: r.wrapped_data_key,
    }));
  }

  async rewrap(from: WrappedDataKey, to: Omit<WrappedDataKey, "id">): Promise<boolean> {
    const result = await this.db
      .updateTable("borrowers")
      .set({ master_key_id: to.masterKeyId, wrapped_data_key: to.wrappedDataKey })
      .where("id", "=", from.id)
      .where("master_key_id", "=", from.masterKeyId)
      .where("wrapped_data_key", "=", from.wrappedDataKey)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async reseal(id: string, update: ResealedBorrower): Promise<void> {
    await this.db
      .updateTable("borrowers")
      .set({
        sealed: update.sealed,
        phone_hash: nullable(update.phoneHash),
        email_hash: nullable(update.emailHash),
      })
      .where("id", "=", id)
      .execute();
  }

  async erase(id: string, tombstone: string): Promise<void> {
    await this.db
      .updateTable("borrowers")
      .set({
        master_key_id: tombstone,
        wrapped_data_key: tombstone,
        phone_hash: null,
        email_hash: null,
      })
      .where("id", "=", id)
      .execute();
    await this.db
      .updateTable("emergency_contacts")
      .set({ phone_hash: null })
      .where("borrower_id", "=", id)
      .execute();
  }

  /** The first borrower by id with `column = value`: a hash shared by two borrowers (a reused phone) resolves to the oldest id, the same on both databases. */
  private async findOne(
    column: "id" | "phone_hash" | "email_hash",
    value: string,
  ): Promise<BorrowerRecord | undefined> {
    const rows = await this.db
      .selectFrom("borrowers")
      .selectAll()
      .where(column, "=", value)
      .orderBy("id")
      .limit(1)
      .execute();
    return (await this.withContacts(rows))[0];
  }

  /** Loads the contacts of several borrowers in one query. */
  private async withContacts(rows: Selectable<BorrowerTable>[]): Promise<BorrowerRecord[]> {
    if (rows.length === 0) return [];
    const contactRows = await this.db
      .selectFrom("emergency_contacts")
      .selectAll()
      .where(
        "borrower_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("borrower_id")
      .orderBy("position")
      .execute();
    const byBorrower = new Map<string, EmergencyContactRecord[]>();
    for (const row of contactRows) {
      const list = byBorrower.get(row.borrower_id) ?? [];
      list.push(contactOf(row));
      byBorrower.set(row.borrower_id, list);
    }
    return rows.map((row) => borrowerOf(row, byBorrower.get(row.id) ?? []));
  }
}

function contactRow(borrowerId: string, position: number, contact: EmergencyContactRecord) {
  return {
    borrower_id: borrowerId,
    contact_id: contact.contactId,
    position: BigInt(position),
    relation: contact.relation,
    sealed_phone: contact.sealedPhone,
    phone_hash: nullable(contact.phoneHash),
  };
}

function contactOf(row: Selectable<EmergencyContactTable>): EmergencyContactRecord {
  return {
    contactId: row.contact_id,
    relation: row.relation,
    sealedPhone: row.sealed_phone,
    phoneHash: optional(row.phone_hash),
  };
}

function borrowerOf(
  row: Selectable<BorrowerTable>,
  contacts: EmergencyContactRecord[],
): BorrowerRecord {
  return {
    id: row.id,
    timeZone: row.time_zone,
    masterKeyId: row.master_key_id,
    wrappedDataKey: row.wrapped_data_key,
    sealed: row.sealed,
    phoneHash: optional(row.phone_hash),
    emailHash: optional(row.email_hash),
    contacts,
    createdAt: numberOf(row.created_at, "borrowers.created_at"),
  };
}
