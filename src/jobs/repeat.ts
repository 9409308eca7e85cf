/** A task repeating inside a process until stopped. */
export interface RepeatingHandle {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `task` at once and then `intervalMs` after each run ends, until stopped: runs never
 * overlap. The task reports its own outcome; anything it throws is reported as `failed` (by the
 * error's kind only: a message could carry data) and the next run tries again. The timer is
 * unref'd: a repeating job alone never keeps the process alive.
 */
export function startRepeating(
  task: () => Promise<void>,
  intervalMs: number,
  failed: (errorKind: string) => void,
): RepeatingHandle {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      await task();
    } catch (error) {
      failed(error instanceof Error ? error.name : "error");
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
