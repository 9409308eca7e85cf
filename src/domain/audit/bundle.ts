import type { Instant } from "../calendar/instant.js";
import { fail, ok, type Result } from "../result.js";
import {
  type AuditProblem,
  type CheckpointToCheck,
  checkCheckpointLink,
  checkCheckpointSignature,
  LeafSequenceCheck,
  ProblemList,
  type StoredLeaf,
  type VerifySignature,
} from "./audit-check.js";
import { bytesOfHex, hexOf } from "./bytes.js";
import { checkpointOrigin, parseCheckpointText } from "./checkpoint.js";
import { type Hash, hashBytes, treeSizeMax, verifyInclusion } from "./merkle.js";

/**
 * An export bundle of the audit log (DESIGN.md "Audit": "an export bundle can be verified
 * offline with the public key alone"; docs/audit.md "Export bundles"). One JSON document holds
 * a range of leaves with every stored field, the signed checkpoints that cover them, an
 * inclusion proof for every leaf against the last of those checkpoints (the anchor) and a
 * consistency proof from each checkpoint to the next. Nothing else is needed to check it: no
 * store, no key file — only the public key of the key id it names.
 */

export const bundleFormat = "fenqi-audit-bundle/1";

/** Leaves one bundle may hold (STYLE 10): every leaf carries its own audit path. */
export const bundleLeavesMax = 10_000;
/** Checkpoints one bundle may hold: the export thins longer chains to their first and last ones. */
export const bundleCheckpointsMax = 1_000;
/** An audit path or consistency proof has at most one node per tree level. */
export const proofNodesMax = 64;

/** One leaf: the fields its hash covers, the stored hash (hex), and its audit path (hex, sibling first). */
export interface BundleLeaf extends StoredLeaf {
  readonly proof: readonly string[];
}

/** One signed checkpoint, as signed: the exact text, the key id and the Ed25519 signature (base64). */
export interface BundleCheckpoint {
  /** The checkpoint's number in the log's issue order. */
  readonly seq: number;
  /** The signed text (docs/audit.md "Checkpoints"): log name, tree size, root (base64), time. */
  readonly text: string;
  readonly keyId: string;
  readonly signature: string;
  /**
   * The RFC 6962 consistency proof (hex) from the bundle's previous checkpoint to this one;
   * absent on the first.
   */
  readonly consistency?: readonly string[];
}

export interface AuditBundle {
  readonly format: typeof bundleFormat;
  readonly log: typeof checkpointOrigin;
  /** The key id of the anchor's signature: which public key the holder needs. */
  readonly keyId: string;
  /** The leaves' seqs, inclusive. */
  readonly from: number;
  readonly to: number;
  /** In issue order; the last is the anchor every inclusion proof leads to. */
  readonly checkpoints: readonly BundleCheckpoint[];
  /** `from` … `to`, in seq order. */
  readonly leaves: readonly BundleLeaf[];
}

export interface BundleReport {
  readonly sound: boolean;
  readonly from: number;
  readonly to: number;
  readonly leaves: number;
  readonly checkpoints: number;
  /** The anchor: its number, tree size, root (hex) and key id, when its text could be read. */
  readonly anchor:
    | {
        readonly seq: number;
        readonly treeSize: number;
        readonly rootHash: string;
        readonly at: Instant;
      }
    | undefined;
  readonly keyId: string;
  /** The first problems, the first bad position first. */
  readonly problems: readonly AuditProblem[];
  readonly problemsOmitted: number;
}

/**
 * Checks a bundle offline (docs/audit.md "fenqi audit verify-bundle"):
 *
 * 1. the checkpoints, in order: each text parses, each signature verifies under the key it
 *    names (through `verify`: Ed25519 is not pure, so the caller brings it), each tree is no
 *    smaller than the one before and the consistency proof from it verifies;
 * 2. the leaves: each hash recomputed from its fields equals the stored one, the seqs run
 *    `from` … `to` without a gap or a reordering;
 * 3. each leaf's audit path leads from its recomputed hash to the anchor's root.
 *
 * Checkpoints come first because they are what the rest is checked against: a forged anchor is
 * named as such, not as every leaf failing its proof. Problems come in that order, so the first
 * names the first bad position.
 */
export function verifyBundle(bundle: AuditBundle, verify: VerifySignature): BundleReport {
  const problems = new ProblemList();
  const anchor = checkCheckpoints(bundle.checkpoints, verify, problems);
  const seqs = new Set(bundle.leaves.map((leaf) => leaf.seq));
  const sequence = new LeafSequenceCheck(problems, bundle.from, (seq) => seqs.has(seq));
  for (const leaf of bundle.leaves) {
    const hash = sequence.next(leaf);
    if (anchor !== undefined && !included(leaf, hash, anchor.body)) {
      problems.add(
        "leaf_inclusion",
        `leaf ${leaf.seq}`,
        `leaf ${leaf.seq} is not in the tree of checkpoint ${anchor.seq} (size ${anchor.body.treeSize}) by its proof`,
      );
    }
  }
  if (sequence.expected <= bundle.to) {
    const missing =
      sequence.expected === bundle.to ? `${bundle.to}` : `${sequence.expected}–${bundle.to}`;
    problems.add("leaf_missing", `leaf ${sequence.expected}`, `leaves ${missing} are missing`);
  }
  return {
    sound: problems.count === 0,
    from: bundle.from,
    to: bundle.to,
    leaves: bundle.leaves.length,
    checkpoints: bundle.checkpoints.length,
    anchor:
      anchor === undefined
        ? undefined
        : {
            seq: anchor.seq,
            treeSize: anchor.body.treeSize,
            rootHash: hexOf(anchor.body.rootHash),
            at: anchor.body.at,
          },
    keyId: bundle.keyId,
    problems: problems.listed,
    problemsOmitted: problems.omitted,
  };
}

/** Checks the chain of checkpoints; returns the last one if its text could be read. */
function checkCheckpoints(
  checkpoints: readonly BundleCheckpoint[],
  verify: VerifySignature,
  problems: ProblemList,
): CheckpointToCheck | undefined {
  let previous: CheckpointToCheck | undefined;
  let last: CheckpointToCheck | undefined;
  for (const checkpoint of checkpoints) {
    const body = parseCheckpointText(checkpoint.text);
    last = undefined;
    if (!body.ok) {
      problems.add(
        "checkpoint_format",
        `checkpoint ${checkpoint.seq}`,
        `checkpoint ${checkpoint.seq} is not a ${checkpointOrigin} checkpoint text`,
      );
      continue;
    }
    const current = { ...checkpoint, body: body.value };
    checkCheckpointSignature(current, verify, problems);
    if (previous !== undefined) {
      // A node that is not a 32-byte hash stands in as one no proof can contain, so it fails.
      const proof = hashesOf(checkpoint.consistency ?? []) ?? [new Uint8Array(0)];
      checkCheckpointLink(previous.body, current, proof, problems);
    }
    previous = current;
    last = current;
  }
  return last;
}

function included(leaf: BundleLeaf, hash: Hash, anchor: { treeSize: number; rootHash: Hash }) {
  const proof = hashesOf(leaf.proof);
  return (
    proof !== undefined && verifyInclusion(leaf.seq, anchor.treeSize, hash, proof, anchor.rootHash)
  );
}

/** Hex hashes into bytes, or undefined when one is not a 32-byte hash. */
function hashesOf(texts: readonly string[]): Hash[] | undefined {
  const out: Hash[] = [];
  for (const text of texts) {
    const hash = bytesOfHex(text);
    if (hash === undefined || hash.length !== hashBytes) return undefined;
    out.push(hash);
  }
  return out;
}

// --- Reading a bundle from JSON -------------------------------------------------------------

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSeq(value: Json): value is number {
  return (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value < treeSizeMax
  );
}

function isHexList(value: Json): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= proofNodesMax &&
    value.every((v) => typeof v === "string")
  );
}

/** A leaf's data holds strings, finite numbers, booleans and null, as the log writes it. */
function isLeafData(value: Json): value is StoredLeaf["data"] {
  if (!isRecord(value)) return false;
  return Object.values(value).every(
    (v) =>
      v === null ||
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v)),
  );
}

function leafOf(value: Json): BundleLeaf | undefined {
  if (!isRecord(value)) return undefined;
  const { seq, at, kind, subject, data, hash, proof } = value;
  if (!isSeq(seq) || typeof at !== "number" || !Number.isSafeInteger(at)) return undefined;
  if (typeof kind !== "string" || typeof subject !== "string" || typeof hash !== "string")
    return undefined;
  if (!isLeafData(data) || !isHexList(proof)) return undefined;
  return { seq, at, kind, subject, data, hash, proof };
}

function checkpointOf(value: Json, first: boolean): BundleCheckpoint | undefined {
  if (!isRecord(value)) return undefined;
  const { seq, text, keyId, signature, consistency } = value;
  if (!isSeq(seq) || typeof text !== "string" || typeof keyId !== "string") return undefined;
  if (typeof signature !== "string") return undefined;
  if (first) return consistency === undefined ? { seq, text, keyId, signature } : undefined;
  return isHexList(consistency) ? { seq, text, keyId, signature, consistency } : undefined;
}

/**
 * Reads a bundle's shape from parsed JSON: the format, every field's type and the limits. A
 * wrong shape is not a bundle at all (the CLI's bad-input exit); wrong contents are what
 * `verifyBundle` reports.
 */
export function parseBundle(value: Json): Result<AuditBundle> {
  const bad = (field: string, message: string) => fail("bundle.format", field, message);
  if (!isRecord(value) || value.format !== bundleFormat || value.log !== checkpointOrigin)
    return bad("format", `not a ${bundleFormat} document`);
  const { keyId, from, to, checkpoints, leaves } = value;
  if (typeof keyId !== "string") return bad("keyId", "keyId must be a string");
  if (!isSeq(from) || !isSeq(to) || to < from)
    return bad("from", "from and to must be seqs, from ≤ to");
  if (
    !Array.isArray(checkpoints) ||
    checkpoints.length === 0 ||
    checkpoints.length > bundleCheckpointsMax
  )
    return bad("checkpoints", `checkpoints must list 1 to ${bundleCheckpointsMax} checkpoints`);
  if (!Array.isArray(leaves) || leaves.length > bundleLeavesMax)
    return bad("leaves", `leaves must list at most ${bundleLeavesMax} leaves`);
  const readCheckpoints: BundleCheckpoint[] = [];
  for (const [i, c] of checkpoints.entries()) {
    const read = checkpointOf(c, i === 0);
    if (read === undefined) return bad(`checkpoints[${i}]`, "not a bundle checkpoint");
    readCheckpoints.push(read);
  }
  const readLeaves: BundleLeaf[] = [];
  for (const [i, l] of leaves.entries()) {
    const read = leafOf(l);
    if (read === undefined) return bad(`leaves[${i}]`, "not a bundle leaf");
    readLeaves.push(read);
  }
  return ok({
    format: bundleFormat,
    log: checkpointOrigin,
    keyId,
    from,
    to,
    checkpoints: readCheckpoints,
    leaves: readLeaves,
  });
}
