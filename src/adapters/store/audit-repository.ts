import { type Selectable, sql } from "kysely";
import { assert } from "../../domain/result.js";
import {
  type AuditLeaf,
  type AuditLeafInput,
  type AuditRepository,
  pageSizeMax,
} from "../../ports/store.js";
import { auditLeafHash, canonicalJson } from "./audit-hash.js";
import { type ColumnTypes, insertRows } from "./batch-sql.js";
import { batches, type Db, int8OfNumber, numberOf, pageLimit } from "./codec.js";
import type { StoreDialect } from "./dialect.js";
import type { AuditLeafTable } from "./schema.js";

/**
 * The PostgreSQL advisory lock that serializes audit appends: "fenqiaud" in ASCII, a
 * positive BIGINT unlikely to collide with any other lock key. Taken per
 * transaction, it is released at commit or rollback, after the new leaf is visible to the next
 * holder.
 */
export const auditAppendLockKey = 0x66656e71_69617564n;

/** Subject ids per `in (...)` list: far below both databases' bound-parameter limits. */
const subjectsPerQueryMax = 500;

interface LeafRow {
  readonly seq: bigint;
  readonly at: bigint;
  readonly kind: string;
  readonly subject: string;
  readonly data: string;
  readonly hash: string;
}

const leafColumnTypes: ColumnTypes<LeafRow> = {
  seq: "bigint",
  at: "bigint",
  kind: "text",
  subject: "text",
  data: "text",
  hash: "text",
};

/**
 * The append-only audit log (DESIGN.md "Audit"). Leaves are numbered 0, 1, 2, … without gaps —
 * the leaf index of RFC 6962, so the tree size is the leaf count — and each stores its own hash.
 * The next number is max + 1 taken inside the caller's transaction: a rolled-back append frees
 * its number for the next one, so no gap can appear. SQLite transactions already exclude each
 * other (BEGIN IMMEDIATE); on PostgreSQL the advisory lock does it.
 */
export class SqlAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async append(input: AuditLeafInput): Promise<AuditLeaf> {
    const [leaf] = await this.appendMany([input]);
    assert(leaf !== undefined, "appending one leaf gives one leaf");
    return leaf;
  }

  /**
   * Leaves numbered last + 1, last + 2, … in the order given, hashed as `append` hashes them, and
   * written with one INSERT per chunk: one lock (PostgreSQL), one max(seq) and the inserts,
   * whatever the count.
   */
  async appendMany(inputs: readonly AuditLeafInput[]): Promise<AuditLeaf[]> {
    if (inputs.length === 0) return [];
    if (this.dialect === "postgres") {
      await sql`select pg_advisory_xact_lock(cast(${auditAppendLockKey} as bigint))`.execute(
        this.db,
      );
    }
    const { last } = await this.db
      .selectFrom("audit_leaves")
      .select((eb) => eb.fn.max("seq").as("last"))
      .executeTakeFirstOrThrow();
    const first = last === null ? 0 : numberOf(last, "audit_leaves.seq") + 1;
    const leaves = inputs.map((input, k): AuditLeaf => {
      const leaf = {
        seq: first + k,
        at: input.at,
        kind: input.kind,
        subject: input.subject,
        data: input.data,
      };
      return { ...leaf, hash: auditLeafHash(leaf) };
    });
    const rows: LeafRow[] = leaves.map((leaf) => ({
      seq: int8OfNumber(leaf.seq, "audit.seq"),
      at: int8OfNumber(leaf.at, "audit.at"),
      kind: leaf.kind,
      subject: leaf.subject,
      data: canonicalJson(leaf.data),
      hash: leaf.hash,
    }));
    await insertRows(this.db, this.dialect, "audit_leaves", leafColumnTypes, rows);
    return leaves;
  }

  /** Leaves from `fromSeq` on, in order; at most `pageSizeMax` per call. */
  async list(fromSeq: number, limit: number): Promise<AuditLeaf[]> {
    const rows = await this.db
      .selectFrom("audit_leaves")
      .selectAll()
      .where("seq", ">=", int8OfNumber(fromSeq, "fromSeq"))
      .orderBy("seq")
      .limit(pageLimit({ limit }))
      .execute();
    return rows.map(leafOf);
  }

  async count(): Promise<number> {
    const { leaves } = await this.db
      .selectFrom("audit_leaves")
      .select((eb) => eb.fn.countAll<bigint | number>().as("leaves"))
      .executeTakeFirstOrThrow();
    return numberOf(leaves, "audit leaf count");
  }

  async bySubjects(
    kind: string | undefined,
    subjects: readonly string[],
    limit?: number,
  ): Promise<AuditLeaf[]> {
    assert(
      limit === undefined || (Number.isInteger(limit) && limit >= 0),
      `a limit of leaves is a whole number, got ${limit}`,
    );
    assert(
      limit !== undefined || subjects.length <= pageSizeMax,
      "a lookup by subject without a limit is one page of ids",
    );
    const leaves: AuditLeaf[] = [];
    for (const ids of batches([...new Set(subjects)], subjectsPerQueryMax)) {
      let query = this.db.selectFrom("audit_leaves").selectAll().where("subject", "in", ids);
      if (kind !== undefined) query = query.where("kind", "=", kind);
      if (limit !== undefined) query = query.limit(limit);
      const rows = await query.orderBy("seq").execute();
      leaves.push(...rows.map(leafOf));
    }
    // Each chunk is in seq order and holds its own first `limit`; together they hold the first
    // `limit` of all, once merged back into one order.
    leaves.sort((a, b) => a.seq - b.seq);
    return limit === undefined ? leaves : leaves.slice(0, limit);
  }
}

function leafOf(row: Selectable<AuditLeafTable>): AuditLeaf {
  return {
    seq: numberOf(row.seq, "audit_leaves.seq"),
    at: numberOf(row.at, "audit_leaves.at"),
    kind: row.kind,
    subject: row.subject,
    data: JSON.parse(row.data) as AuditLeaf["data"],
    hash: row.hash,
  };
}
