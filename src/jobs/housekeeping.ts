import type { AppContext } from "../app/context.js";
import { pruneLogins } from "../app/users/housekeeping.js";
import { type RepeatingHandle, startRepeating } from "./repeat.js";

/** How often `fenqi serve` deletes expired sessions and stale login-throttle rows. */
export const housekeepingIntervalMs = 60 * 60 * 1000;

export type HousekeepingHandle = RepeatingHandle;

/**
 * Runs login housekeeping (`pruneLogins`: expired sessions, failed logins past the throttle
 * window, ended locks) at start and then every `intervalMs`, inside `fenqi serve`. A run that
 * deleted something is reported by its counts; a failure is reported by its kind and tried again
 * at the next run. Runs never overlap, and the timer is unref'd: housekeeping alone never keeps
 * the process alive.
 */
export function startHousekeeping(
  ctx: AppContext,
  intervalMs: number,
  report: (line: string) => void,
): HousekeepingHandle {
  return startRepeating(
    async () => {
      const pruned = await pruneLogins(ctx);
      if (pruned.sessions + pruned.failures + pruned.locks > 0) {
        report(
          `housekeeping: deleted ${pruned.sessions} expired sessions, ${pruned.failures} old failed logins, ${pruned.locks} ended locks`,
        );
      }
    },
    intervalMs,
    (kind) => report(`housekeeping failed (${kind}); it runs again next time`),
  );
}
