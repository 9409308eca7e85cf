import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { CivilDate } from "../../domain/calendar/civil-date.js";
import type { JurisdictionId } from "../../domain/jurisdiction/packs.js";
import type {
  ClosePartition,
  CloseProgress,
  CloseQueue,
  CloseWorker,
  CloseWorkOptions,
} from "../../ports/close-queue.js";

/** The pg-boss queue of daily-close partitions. */
export const closeQueueName = "fenqi-close";

/** The most partitions one process works on at once (STYLE 10). */
export const closeConcurrencyMax = 32;

/** How pg-boss times the close jobs. Tests shorten them; production keeps the defaults. */
export interface CloseQueueTiming {
  /** Attempts after the first before a partition fails for good. */
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  /**
   * How long a worker may hold a partition: after it the partition is failed by timeout and
   * retried, so a crashed worker's partition is taken over. Longer than any partition takes.
   */
  readonly expireInSeconds: number;
  /** How often some process checks for expired partitions (pg-boss maintenance). */
  readonly maintenanceIntervalSeconds: number;
  readonly pollingIntervalSeconds: number;
}

export const closeQueueTimingDefault: CloseQueueTiming = {
  retryLimit: 5,
  retryDelaySeconds: 10,
  expireInSeconds: 15 * 60,
  maintenanceIntervalSeconds: 60,
  pollingIntervalSeconds: 2,
};

/** The job payload: a partition as JSON. */
type CloseJobData = ClosePartition;

/**
 * The close queue over pg-boss 10 (its own `pgboss` schema in the same database). Each
 * partition is one job whose id is derived from (date, jurisdiction, index, count): pg-boss inserts with
 * ON CONFLICT DO NOTHING, so enqueuing a partition twice leaves one job. The singleton key
 * `date/jurisdiction/index/count` only names the job for people reading the table (pg-boss 10 dedupes by
 * singleton key only under the non-standard queue policies).
 */
export class PgBossCloseQueue implements CloseQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly timing: CloseQueueTiming,
  ) {}

  /** Starts pg-boss (creating or migrating its schema) and the close queue. */
  static async open(
    connectionString: string,
    timing: CloseQueueTiming = closeQueueTimingDefault,
  ): Promise<PgBossCloseQueue> {
    const boss = new PgBoss({
      connectionString,
      maintenanceIntervalSeconds: timing.maintenanceIntervalSeconds,
      // Monitoring and cron are not used by the close; fewer timers, fewer connections.
      schedule: false,
      max: 4,
    });
    // pg-boss reports background failures (a lost connection) as events; without a listener
    // an EventEmitter error would crash the process. The next poll retries.
    boss.on("error", (error) => process.stderr.write(`fenqi: job queue: ${error.name}\n`));
    await boss.start();
    // Before any send: pg-boss 10 silently drops jobs of a queue that does not exist.
    await boss.createQueue(closeQueueName);
    return new PgBossCloseQueue(boss, timing);
  }

  /**
   * Sends each partition under its derived id (a repeat is a no-op), then gives any of them that
   * failed for good in an earlier run one more attempt: planning a date again is how an
   * operator resumes it after fixing the cause.
   */
  async enqueue(partitions: readonly ClosePartition[]): Promise<void> {
    const ids: string[] = [];
    for (const partition of partitions) {
      const key = `${partition.date}/${partition.jurisdiction ?? "all"}/${partition.index}/${partition.of}`;
      const id = uuidOf(`${closeQueueName}/${key}`);
      ids.push(id);
      await this.boss.send(closeQueueName, partition, {
        id,
        singletonKey: key,
        retryLimit: this.timing.retryLimit,
        retryDelay: this.timing.retryDelaySeconds,
        expireInSeconds: this.timing.expireInSeconds,
      });
    }
    if (ids.length > 0) await this.boss.retry(closeQueueName, ids);
  }

  /**
   * Counts the date's jobs by state with one query on pg-boss's tables (`job`, and `archive`
   * where completed jobs move after hours), through pg-boss's own connection: pg-boss 10 has
   * no API to count jobs by their data.
   */
  async progress(date: CivilDate, jurisdiction?: JurisdictionId): Promise<CloseProgress> {
    const { rows } = await this.boss.getDb().executeSql(
      `select state, count(*)::int as n from (
         select state from pgboss.job where name = $1 and data->>'date' = $2
           and coalesce(data->>'jurisdiction', '') = $3
         union all
         select state from pgboss.archive where name = $1 and data->>'date' = $2
           and coalesce(data->>'jurisdiction', '') = $3
       ) jobs group by state`,
      [closeQueueName, date, jurisdiction ?? ""],
    );
    let total = 0;
    let done = 0;
    let failed = 0;
    for (const row of rows as { state: string; n: number }[]) {
      total += row.n;
      if (row.state === "completed") done += row.n;
      if (row.state === "failed" || row.state === "cancelled") failed += row.n;
    }
    return { total, done, failed };
  }

  async work(
    handler: (partition: ClosePartition) => Promise<void>,
    options: CloseWorkOptions,
  ): Promise<CloseWorker> {
    const concurrency = Math.min(Math.max(1, options.concurrency), closeConcurrencyMax);
    const inFlight = new Set<Promise<void>>();
    const ids: string[] = [];
    // pg-boss 10 has one job loop per `work` call: concurrency is that many loops, each taking
    // one job at a time. Handlers receive arrays, here always of one job.
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work<CloseJobData>(
        closeQueueName,
        { batchSize: 1, pollingIntervalSeconds: this.timing.pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) {
            const run = handler(job.data);
            inFlight.add(run);
            try {
              await run;
            } finally {
              inFlight.delete(run);
            }
          }
        },
      );
      ids.push(id);
    }
    return {
      stop: async () => {
        for (const id of ids) await this.boss.offWork({ id });
        await Promise.allSettled([...inFlight]);
      },
    };
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true });
  }
}

/** A UUID (version 4 layout) derived from `text`: the same text, the same job id. */
export function uuidOf(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
