import { assert } from "../../domain/result.js";
import { loginThrottle } from "../../domain/users/roles.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { systemActor } from "../privacy/erase.js";

/** Rows one statement deletes at most, per table (STYLE 10, 13). */
export const loginHousekeepingBatchMax = 1000;
/** Rounds (one transaction each) a run takes at most; a longer backlog is left to the next run. */
export const loginHousekeepingRoundsMax = 100;

/** What one housekeeping run deleted. */
export interface LoginHousekeeping {
  /** Sessions past their expiry (ended by logout or not). */
  readonly sessions: number;
  /** Failed logins older than the throttle window: they can no longer count towards a lock. */
  readonly failures: number;
  /** Login locks that have ended. */
  readonly locks: number;
}

/**
 * Deletes the login rows nothing reads any more: expired sessions, failed logins older than the
 * throttle window (`loginThrottle.windowMs`) and ended locks, as of one instant read at the
 * start. Each round is one transaction of three bounded statements and, when it deleted anything,
 * one audit leaf with the counts (ids and counts only: the rows hold hashes, and the audit log
 * already has a leaf for every login, failure and lock). Rounds go on until a round finds less
 * than a full batch of every kind, or `roundsMax`. Live sessions, failures still in the window and
 * locks in force are never touched; safe to rerun and to run in several processes at once.
 */
export async function pruneLogins(
  ctx: AppContext,
  options: { readonly batchMax?: number; readonly roundsMax?: number } = {},
): Promise<LoginHousekeeping> {
  const batch = Math.min(options.batchMax ?? loginHousekeepingBatchMax, loginHousekeepingBatchMax);
  const roundsMax = options.roundsMax ?? loginHousekeepingRoundsMax;
  assert(batch >= 1 && roundsMax >= 1, "housekeeping needs a batch and a round");
  const at = ctx.clock.now();
  const total = { sessions: 0, failures: 0, locks: 0 };
  for (let round = 0; round < roundsMax; round++) {
    const deleted = await ctx.store.transaction(async (tx) => {
      const counts = {
        sessions: await tx.sessions.deleteExpired(at, batch),
        failures: await tx.loginThrottle.deleteFailuresBefore(at - loginThrottle.windowMs, batch),
        locks: await tx.loginThrottle.deleteLocksEndedBy(at, batch),
      };
      if (counts.sessions + counts.failures + counts.locks > 0) {
        await audit(tx, at, "auth.housekeeping", systemActor, counts);
      }
      return counts;
    });
    total.sessions += deleted.sessions;
    total.failures += deleted.failures;
    total.locks += deleted.locks;
    // Failures are counted in rows but bounded in (username, instant) pairs: a full batch may
    // count more rows than `batch`, hence `>=`.
    const more = deleted.sessions >= batch || deleted.failures >= batch || deleted.locks >= batch;
    if (!more) break;
  }
  return total;
}
