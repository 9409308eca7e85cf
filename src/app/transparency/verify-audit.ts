import {
  type AuditProblem,
  auditProblemsMax,
  checkCheckpointLink,
  checkCheckpointSignature,
  LeafSequenceCheck,
  ProblemList,
  type VerifySignature,
} from "../../domain/audit/audit-check.js";
import { bytesOfHex, hexOf } from "../../domain/audit/bytes.js";
import {
  consistencyProof,
  consistencyProofNodes,
  emptyTreeRoot,
  type Hash,
  hashBytes,
  type NodeRange,
  ProofNodeCollector,
  treeSizeMax,
} from "../../domain/audit/merkle.js";
import type { SignatureVerifier } from "../../ports/signer.js";
import { type CheckpointRecord, pageSizeMax } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { loanLedgerMismatches } from "../loans/verify-ledger.js";
import { forEachLeaf } from "./leaf-stream.js";

export type { AuditProblem, AuditProblemKind } from "../../domain/audit/audit-check.js";
export { auditProblemsMax } from "../../domain/audit/audit-check.js";

export interface AuditReport {
  /** True when nothing is wrong. */
  readonly sound: boolean;
  /** Leaves read, and the RFC 6962 root over them, hex. */
  readonly leaves: number;
  readonly rootHash: string;
  readonly checkpoints: number;
  readonly loans: number;
  /** The first problems found, at most `auditProblemsMax`, the first bad position first. */
  readonly problems: readonly AuditProblem[];
  /** Problems found beyond those listed. */
  readonly problemsOmitted: number;
}

/**
 * `fenqi audit verify` (DESIGN.md "Audit", "Ledger"). Checks, without trusting anything stored
 * about itself:
 *
 * 1. every leaf: its hash recomputed from its stored fields (seq included, so two leaves swapped
 *    fail) equals its stored hash, and the seqs run 0, 1, 2, … without a gap;
 * 2. the tree: rebuilt from the recomputed leaf hashes in one pass, page by page;
 * 3. every checkpoint: its signature, its root against the rebuilt tree head at its size, and
 *    the RFC 6962 consistency proof from the checkpoint before it;
 * 4. the ledger: every journal entry and all postings sum to zero, and every loan's cached
 *    balances equal those its postings derive.
 *
 * Problems come in that order, so the first names the first bad position.
 */
export async function verifyAudit(
  ctx: AppContext,
  verifier: SignatureVerifier,
): Promise<AuditReport> {
  const problems = new ProblemList();
  const checkpoints = await readCheckpoints(ctx);
  const tree = new ProofNodeCollector(wantedNodes(checkpoints));
  const leaves = new LeafSequenceCheck(problems);
  await forEachLeaf(ctx, (leaf) => tree.push(leaves.next(leaf)));
  checkCheckpoints(checkpoints, tree, verifier, problems);
  const loans = await checkLedger(ctx, problems);
  return {
    sound: problems.count === 0,
    leaves: tree.size,
    rootHash: hexOf(tree.root()),
    checkpoints: checkpoints.length,
    loans,
    problems: problems.listed,
    problemsOmitted: problems.omitted,
  };
}

/** Every checkpoint, in order. They are few and small (one per issue), unlike the leaves. */
export async function readCheckpoints(ctx: AppContext): Promise<CheckpointRecord[]> {
  const all: CheckpointRecord[] = [];
  for (;;) {
    const from = all.length === 0 ? 0 : (all[all.length - 1] as CheckpointRecord).seq + 1;
    const page = await ctx.store.transaction((tx) => tx.checkpoints.list(from, pageSizeMax));
    all.push(...page);
    if (page.length < pageSizeMax) return all;
  }
}

/** The nodes the pass must catch: each checkpoint's tree head and each consistency proof. */
function wantedNodes(checkpoints: readonly CheckpointRecord[]): NodeRange[] {
  const nodes: NodeRange[] = [];
  let previous = 0;
  for (const checkpoint of checkpoints) {
    // The same checkpoints `checkCheckpoints` compares, in the same pairs.
    const { treeSize } = checkpoint;
    if (rootOf(checkpoint) === undefined || treeSize > treeSizeMax) continue;
    if (treeSize > 0) nodes.push({ start: 0, end: treeSize });
    if (previous <= treeSize) nodes.push(...consistencyProofNodes(previous, treeSize));
    previous = treeSize;
  }
  return nodes;
}

function rootOf(checkpoint: CheckpointRecord): Hash | undefined {
  const root = bytesOfHex(checkpoint.rootHash);
  return root !== undefined && root.length === hashBytes ? root : undefined;
}

function checkCheckpoints(
  checkpoints: readonly CheckpointRecord[],
  tree: ProofNodeCollector,
  verifier: SignatureVerifier,
  problems: ProblemList,
): void {
  const verify: VerifySignature = (keyId, message, signature) =>
    verifier.verify(keyId, message, signature);
  let previous: { treeSize: number; rootHash: Hash } = { treeSize: 0, rootHash: emptyTreeRoot };
  for (const checkpoint of checkpoints) {
    const { seq, treeSize: size } = checkpoint;
    const where = `checkpoint ${seq}`;
    const root = rootOf(checkpoint);
    if (root === undefined || size > treeSizeMax) {
      problems.add("checkpoint_format", where, `checkpoint ${seq} has no valid root hash or size`);
      continue;
    }
    const current = { ...checkpoint, body: { treeSize: size, rootHash: root, at: checkpoint.at } };
    checkCheckpointSignature(current, verify, problems);
    if (size > tree.size) {
      problems.add(
        "checkpoint_size",
        where,
        `checkpoint ${seq} covers ${size} leaves; the log holds ${tree.size}`,
      );
    } else if (
      hexOf(size === 0 ? emptyTreeRoot : tree.hashOf({ start: 0, end: size })) !==
      checkpoint.rootHash
    ) {
      problems.add(
        "checkpoint_root",
        where,
        `checkpoint ${seq} root differs from the log's tree head at size ${size}`,
      );
    }
    // The proof comes from the rebuilt tree: it exists when both sizes are within the log.
    const proof =
      previous.treeSize <= size && size <= tree.size
        ? consistencyProof(previous.treeSize, size, tree.hashOf)
        : undefined;
    checkCheckpointLink(previous, current, proof, problems);
    previous = current.body;
  }
}

/** The ledger's double-entry checks; returns the number of loans compared. */
async function checkLedger(ctx: AppContext, problems: ProblemList): Promise<number> {
  const { unbalanced, total } = await ctx.store.transaction(async (tx) => ({
    unbalanced: await tx.ledger.unbalancedEntries(auditProblemsMax),
    total: await tx.ledger.total(),
  }));
  for (const entry of unbalanced) {
    problems.add(
      "ledger_entry",
      `journal entry ${entry.entryId}`,
      `journal entry ${entry.entryId} (loan ${entry.loanId}, ${entry.operationId}) sums to ${entry.sum}, not 0`,
    );
  }
  if (total !== 0n) {
    problems.add("ledger_total", "ledger", `all postings sum to ${total}, not 0`);
  }
  let loans = 0;
  let after: string | undefined;
  for (;;) {
    const page = await ctx.store.transaction((tx) =>
      tx.loans.list(
        {},
        after === undefined ? { limit: pageSizeMax } : { after, limit: pageSizeMax },
      ),
    );
    for (const loan of page) {
      loans += 1;
      for (const m of await loanLedgerMismatches(ctx, loan.id)) {
        problems.add(
          "ledger_balance",
          `loan ${m.loanId}`,
          `loan ${m.loanId}: ${m.account} is ${m.state} in the loan and ${m.ledger} in the postings`,
        );
      }
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSizeMax) return loans;
    after = last.id;
  }
}
