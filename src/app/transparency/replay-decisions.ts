import { replayDecision } from "../../domain/policy/replay.js";
import type { ContactAttemptRecord } from "../../ports/contact-store.js";
import { type AuditLeaf, pageSizeMax } from "../../ports/store.js";
import { decidedLeafKind } from "../contacts/contact-log.js";
import type { AppContext } from "../context.js";

/** Attempts re-judged per read (STYLE 10): one bounded page, one short transaction each. */
export const replayBatchSize = pageSizeMax;
/** Disagreements a report lists; the rest are counted. */
export const replayDisagreementsMax = 100;

export interface ReplayDisagreement {
  readonly attemptId: string;
  /** A decision field, or `leaf.<field>` where the stored decision differs from its audit leaf. */
  readonly field: string;
  readonly stored: string;
  readonly replayed: string;
}

export interface ReplayReport {
  readonly decisions: number;
  /** Decisions with at least one disagreement. */
  readonly disagreeing: number;
  readonly disagreements: readonly ReplayDisagreement[];
  readonly disagreementsOmitted: number;
}

/**
 * `fenqi audit replay` (DESIGN.md "Audit"): re-judges every stored contact decision from its
 * stored inputs with the pack version it names and the house rules it names, found by ref in
 * `ctx.houseRules` (src/domain/policy/replay.ts), and compares the
 * stored decision with its `contact.decided` audit leaf — the leaf is in the signed tree, so a
 * decision edited in the store together with consistent inputs still disagrees with it. Pages
 * through the attempts in id order, `replayBatchSize` at a time.
 */
export async function replayDecisions(ctx: AppContext): Promise<ReplayReport> {
  const listed: ReplayDisagreement[] = [];
  let count = 0;
  let decisions = 0;
  let disagreeing = 0;
  let after: string | undefined;
  for (;;) {
    const { attempts, leaves } = await ctx.store.transaction(async (tx) => {
      const page = await tx.contactAttempts.listAll(after, replayBatchSize);
      const ids = page.map((a) => a.id);
      return { attempts: page, leaves: await tx.audit.bySubjects(decidedLeafKind, ids) };
    });
    const leafOf = new Map(leaves.map((leaf) => [leaf.subject, leaf]));
    for (const attempt of attempts) {
      decisions += 1;
      const found = [
        ...replayDecision(attempt, ctx.houseRules),
        ...leafDifferences(attempt, leafOf.get(attempt.id)),
      ];
      if (found.length > 0) disagreeing += 1;
      for (const d of found) {
        count += 1;
        if (listed.length < replayDisagreementsMax) listed.push({ attemptId: attempt.id, ...d });
      }
    }
    const last = attempts[attempts.length - 1];
    if (last === undefined || attempts.length < replayBatchSize) break;
    after = last.id;
  }
  return {
    decisions,
    disagreeing,
    disagreements: listed,
    disagreementsOmitted: count - listed.length,
  };
}

/** Where the stored decision differs from what its audit leaf recorded at the time. */
function leafDifferences(
  attempt: ContactAttemptRecord,
  leaf: AuditLeaf | undefined,
): { field: string; stored: string; replayed: string }[] {
  if (leaf === undefined) return [{ field: "leaf", stored: "none", replayed: "no audit leaf" }];
  const recorded: Record<string, string> = {
    outcome: attempt.outcome,
    rules: attempt.rules.join(","),
    pack: attempt.pack,
    // Leaves of decisions without house rules have no `house`: both sides read "".
    house: attempt.house ?? "",
    inputHash: attempt.inputHash,
  };
  const out: { field: string; stored: string; replayed: string }[] = [];
  for (const [field, value] of Object.entries(recorded)) {
    const inLeaf = String(leaf.data[field] ?? "");
    if (inLeaf !== value) out.push({ field: `leaf.${field}`, stored: value, replayed: inLeaf });
  }
  return out;
}
