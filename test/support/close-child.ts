/**
 * A child process for the close crash test: runs the daily close of one date in small batches,
 * printing a line after each committed batch, so the parent can SIGKILL it mid-run.
 *
 * argv: JSON { databaseUrl?, sqlitePath, keyFile, date, batchSize, quietChunkSize?, now }
 */
import { closeBusinessDay } from "../../src/app/close/close-business-day.js";
import { openApp } from "../../src/cli/compose.js";

const job = JSON.parse(process.argv[2] ?? "{}") as {
  databaseUrl?: string;
  sqlitePath: string;
  keyFile: string;
  date: string;
  batchSize: number;
  quietChunkSize?: number;
  now: number;
};
const ctx = await openApp(
  { databaseUrl: job.databaseUrl, sqlitePath: job.sqlitePath, keyFile: job.keyFile },
  { clock: { now: () => job.now } },
);
const result = await closeBusinessDay(ctx, job.date, {
  batchSize: job.batchSize,
  quietChunkSize: job.quietChunkSize,
  onBatch: (closed) => process.stdout.write(`closed ${closed}\n`),
});
await ctx.store.close();
process.stdout.write(result.ok ? "done\n" : `refused ${result.error.code}\n`);
