/**
 * The queue of overdue-handling passes shared by `fenqi worker` processes on PostgreSQL
 * (DESIGN.md "src/jobs": dispatch through the job engine). Every worker offers the pass of the
 * current time slot; one pass per slot runs, on whichever worker takes it, and a pass whose worker
 * dies is taken over. A pass is safe to repeat: plans are claimed one by one and outbox messages
 * are leased, so two passes never judge a plan twice or send a message twice at once.
 */
export interface ContactQueue {
  /** Offers the pass of `slot` (e.g. the minute it is for); a slot already offered adds nothing. */
  offer(slot: string): Promise<void>;
  /** Runs passes with `handler` until stopped; a handler that throws fails the pass, which is retried. */
  work(handler: () => Promise<void>): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}
