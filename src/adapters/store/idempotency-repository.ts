import type { IdempotencyRecord, IdempotencyRepository } from "../../ports/store.js";
import { type Db, int8OfNumber, numberOf } from "./codec.js";

/** Remembered answers to idempotent requests, keyed by (scope, key) (STYLE 11). */
export class SqlIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Db) {}

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("scope", "=", scope)
      .where("key", "=", key)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      scope: row.scope,
      key: row.key,
      requestHash: row.request_hash,
      response: row.response,
      createdAt: numberOf(row.created_at, "idempotency_keys.created_at"),
    };
  }

  /**
   * ON CONFLICT DO NOTHING: on PostgreSQL a concurrent insert of the same key waits for the other
   * transaction and then inserts nothing, and no error aborts this transaction, so the caller can
   * roll back and replay the winner's answer.
   */
  async put(record: IdempotencyRecord): Promise<boolean> {
    const result = await this.db
      .insertInto("idempotency_keys")
      .values({
        scope: record.scope,
        key: record.key,
        request_hash: record.requestHash,
        response: record.response,
        created_at: int8OfNumber(record.createdAt, "idempotency.createdAt"),
      })
      .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }
}
