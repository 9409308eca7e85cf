import type { ApiKeyRecord, ApiKeyRepository } from "../../ports/store.js";
import { type Db, int8OfNumber, numberOf } from "./codec.js";

/** API keys of service clients, found by the SHA-256 of the secret; the secret is never stored. */
export class SqlApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Db) {}

  async insert(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto("api_keys")
      .values({
        id: key.id,
        name: key.name,
        secret_hash: key.secretHash,
        created_at: int8OfNumber(key.createdAt, "apiKey.createdAt"),
        revoked_at:
          key.revokedAt === undefined ? null : int8OfNumber(key.revokedAt, "apiKey.revokedAt"),
      })
      .execute();
  }

  async findBySecretHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("secret_hash", "=", hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      secretHash: row.secret_hash,
      createdAt: numberOf(row.created_at, "api_keys.created_at"),
      revokedAt:
        row.revoked_at === null ? undefined : numberOf(row.revoked_at, "api_keys.revoked_at"),
    };
  }
}
