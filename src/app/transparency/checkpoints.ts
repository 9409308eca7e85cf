import { bytesOfHex, hexOf } from "../../domain/audit/bytes.js";
import { checkpointMessage } from "../../domain/audit/checkpoint.js";
import {
  type Hash,
  hashBytes,
  inclusionProofNodes,
  inclusionProof as inclusionProofOf,
  ProofNodeCollector,
  verifyInclusion,
} from "../../domain/audit/merkle.js";
import { assert } from "../../domain/result.js";
import type { CheckpointSigner } from "../../ports/signer.js";
import { type AuditLeaf, type CheckpointRecord, ConcurrentUpdateError } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail, appOk } from "../errors.js";
import { forEachLeaf } from "./leaf-stream.js";

/**
 * Issues a signed checkpoint of the audit log as it is now (DESIGN.md "Audit"): the RFC 6962
 * tree over every leaf, built from the stored leaf hashes one page at a time, then signed and
 * stored. It writes nothing else — not even an audit leaf, which would change the tree it
 * signs. A log with a gap is refused (`conflict`): `fenqi audit verify` names the gap.
 */
export async function issueCheckpoint(
  ctx: AppContext,
  signer: CheckpointSigner,
): Promise<AppResult<CheckpointRecord>> {
  const tree = new ProofNodeCollector([]);
  let gapAt: number | undefined;
  await forEachLeaf(ctx, (leaf) => {
    if (gapAt !== undefined) return;
    const hash = bytesOfHex(leaf.hash);
    if (leaf.seq !== tree.size || hash === undefined || hash.length !== hashBytes)
      gapAt = tree.size;
    else tree.push(hash);
  });
  if (gapAt !== undefined) {
    return appFail("conflict", `the audit log is broken at leaf ${gapAt}; run fenqi audit verify`);
  }
  const body = { treeSize: tree.size, rootHash: tree.root(), at: ctx.clock.now() };
  const signature = signer.sign(checkpointMessage(body));
  const input = { ...body, rootHash: hexOf(body.rootHash), keyId: signer.keyId, signature };
  try {
    return appOk(await ctx.store.transaction((tx) => tx.checkpoints.append(input)));
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    return appFail("conflict", "a checkpoint of a larger tree was issued meanwhile");
  }
}

/** A leaf with the audit path that ties it to a signed checkpoint. */
export interface InclusionProofView {
  readonly leaf: AuditLeaf;
  /** The checkpoint the proof leads to (its tree size, root, time, key id and signature). */
  readonly checkpoint: CheckpointRecord;
  /** The audit path, leaf's sibling first, hex (RFC 6962 §2.1.1). */
  readonly proof: readonly string[];
}

/**
 * The inclusion proof of leaf `seq` against the latest checkpoint: what a borrower is handed
 * with a contact-log entry so that anyone can check it was recorded. One pass over the leaves
 * the checkpoint covers (O(n) hashes, O(log n) memory); the proof is checked against the
 * checkpoint's root before it is returned. `not_found` when no checkpoint covers the leaf yet.
 */
export async function inclusionProof(
  ctx: AppContext,
  seq: number,
): Promise<AppResult<InclusionProofView>> {
  const checkpoint = await ctx.store.transaction((tx) => tx.checkpoints.latest());
  if (checkpoint === undefined || !Number.isSafeInteger(seq) || seq < 0) {
    return appFail("not_found", `no checkpoint covers leaf ${seq}`);
  }
  if (seq >= checkpoint.treeSize) {
    return appFail("not_found", `leaf ${seq} is not in checkpoint ${checkpoint.seq} yet`);
  }
  const collector = new ProofNodeCollector(inclusionProofNodes(seq, checkpoint.treeSize));
  let leaf: AuditLeaf | undefined;
  let sound = true;
  await forEachLeaf(
    ctx,
    (stored) => {
      const hash = bytesOfHex(stored.hash);
      if (stored.seq !== collector.size || hash === undefined || hash.length !== hashBytes)
        sound = false;
      if (!sound) return;
      if (stored.seq === seq) leaf = stored;
      collector.push(hash as Hash);
    },
    checkpoint.treeSize,
  );
  const root = bytesOfHex(checkpoint.rootHash);
  if (!sound || leaf === undefined || collector.size !== checkpoint.treeSize || !root) {
    return appFail(
      "conflict",
      "the audit log does not match its checkpoint; run fenqi audit verify",
    );
  }
  const proof = inclusionProofOf(seq, checkpoint.treeSize, collector.hashOf);
  const leafHash = bytesOfHex(leaf.hash) as Hash;
  if (!verifyInclusion(seq, checkpoint.treeSize, leafHash, proof, root)) {
    return appFail(
      "conflict",
      "the audit log does not match its checkpoint; run fenqi audit verify",
    );
  }
  assert(proof.length <= 64, "an audit path has at most one node per tree level");
  return appOk({ leaf, checkpoint, proof: proof.map(hexOf) });
}
