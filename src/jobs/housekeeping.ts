import type { AppContext } from "../app/context.js";
import { pruneLogins } from "../app/users/housekeeping.js";

/** How often `fenqi serve` deletes expired sessions and stale login-throttle rows. */
export const housekeepingIntervalMs = 60 * 60 * 1000;

export interface HousekeepingHandle {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

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
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      const pruned = await pruneLogins(ctx);
      if (pruned.sessions + pruned.failures + pruned.locks > 0) {
        report(
          `housekeeping: deleted ${pruned.sessions} expired sessions, ${pruned.failures} old failed logins, ${pruned.locks} ended locks`,
        );
      }
    } catch (error) {
      report(
        `housekeeping failed (${error instanceof Error ? error.name : "error"}); it runs again next time`,
      );
    }
  };
  const tick = () => {
    if (stopped) return;
    running = run().then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs).unref();
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
