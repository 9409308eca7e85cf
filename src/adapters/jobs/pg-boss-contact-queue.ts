import PgBoss from "pg-boss";
import type { ContactQueue } from "../../ports/contact-queue.js";
import { uuidOf } from "./pg-boss-close-queue.js";

/** The pg-boss queue of overdue-handling passes. */
export const contactQueueName = "fenqi-contacts";

/** How pg-boss times the passes: short, because a pass is bounded and runs every slot. */
export interface ContactQueueTiming {
  readonly expireInSeconds: number;
  readonly retryLimit: number;
  readonly pollingIntervalSeconds: number;
}

export const contactQueueTimingDefault: ContactQueueTiming = {
  expireInSeconds: 5 * 60,
  retryLimit: 2,
  pollingIntervalSeconds: 2,
};

/** The pass queue over pg-boss 10; each slot's job id is derived from the slot, so it exists once. */
export class PgBossContactQueue implements ContactQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly timing: ContactQueueTiming,
  ) {}

  static async open(
    connectionString: string,
    timing: ContactQueueTiming = contactQueueTimingDefault,
  ): Promise<PgBossContactQueue> {
    const boss = new PgBoss({ connectionString, schedule: false, max: 2 });
    boss.on("error", (error) => process.stderr.write(`fenqi: contact queue: ${error.name}\n`));
    await boss.start();
    await boss.createQueue(contactQueueName);
    return new PgBossContactQueue(boss, timing);
  }

  async offer(slot: string): Promise<void> {
    await this.boss.send(
      contactQueueName,
      { slot },
      {
        id: uuidOf(`${contactQueueName}/${slot}`),
        retryLimit: this.timing.retryLimit,
        expireInSeconds: this.timing.expireInSeconds,
      },
    );
  }

  async work(handler: () => Promise<void>): Promise<{ stop(): Promise<void> }> {
    let current: Promise<void> | undefined;
    const id = await this.boss.work(
      contactQueueName,
      { batchSize: 1, pollingIntervalSeconds: this.timing.pollingIntervalSeconds },
      async () => {
        current = handler();
        try {
          await current;
        } finally {
          current = undefined;
        }
      },
    );
    return {
      stop: async () => {
        await this.boss.offWork({ id });
        await current?.catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true });
  }
}
