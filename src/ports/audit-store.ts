import type { Instant } from "../domain/calendar/instant.js";

/**
 * The append-only audit log and its signed checkpoints (DESIGN.md "Audit"): one part of the
 * store (`StoreTx.audit`, `StoreTx.checkpoints`).
 */

/** One leaf of the append-only audit log: ids, amounts and rule ids, never personal data. */
export interface AuditLeafInput {
  readonly at: Instant;
  readonly kind: string;
  readonly subject: string;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditLeaf extends AuditLeafInput {
  readonly seq: number;
  /** SHA-256 of the leaf (RFC 6962 leaf hash of its canonical bytes), hex. */
  readonly hash: string;
}

export interface AuditRepository {
  append(leaf: AuditLeafInput): Promise<AuditLeaf>;
  /** Appends leaves in the order given, numbered consecutively after the last one; one insert per chunk. */
  appendMany(leaves: readonly AuditLeafInput[]): Promise<AuditLeaf[]>;
  list(fromSeq: number, limit: number): Promise<AuditLeaf[]>;
  count(): Promise<number>;
  /**
   * The leaves about the given subjects, by seq, on the index on (subject, seq): only those of
   * `kind` when one is named (the `contact.decided` leaf of each attempt id on a contact-log
   * page), every kind without (all the leaves about a borrower, for an export).
   *
   * With a `limit`, the first `limit` leaves by seq, of any number of subjects (read a chunk of
   * ids per query). Without one, at most `pageSizeMax` subjects: the caller's page of ids bounds
   * the answer.
   *
   * @example
   * await tx.audit.bySubjects("contact.decided", attemptIds); // one leaf per attempt
   * await tx.audit.bySubjects(undefined, subjects, borrowerRowsMax); // everything about them
   */
  bySubjects(
    kind: string | undefined,
    subjects: readonly string[],
    limit?: number,
  ): Promise<AuditLeaf[]>;
}

/**
 * A signed checkpoint of the audit log (DESIGN.md "Audit"): the RFC 6962 tree head over the first
 * `treeSize` leaves, signed with the checkpoint key over the text of src/domain/audit/checkpoint.ts.
 */
export interface CheckpointInput {
  readonly treeSize: number;
  /** The root hash, hex (as leaf hashes are stored). */
  readonly rootHash: string;
  readonly at: Instant;
  /** Names the public key that verifies `signature`. */
  readonly keyId: string;
  /** Ed25519 signature of the checkpoint text, base64. */
  readonly signature: string;
}

export interface CheckpointRecord extends CheckpointInput {
  /** 0, 1, 2, … in the order issued. */
  readonly seq: number;
}

export interface CheckpointRepository {
  /**
   * Appends a checkpoint numbered after the last one. A checkpoint of a smaller tree than the
   * latest one throws `ConcurrentUpdateError` (another issuer got there first with a newer head),
   * so checkpoints never go backwards.
   */
  append(checkpoint: CheckpointInput): Promise<CheckpointRecord>;
  /** Checkpoints from `fromSeq` on, in order; at most `pageSizeMax` per call. */
  list(fromSeq: number, limit: number): Promise<CheckpointRecord[]>;
  latest(): Promise<CheckpointRecord | undefined>;
}
