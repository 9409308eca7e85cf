import type { AuditLeaf } from "../../ports/store.js";
import { pageSizeMax } from "../../ports/store.js";
import type { AppContext } from "../context.js";

/** Leaves read per transaction while streaming the log (STYLE 10): one bounded page at a time. */
export const leafPageSize = pageSizeMax;

/**
 * Calls `visit` with the log's leaves in order, page by page, from `fromSeq` until the log ends
 * or `untilSeq` (exclusive). Each page is read in its own short transaction: leaves are
 * append-only, so pages need no common snapshot, and a long read never holds up writers (a
 * SQLite write transaction would). Only one page is ever in memory.
 */
export async function forEachLeaf(
  ctx: AppContext,
  visit: (leaf: AuditLeaf) => void,
  untilSeq: number = Number.MAX_SAFE_INTEGER,
  fromSeq = 0,
): Promise<void> {
  let next = fromSeq;
  while (next < untilSeq) {
    const limit = Math.min(leafPageSize, untilSeq - next);
    const page = await ctx.store.transaction((tx) => tx.audit.list(next, limit));
    for (const leaf of page) {
      if (leaf.seq >= untilSeq) return;
      visit(leaf);
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < limit) return;
    next = last.seq + 1;
  }
}
