import { bytesOfHex } from "../../domain/audit/bytes.js";
import { checkpointText } from "../../domain/audit/checkpoint.js";
import { formatInstant } from "../../domain/calendar/instant.js";
import type { AuditLeaf } from "../../ports/store.js";
import { decidedLeafKind } from "../contacts/contact-log.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail, appOk } from "../errors.js";
import { inclusionProof } from "./checkpoints.js";

/**
 * What a borrower is handed to check one contact-log entry (DESIGN.md "Audit": "a borrower's
 * contact-log entries come with inclusion proofs"): the decision's audit leaf with every field
 * its hash covers, the signed checkpoint exactly as signed, and the audit path between them.
 * Checking it needs only the public key (docs/audit.md "Inclusion proofs").
 */
export interface AttemptProofView {
  readonly leaf: AuditLeaf;
  readonly seq: number;
  readonly checkpoint: {
    readonly seq: number;
    readonly treeSize: number;
    /** Root, hex (the text carries it in base64). */
    readonly rootHash: string;
    readonly at: string;
    /** The signed text (docs/audit.md "Checkpoints"). */
    readonly text: string;
    readonly keyId: string;
    /** Ed25519 over the UTF-8 of `text`, base64. */
    readonly signature: string;
  };
  /** The audit path, leaf's sibling first, hex (RFC 6962 §2.1.1). */
  readonly proof: readonly string[];
}

/**
 * The inclusion proof of attempt `attemptId`'s `contact.decided` leaf against the latest
 * checkpoint. `not_found` for an attempt that is not this borrower's, and for a decision newer
 * than the latest checkpoint (checkpoints are issued every `FENQI_CHECKPOINT_MINUTES`).
 */
export async function attemptProof(
  ctx: AppContext,
  borrowerId: string,
  attemptId: string,
): Promise<AppResult<AttemptProofView>> {
  const leaf = await ctx.store.transaction(async (tx) => {
    const attempt = await tx.contactAttempts.get(attemptId);
    if (attempt === undefined || attempt.borrowerId !== borrowerId) return undefined;
    const [found] = await tx.audit.bySubjects(decidedLeafKind, [attemptId]);
    return found;
  });
  if (leaf === undefined)
    return appFail("not_found", `no decision ${attemptId} on borrower ${borrowerId}'s contact log`);
  const proved = await inclusionProof(ctx, leaf.seq);
  if (!proved.ok) return proved;
  const { checkpoint, proof } = proved.value;
  const rootHash = bytesOfHex(checkpoint.rootHash) ?? new Uint8Array(0);
  return appOk({
    leaf: proved.value.leaf,
    seq: leaf.seq,
    checkpoint: {
      seq: checkpoint.seq,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      at: formatInstant(checkpoint.at),
      text: checkpointText({ treeSize: checkpoint.treeSize, rootHash, at: checkpoint.at }),
      keyId: checkpoint.keyId,
      signature: checkpoint.signature,
    },
    proof,
  });
}
