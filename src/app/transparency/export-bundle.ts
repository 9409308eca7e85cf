import {
  type AuditBundle,
  type BundleCheckpoint,
  type BundleLeaf,
  bundleCheckpointsMax,
  bundleFormat,
  bundleLeavesMax,
} from "../../domain/audit/bundle.js";
import { bytesOfHex, hexOf } from "../../domain/audit/bytes.js";
import { checkpointOrigin, checkpointText } from "../../domain/audit/checkpoint.js";
import {
  consistencyProof,
  consistencyProofNodes,
  type Hash,
  hashBytes,
  inclusionProof,
  inclusionProofNodes,
  type NodeRange,
  ProofNodeCollector,
} from "../../domain/audit/merkle.js";
import type { CheckpointSigner } from "../../ports/signer.js";
import type { AuditLeaf, CheckpointRecord } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail, appOk } from "../errors.js";
import { issueCheckpoint } from "./checkpoints.js";
import { forEachLeaf } from "./leaf-stream.js";
import { readCheckpoints } from "./verify-audit.js";

/** What `exportBundle` made, and the checkpoint it had to issue first, if any. */
export interface ExportedBundle {
  readonly bundle: AuditBundle;
  readonly issued: CheckpointRecord | undefined;
}

/**
 * Exports leaves `from` … `to` (inclusive) as a self-contained bundle (docs/audit.md "Export
 * bundles"): the leaves with every stored field, the checkpoints that cover the range up to the
 * latest one (the anchor), an audit path for every leaf against the anchor and a consistency
 * proof between consecutive checkpoints. When no checkpoint covers `to` yet, one is issued first
 * with `signer` (and returned as `issued`). One pass over the leaves the anchor covers; the
 * bundle is bounded by `bundleLeavesMax` leaves and `bundleCheckpointsMax` checkpoints.
 *
 * The bundle is built from what is stored, as stored: a tampered leaf is exported as it is and
 * the bundle fails to verify, which is the point. Only a log with a gap is refused (`conflict`),
 * since proofs cannot be built across one.
 */
export async function exportBundle(
  ctx: AppContext,
  range: { readonly from: number; readonly to: number },
  signer: CheckpointSigner,
): Promise<AppResult<ExportedBundle>> {
  const { from, to } = range;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from)
    return appFail("invalid_input", "--from and --to must be leaf seqs with from ≤ to");
  if (to - from + 1 > bundleLeavesMax)
    return appFail("invalid_input", `a bundle holds at most ${bundleLeavesMax} leaves`);
  const count = await ctx.store.transaction((tx) => tx.audit.count());
  if (to >= count) return appFail("not_found", `the log holds leaves 0–${count - 1}`);
  let issued: CheckpointRecord | undefined;
  let refused: AppResult<never> | undefined;
  const latest = await ctx.store.transaction((tx) => tx.checkpoints.latest());
  if (latest === undefined || latest.treeSize <= to) {
    // A refusal because another issuer got there first is no refusal here: its checkpoint serves.
    const made = await issueCheckpoint(ctx, signer);
    if (made.ok) issued = made.value;
    else refused = made;
  }
  const chain = thin((await readCheckpoints(ctx)).filter((c) => c.treeSize > to));
  const anchor = chain[chain.length - 1];
  if (anchor === undefined) return refused ?? appFail("conflict", "no checkpoint covers the range");
  const collected = await collect(ctx, range, chain);
  if (!collected.ok) return collected;
  const { tree, stored } = collected.value;
  const leaves: BundleLeaf[] = stored.map((leaf) => ({
    ...leaf,
    proof: inclusionProof(leaf.seq, anchor.treeSize, tree.hashOf).map(hexOf),
  }));
  const checkpoints: BundleCheckpoint[] = chain.map((c, i) => {
    const previous = chain[i - 1];
    const signed = { seq: c.seq, text: textOf(c), keyId: c.keyId, signature: c.signature };
    if (previous === undefined) return signed;
    const proof = consistencyProof(previous.treeSize, c.treeSize, tree.hashOf);
    return { ...signed, consistency: proof.map(hexOf) };
  });
  const bundle: AuditBundle = {
    format: bundleFormat,
    log: checkpointOrigin,
    keyId: anchor.keyId,
    from,
    to,
    checkpoints,
    leaves,
  };
  return appOk({ bundle, issued });
}

/** At most `bundleCheckpointsMax`: the first, then the latest ones (any two can be linked). */
function thin(chain: readonly CheckpointRecord[]): CheckpointRecord[] {
  if (chain.length <= bundleCheckpointsMax) return [...chain];
  return [chain[0] as CheckpointRecord, ...chain.slice(chain.length - bundleCheckpointsMax + 1)];
}

function textOf(c: CheckpointRecord): string {
  const rootHash = bytesOfHex(c.rootHash) ?? new Uint8Array(0);
  return checkpointText({ treeSize: c.treeSize, rootHash, at: c.at });
}

/** The proof nodes the bundle needs, each once. */
function wantedNodes(
  range: { readonly from: number; readonly to: number },
  chain: readonly CheckpointRecord[],
): NodeRange[] {
  const anchorSize = (chain[chain.length - 1] as CheckpointRecord).treeSize;
  const nodes = new Map<string, NodeRange>();
  const want = (node: NodeRange) => nodes.set(`${node.start}:${node.end}`, node);
  for (let seq = range.from; seq <= range.to; seq++)
    inclusionProofNodes(seq, anchorSize).forEach(want);
  for (let i = 1; i < chain.length; i++) {
    const [a, b] = [chain[i - 1] as CheckpointRecord, chain[i] as CheckpointRecord];
    if (a.treeSize <= b.treeSize) consistencyProofNodes(a.treeSize, b.treeSize).forEach(want);
  }
  return [...nodes.values()];
}

/** One pass over the anchor's leaves: the proof nodes, and the leaves in range as stored. */
async function collect(
  ctx: AppContext,
  range: { readonly from: number; readonly to: number },
  chain: readonly CheckpointRecord[],
): Promise<AppResult<{ tree: ProofNodeCollector; stored: AuditLeaf[] }>> {
  const anchorSize = (chain[chain.length - 1] as CheckpointRecord).treeSize;
  const tree = new ProofNodeCollector(wantedNodes(range, chain));
  const stored: AuditLeaf[] = [];
  let gap = false;
  await forEachLeaf(
    ctx,
    (leaf) => {
      const hash = bytesOfHex(leaf.hash);
      if (gap || leaf.seq !== tree.size || hash === undefined || hash.length !== hashBytes) {
        gap = true;
        return;
      }
      if (leaf.seq >= range.from && leaf.seq <= range.to) stored.push(leaf);
      tree.push(hash as Hash);
    },
    anchorSize,
  );
  if (gap || tree.size !== anchorSize) {
    return appFail(
      "conflict",
      "the audit log has a gap or an unreadable hash; run fenqi audit verify",
    );
  }
  return appOk({ tree, stored });
}
