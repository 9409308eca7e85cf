/**
 * A `fenqi worker` that dies holding a partition, for the partitioned-close crash test: it
 * takes one partition, closes its first batch (committed), prints `batch`, then blocks its event
 * loop (so it neither finishes nor lets go of the job) until the parent SIGKILLs it.
 *
 * argv: JSON { databaseUrl, sqlitePath, keyFile, batchSize, holdMs }; the queue's timing comes
 * from the FENQI_CLOSE_* variables, as for `fenqi worker`.
 */

import { PgBossCloseQueue } from "../../src/adapters/jobs/pg-boss-close-queue.js";
import { runClosePartition } from "../../src/app/close/close-partitioned.js";
import { closeQueueTimingFrom, openApp } from "../../src/cli/compose.js";

const job = JSON.parse(process.argv[2] ?? "{}") as {
  databaseUrl: string;
  sqlitePath: string;
  keyFile: string;
  batchSize: number;
  holdMs: number;
};
const ctx = await openApp(job);
const queue = await PgBossCloseQueue.open(job.databaseUrl, closeQueueTimingFrom(process.env));
const hold = new Int32Array(new SharedArrayBuffer(4));
await queue.work(
  async (partition) => {
    process.stdout.write(`started ${partition.index}\n`);
    await runClosePartition(ctx, partition, {
      batchSize: job.batchSize,
      onBatch: () => {
        process.stdout.write(`batch ${partition.index}\n`);
        // Blocks the whole process, as a hung or dying worker would.
        Atomics.wait(hold, 0, 0, job.holdMs);
      },
    });
  },
  { concurrency: 1 },
);
process.stdout.write("ready\n");
