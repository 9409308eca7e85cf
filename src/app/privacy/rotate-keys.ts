import { assert } from "../../domain/result.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";

/** Borrowers re-wrapped per transaction (STYLE 10, 13): short transactions, visible progress. */
export const rewrapBatchMax = 200;

/**
 * Passes over the borrowers one run makes at most. The second pass catches a borrower registered
 * behind the cursor by a process that had not yet seen the new key; a third finds nothing unless
 * such registrations keep coming, and a later `fenqi keys rewrap` takes what is left.
 */
export const rewrapPassesMax = 3;

export interface RewrapRun {
  /** The master key every data key is wrapped under now. */
  readonly masterKeyId: string;
  readonly rewrapped: number;
  /** Rows that changed under the run (erased, or re-wrapped by another run) and were left alone. */
  readonly skipped: number;
  readonly batches: number;
}

/**
 * Re-wraps every borrower's data key under the keyring's current master key (after
 * `fenqi keys rotate` added one), in batches of one transaction each, walking the borrowers by
 * id. Only the wrap changes: sealed data stays byte for byte, so readers open it with either wrap
 * while the run goes on. Restartable: each batch takes only borrowers still wrapped under another
 * key, so a rerun (or a run after a crash) re-wraps exactly what the committed batches did not.
 * Each row is replaced only if it is still as read (compare and set), so an erasure or a second
 * runner is never undone.
 */
export async function rewrapDataKeys(
  ctx: AppContext,
  options: { batchSize?: number; onBatch?: (run: RewrapRun) => void } = {},
): Promise<RewrapRun> {
  const masterKeyId = ctx.keyring.currentMasterKeyId();
  const size = Math.max(1, Math.min(options.batchSize ?? rewrapBatchMax, rewrapBatchMax));
  let run: RewrapRun = { masterKeyId, rewrapped: 0, skipped: 0, batches: 0 };
  for (let pass = 1; pass <= rewrapPassesMax; pass++) {
    const before = run.rewrapped;
    for (let after: string | undefined; ; ) {
      const batch = await ctx.store.transaction(async (tx) => {
        const rows = await tx.borrowers.wrappedElsewhere(masterKeyId, after, size);
        let rewrapped = 0;
        for (const row of rows) {
          const to = ctx.keyring.rewrapDataKey(row.masterKeyId, row.wrappedDataKey);
          assert(to.masterKeyId === masterKeyId, "the current master key changed during a run");
          if (await tx.borrowers.rewrap(row, to)) rewrapped++;
        }
        return { rows: rows.length, rewrapped, last: rows.at(-1)?.id };
      });
      if (batch.rows === 0) break;
      after = batch.last;
      run = {
        masterKeyId,
        rewrapped: run.rewrapped + batch.rewrapped,
        skipped: run.skipped + batch.rows - batch.rewrapped,
        batches: run.batches + 1,
      };
      options.onBatch?.(run);
    }
    // A pass that re-wrapped nothing leaves nothing behind it.
    if (run.rewrapped === before) break;
  }
  await ctx.store.transaction((tx) =>
    audit(tx, ctx.clock.now(), "keys.rewrapped", masterKeyId, {
      rewrapped: run.rewrapped,
      skipped: run.skipped,
      batches: run.batches,
    }),
  );
  return run;
}
