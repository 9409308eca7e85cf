import { type Dispatch, dispatchDue } from "../app/contacts/dispatch.js";
import { planContacts, type StrategyFor } from "../app/contacts/plan-contacts.js";
import { runDuePlans } from "../app/contacts/run-plans.js";
import type { AppContext } from "../app/context.js";
import type { CivilDate } from "../domain/calendar/civil-date.js";
import { civilDateAt } from "../domain/calendar/instant.js";
import type { ContactQueue } from "../ports/contact-queue.js";

/** How often the runner looks for contacts due and messages to send, unless told otherwise. */
export const contactPollMsDefault = 30_000;

export interface ContactRunnerOptions {
  /** The ladder per loan (the one it records in `fenqi serve`), or undefined: no automatic contacts. */
  readonly strategy: StrategyFor | undefined;
  readonly dispatch: Dispatch;
  /** The lender's zone: which business date it is, for planning the strategy's steps. */
  readonly timeZone: string;
  readonly pollMs: number;
  readonly report: (line: string) => void;
}

export interface RunnerHandle {
  /** Runs one pass now (tests; the CLI's one-shot mode). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Overdue handling inside a process (DESIGN.md "src/jobs"): each pass plans the strategy's steps
 * for today (once per business date; planning again adds nothing), judges the planned contacts
 * that are due, and sends what the outbox holds. Passes never overlap; a failed pass is reported
 * and the next one picks up where it left off, because every step is a committed state.
 */
export function startContactRunner(ctx: AppContext, options: ContactRunnerOptions): RunnerHandle {
  const pass = contactPass(ctx, options);
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    if (running) return running;
    running = pass()
      .catch((error: unknown) => options.report(failureLine(error)))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, options.pollMs);
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * One pass, as a function to run on a timer (one process) or as a queued job (workers): plans
 * today's steps once per business date, judges due plans, sends due messages.
 */
export function contactPass(
  ctx: AppContext,
  options: Omit<ContactRunnerOptions, "pollMs">,
): () => Promise<void> {
  let planned: CivilDate | undefined;
  return async () => {
    const today = civilDateAt(ctx.clock.now(), options.timeZone);
    if (options.strategy && planned !== today) {
      const pass = await planContacts(ctx, today, options.strategy);
      planned = today;
      if (pass.planned > 0) options.report(`planned ${pass.planned} contacts for ${today}`);
      if (pass.unknownStrategy > 0)
        options.report(
          `skipped ${pass.unknownStrategy} loans for ${today}: their strategy is not a known ladder`,
        );
    }
    const plans = await runDuePlans(ctx, options.strategy);
    const sent = await dispatchDue(ctx, options.dispatch);
    if (plans.judged + plans.dropped + sent.sent + sent.retried + sent.failed > 0)
      options.report(
        `contacts: ${plans.judged} judged, ${plans.dropped} dropped; messages: ${sent.sent} sent, ${sent.retried} to retry, ${sent.failed} failed`,
      );
  };
}

export function failureLine(error: unknown): string {
  return `contact pass failed (${error instanceof Error ? error.name : "error"}); it runs again next time`;
}

/**
 * Workers on PostgreSQL share the passes through the job queue: each offers the pass of the
 * current slot (a slot is `pollMs` long) and works the queue, so one pass runs per slot
 * whichever workers are alive, and a pass whose worker died is taken over.
 */
export async function startQueuedContactRunner(
  ctx: AppContext,
  queue: ContactQueue,
  options: ContactRunnerOptions,
): Promise<{ stop(): Promise<void> }> {
  const pass = contactPass(ctx, options);
  const worker = await queue.work(async () => {
    try {
      await pass();
    } catch (error) {
      options.report(failureLine(error));
      throw error;
    }
  });
  const offer = () =>
    queue
      .offer(String(Math.floor(ctx.clock.now() / options.pollMs)))
      .catch((error: unknown) => options.report(failureLine(error)));
  const timer = setInterval(() => void offer(), options.pollMs);
  void offer();
  return {
    async stop() {
      clearInterval(timer);
      await worker.stop();
    },
  };
}
