import { once } from "node:events";
import { closeConcurrencyMax } from "../../adapters/jobs/pg-boss-close-queue.js";
import { PgBossContactQueue } from "../../adapters/jobs/pg-boss-contact-queue.js";
import { runClosePartition } from "../../app/close/close-partitioned.js";
import { startQueuedContactRunner } from "../../jobs/contact-runner.js";
import {
  closeDispatch,
  configurationFrom,
  contactRunnerOptions,
  openApp,
  openCloseQueue,
  openDispatch,
} from "../compose.js";
import { houseRulesBanner, houseRulesSetting } from "../house-rules-setting.js";
import { type CommandIo, exitInput, exitOk, reportProblems } from "../io.js";

const usage = "usage: fenqi worker [--concurrency N]";
/** Partitions one worker process closes at once unless told otherwise. */
const concurrencyDefault = 2;

/**
 * `fenqi worker [--concurrency N]`: closes daily-close partitions from the PostgreSQL job queue,
 * and runs the overdue-handling passes (plans, decisions, dispatch) shared through it, until
 * SIGINT or SIGTERM, then finishes the partitions in hand and exits. A partition that
 * fails is retried by whichever worker takes it next; one whose worker dies is taken over once
 * it expires. Contacts are judged under the house rules of `FENQI_HOUSE_RULES`; a bad file is
 * refused before anything is opened.
 */
export async function workerCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let concurrency = concurrencyDefault;
  if (args.length !== 0) {
    const n = Number(args[1]);
    if (args.length !== 2 || args[0] !== "--concurrency" || !Number.isInteger(n) || n < 1) {
      return reportProblems(io, "worker", [
        { code: "usage", field: args[0] ?? "", message: usage },
      ]);
    }
    if (n > closeConcurrencyMax) {
      return reportProblems(io, "worker", [
        {
          code: "range",
          field: "--concurrency",
          message: `--concurrency must be at most ${closeConcurrencyMax}`,
        },
      ]);
    }
    concurrency = n;
  }
  const house = await houseRulesSetting(process.env);
  if (!house.ok) return reportProblems(io, "worker", house.error);
  const config = { ...configurationFrom(process.env), houseRules: house.value };
  if (config.databaseUrl === undefined) {
    io.err(
      "fenqi worker: DATABASE_URL: workers share a PostgreSQL database; set DATABASE_URL (on SQLite, close-day runs the close in one process)\n",
    );
    return exitInput;
  }
  const ctx = await openApp(config);
  const queue = await openCloseQueue(config.databaseUrl, process.env);
  const contactQueue = await PgBossContactQueue.open(config.databaseUrl);
  const dispatch = openDispatch(process.env);
  try {
    const contacts = await startQueuedContactRunner(
      ctx,
      contactQueue,
      contactRunnerOptions(process.env, dispatch, (line) => io.err(`fenqi worker: ${line}\n`)),
    );
    const worker = await queue.work(
      async (partition) => {
        const label = `${partition.date} partition ${partition.index + 1}/${partition.of}`;
        io.err(`fenqi worker: closing ${label}\n`);
        const result = await runClosePartition(ctx, partition);
        // A refusal fails the attempt, so the queue retries it and finally counts it failed.
        if (!result.ok) throw new Error(`close refused: ${result.error.code}`);
        io.err(`fenqi worker: closed ${label} (${result.value.loans} loans)\n`);
      },
      { concurrency },
    );
    if (house.value) io.err(`fenqi worker: ${houseRulesBanner(house.value)}\n`);
    io.err(`fenqi worker: ready (concurrency ${concurrency})\n`);
    await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
    io.err("fenqi worker: stopping after the partitions in hand\n");
    await worker.stop();
    await contacts.stop();
    return exitOk;
  } finally {
    await closeDispatch(dispatch);
    await contactQueue.close();
    await queue.close();
    await ctx.store.close();
  }
}
