import { ConcurrentUpdateError, type StoreTx } from "../ports/store.js";
import type { AppContext } from "./context.js";
import { AppAbort, type AppResult } from "./errors.js";

/** How often a use case is retried when another writer changed the same loan first. */
export const concurrentRetriesMax = 8;

/**
 * Runs a use case in one transaction. An `AppAbort` rolls back and returns its error; a lost
 * optimistic-concurrency race (`ConcurrentUpdateError`) rolls back and runs the use case again
 * on fresh state, a bounded number of times. Anything else is a bug and propagates.
 */
export async function transact<T>(
  ctx: AppContext,
  work: (tx: StoreTx) => Promise<T>,
): Promise<AppResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await ctx.store.transaction(work) };
    } catch (error) {
      if (error instanceof AppAbort) return { ok: false, error: error.error };
      if (!(error instanceof ConcurrentUpdateError) || attempt >= concurrentRetriesMax) throw error;
    }
  }
}
