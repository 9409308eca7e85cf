import { hexOf } from "./bytes.js";
import { type CheckpointBody, checkpointMessage } from "./checkpoint.js";
import { type AuditLeafFields, auditLeafHash } from "./leaf-hash.js";
import { type Hash, verifyConsistency } from "./merkle.js";

/**
 * The checks that `fenqi audit verify` (the whole log, from the store) and `fenqi audit
 * verify-bundle` (an exported range, from a file) have in common, written once (docs/audit.md):
 * a leaf's hash recomputed from its fields, the seqs running without a gap, a checkpoint's
 * signature, and the RFC 6962 consistency of each checkpoint with the one before it. Pure: a
 * signature is checked through the function the caller passes, since Ed25519 lives in an adapter.
 */

/** What can be wrong, each named where it is found. */
export type AuditProblemKind =
  /** A leaf's fields no longer give its hash (edited, or moved to another seq). */
  | "leaf_hash"
  /** Leaves are missing: the seq after the last good leaf is absent (deleted). */
  | "leaf_missing"
  /** Leaves are present but out of order (a bundle's leaves reordered). */
  | "leaf_order"
  /** A leaf's inclusion proof does not lead to its checkpoint's root. */
  | "leaf_inclusion"
  /** A checkpoint cannot be read (a root that is not a hash, a text that is not a checkpoint). */
  | "checkpoint_format"
  /** A checkpoint's signature does not verify under the key it names. */
  | "checkpoint_signature"
  /** A checkpoint covers more leaves than the log holds (leaves were cut off the end). */
  | "checkpoint_size"
  /** A checkpoint's root is not the tree head of the log at its size. */
  | "checkpoint_root"
  /** A checkpoint covers fewer leaves than the one before it. */
  | "checkpoint_order"
  /** The consistency proof from the previous checkpoint to this one does not verify. */
  | "checkpoint_consistency"
  /** A journal entry's postings do not sum to zero. */
  | "ledger_entry"
  /** All postings together do not sum to zero. */
  | "ledger_total"
  /** A loan's cached balances differ from what its postings derive. */
  | "ledger_balance";

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** Where: a leaf seq (`leaf 17`), a checkpoint seq (`checkpoint 2`), a journal entry or a loan. */
  readonly position: string;
  /** Ids, sizes and hashes only: never personal data. */
  readonly message: string;
}

/** Problems a report lists (STYLE 10); the rest are counted. */
export const auditProblemsMax = 100;

/** The problems found so far, in the order found: the first names the first bad position. */
export class ProblemList {
  readonly listed: AuditProblem[] = [];
  count = 0;

  add(kind: AuditProblemKind, position: string, message: string): void {
    this.count += 1;
    if (this.listed.length < auditProblemsMax) this.listed.push({ kind, position, message });
  }

  get omitted(): number {
    return this.count - this.listed.length;
  }
}

/** Whether `signature` (base64) signs `message` under the key named `keyId`. */
export type VerifySignature = (keyId: string, message: Uint8Array, signature: string) => boolean;

/** A leaf as stored or exported: the fields its hash covers, and the hash kept beside them (hex). */
export interface StoredLeaf extends AuditLeafFields {
  readonly hash: string;
}

/**
 * Checks leaves in the order they are read, from seq `first` on. Each leaf's hash is recomputed
 * from its fields (the seq is among them, so a leaf moved elsewhere fails) and compared with the
 * hash kept beside it; a seq beyond the next expected one names the missing leaves, one below it
 * a leaf out of order. `present` (optional) tells a missing leaf from one that is merely
 * elsewhere in the sequence, for input that can be reordered (a bundle; the store reads by seq).
 */
export class LeafSequenceCheck {
  private nextSeq: number;

  constructor(
    private readonly problems: ProblemList,
    first = 0,
    private readonly present?: (seq: number) => boolean,
  ) {
    this.nextSeq = first;
  }

  /** The seq the next leaf should have. */
  get expected(): number {
    return this.nextSeq;
  }

  /** Checks the next leaf; returns its hash recomputed from its fields. */
  next(leaf: StoredLeaf): Hash {
    const expected = this.nextSeq;
    if (leaf.seq > expected) {
      if (this.present?.(expected)) {
        this.problems.add(
          "leaf_order",
          `leaf ${expected}`,
          `leaf ${leaf.seq} stands where leaf ${expected} belongs`,
        );
      } else {
        const missing = leaf.seq - expected === 1 ? `${expected}` : `${expected}–${leaf.seq - 1}`;
        this.problems.add("leaf_missing", `leaf ${expected}`, `leaves ${missing} are missing`);
      }
    } else if (leaf.seq < expected) {
      this.problems.add(
        "leaf_order",
        `leaf ${leaf.seq}`,
        `leaf ${leaf.seq} comes after leaf ${expected - 1}`,
      );
    }
    this.nextSeq = Math.max(expected, leaf.seq + 1);
    const hash = auditLeafHash(leaf);
    if (hexOf(hash) !== leaf.hash) {
      this.problems.add(
        "leaf_hash",
        `leaf ${leaf.seq}`,
        `leaf ${leaf.seq} does not match its hash`,
      );
    }
    return hash;
  }
}

/** A checkpoint read back: its number, the body its text states, the key id and signature. */
export interface CheckpointToCheck {
  readonly seq: number;
  readonly body: CheckpointBody;
  readonly keyId: string;
  readonly signature: string;
}

/** Adds `checkpoint_signature` unless the checkpoint's text is signed under the key it names. */
export function checkCheckpointSignature(
  checkpoint: CheckpointToCheck,
  verify: VerifySignature,
  problems: ProblemList,
): void {
  const { seq, body, keyId, signature } = checkpoint;
  if (!verify(keyId, checkpointMessage(body), signature)) {
    problems.add(
      "checkpoint_signature",
      `checkpoint ${seq}`,
      `checkpoint ${seq} (size ${body.treeSize}) is not signed by key ${keyId}`,
    );
  }
}

/**
 * Checks that `current` extends `previous` (RFC 6962 §2.1.2): its tree is no smaller
 * (`checkpoint_order`) and, when a consistency proof is at hand, the proof verifies
 * (`checkpoint_consistency`). `proof` is `undefined` when there is none to check (the store's
 * log ends before the checkpoint's size, which `checkpoint_size` already names).
 */
export function checkCheckpointLink(
  previous: { readonly treeSize: number; readonly rootHash: Hash },
  current: CheckpointToCheck,
  proof: readonly Hash[] | undefined,
  problems: ProblemList,
): void {
  const { seq, body } = current;
  if (body.treeSize < previous.treeSize) {
    problems.add(
      "checkpoint_order",
      `checkpoint ${seq}`,
      `checkpoint ${seq} covers ${body.treeSize} leaves, fewer than the ${previous.treeSize} before it`,
    );
  } else if (
    proof !== undefined &&
    !verifyConsistency(previous.treeSize, body.treeSize, previous.rootHash, body.rootHash, proof)
  ) {
    problems.add(
      "checkpoint_consistency",
      `checkpoint ${seq}`,
      `checkpoint ${seq} is not consistent with the checkpoint before it (size ${previous.treeSize})`,
    );
  }
}
