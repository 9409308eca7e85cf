import { type Selectable, sql } from "kysely";
import {
  type CheckpointInput,
  type CheckpointRecord,
  type CheckpointRepository,
  ConcurrentUpdateError,
} from "../../ports/store.js";
import { auditAppendLockKey } from "./audit-repository.js";
import { type Db, int8OfNumber, numberOf, pageLimit } from "./codec.js";
import type { StoreDialect } from "./dialect.js";
import type { AuditCheckpointTable } from "./schema.js";

/**
 * The audit log's signed checkpoints, numbered 0, 1, 2, … as issued. On PostgreSQL an append
 * takes the audit log's advisory lock, so two issuers number their checkpoints one after the
 * other (and after any leaf appended meanwhile); SQLite transactions exclude each other already.
 */
export class SqlCheckpointRepository implements CheckpointRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async append(input: CheckpointInput): Promise<CheckpointRecord> {
    if (this.dialect === "postgres") {
      await sql`select pg_advisory_xact_lock(cast(${auditAppendLockKey} as bigint))`.execute(
        this.db,
      );
    }
    const latest = await this.latest();
    if (latest !== undefined && latest.treeSize > input.treeSize) {
      throw new ConcurrentUpdateError("a checkpoint of a larger tree was issued meanwhile");
    }
    const checkpoint = { ...input, seq: latest === undefined ? 0 : latest.seq + 1 };
    await this.db
      .insertInto("audit_checkpoints")
      .values({
        seq: int8OfNumber(checkpoint.seq, "checkpoint.seq"),
        tree_size: int8OfNumber(checkpoint.treeSize, "checkpoint.treeSize"),
        root_hash: checkpoint.rootHash,
        at: int8OfNumber(checkpoint.at, "checkpoint.at"),
        key_id: checkpoint.keyId,
        signature: checkpoint.signature,
      })
      .execute();
    return checkpoint;
  }

  async list(fromSeq: number, limit: number): Promise<CheckpointRecord[]> {
    const rows = await this.db
      .selectFrom("audit_checkpoints")
      .selectAll()
      .where("seq", ">=", int8OfNumber(fromSeq, "fromSeq"))
      .orderBy("seq")
      .limit(pageLimit({ limit }))
      .execute();
    return rows.map(checkpointOf);
  }

  async latest(): Promise<CheckpointRecord | undefined> {
    const row = await this.db
      .selectFrom("audit_checkpoints")
      .selectAll()
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : checkpointOf(row);
  }
}

function checkpointOf(row: Selectable<AuditCheckpointTable>): CheckpointRecord {
  return {
    seq: numberOf(row.seq, "audit_checkpoints.seq"),
    treeSize: numberOf(row.tree_size, "audit_checkpoints.tree_size"),
    rootHash: row.root_hash,
    at: numberOf(row.at, "audit_checkpoints.at"),
    keyId: row.key_id,
    signature: row.signature,
  };
}
