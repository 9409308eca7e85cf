import { setTimeout as sleep } from "node:timers/promises";
import {
  endedWhere,
  type JurisdictionDate,
  lastEndedDates,
} from "../../app/close/business-dates.js";
import { closeBusinessDay } from "../../app/close/close-business-day.js";
import {
  closePartitionsDefault,
  planClose,
  runClosePartition,
} from "../../app/close/close-partitioned.js";
import type { AppContext } from "../../app/context.js";
import { parseCivilDate } from "../../domain/calendar/civil-date.js";
import type { Problem } from "../../domain/result.js";
import { partitionCountMax } from "../../ports/store.js";
import { configurationFrom, openApp, openCloseQueue } from "../compose.js";
import { type CommandIo, exitInternal, exitOk, reportProblems } from "../io.js";

const usage = "usage: fenqi close-day [--date YYYY-MM-DD] [--partitions N]";
/** Width of the progress bar in characters. */
const barWidth = 30;
/** How often the partitioned close looks at the queue's progress. */
const progressPollMs = 500;
/** Partitions the planning process closes at once while it waits for the rest. */
const ownConcurrency = 2;

interface CloseDayOptions {
  readonly date: string | undefined;
  readonly partitions: number;
}

/**
 * `fenqi close-day [--date D] [--partitions N]`: the daily close of business date D over the
 * configured store, catching up every date a loan missed, jurisdiction by jurisdiction: each
 * jurisdiction's loans are closed for D where D has ended in its pack's time zone (default: each
 * one's yesterday). Safe to interrupt and run again. Progress goes to stderr.
 *
 * On SQLite the close runs here, batch after batch. On PostgreSQL (DATABASE_URL) it is cut into
 * N partitions (default 8) on the job queue, which `fenqi worker` processes share; this process
 * works partitions too, so the close finishes with no worker running, and it waits until every
 * partition of D is done (exit 1 if any failed after its retries).
 */
export async function closeDayCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const options = readOptions(args);
  if (!options.ok) return reportProblems(io, "close-day", [options.error]);
  const config = configurationFrom(process.env);
  const ctx = await openApp(config);
  try {
    const dates = businessDates(ctx, options.value.date, io);
    if (!dates.ok) return reportProblems(io, "close-day", [dates.error]);
    for (const date of dates.value) {
      const exit =
        config.databaseUrl === undefined
          ? await closeInProcess(ctx, date, io)
          : await closePartitioned(ctx, config.databaseUrl, date, options.value.partitions, io);
      if (exit !== exitOk) return exit;
    }
    return exitOk;
  } catch (error) {
    io.err(
      `\nfenqi close-day: stopped (${error instanceof Error ? error.name : "error"}); run it again to continue\n`,
    );
    return exitInternal;
  } finally {
    await ctx.store.close();
  }
}

function readOptions(args: readonly string[]):
  | { ok: true; value: CloseDayOptions }
  | {
      ok: false;
      error: Problem;
    } {
  let date: string | undefined;
  let partitions = closePartitionsDefault;
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === "--date" && value !== undefined) date = value;
    else if (name === "--partitions" && value !== undefined) {
      partitions = Number(value);
      if (!Number.isInteger(partitions) || partitions < 1 || partitions > partitionCountMax)
        return {
          ok: false,
          error: {
            code: "range",
            field: "--partitions",
            message: `--partitions must be a whole number from 1 to ${partitionCountMax}`,
          },
        };
    } else return { ok: false, error: { code: "usage", field: name ?? "", message: usage } };
  }
  return { ok: true, value: { date, partitions } };
}

/**
 * What to close: each jurisdiction's `text` date where it has ended in the pack's time zone, or
 * each jurisdiction's yesterday. A date that has ended nowhere yet is refused; where it has ended
 * only in some zones, the others are left for a later run and said so.
 */
function businessDates(
  ctx: AppContext,
  text: string | undefined,
  io: CommandIo,
): { ok: true; value: JurisdictionDate[] } | { ok: false; error: Problem } {
  const now = ctx.clock.now();
  if (text === undefined) return { ok: true, value: lastEndedDates(now) };
  const parsed = parseCivilDate(text, "--date");
  if (!parsed.ok) return parsed;
  const { ended, open } = endedWhere(parsed.value, now);
  if (ended.length === 0)
    return {
      ok: false,
      error: {
        code: "date.open",
        field: "--date",
        message: "--date must be a business date that has ended (before today)",
      },
    };
  for (const d of open)
    io.err(
      `fenqi close-day: ${d.date} has not ended in ${d.timeZone}: ${d.jurisdiction} loans not closed\n`,
    );
  return { ok: true, value: ended };
}

async function closeInProcess(
  ctx: AppContext,
  { date, jurisdiction }: JurisdictionDate,
  io: CommandIo,
): Promise<number> {
  // The bar counts this jurisdiction's loans: those the close of its date walks.
  const total = (await ctx.store.transaction((tx) => tx.loans.idRange(jurisdiction))).count;
  const started = Date.now();
  const result = await closeBusinessDay(ctx, date, {
    jurisdiction,
    onBatch: (closed) => io.err(`\r${progressBar(closed, total)} ${closed}/${total} loans`),
  });
  if (!result.ok)
    return reportProblems(io, "close-day", [
      { code: result.error.code, field: "--date", message: result.error.message },
    ]);
  const seconds = secondsSince(started);
  io.err(result.value.loans ? "\n" : "");
  io.out(
    `fenqi close-day: closed ${date} for ${result.value.loans} loans under ${jurisdiction} products: ` +
      `${result.value.quiet} set-based, ` +
      `${result.value.loans - result.value.quiet} in ${result.value.batches} batches (${seconds} s)\n`,
  );
  return exitOk;
}

async function closePartitioned(
  ctx: AppContext,
  databaseUrl: string,
  { date, jurisdiction }: JurisdictionDate,
  parts: number,
  io: CommandIo,
): Promise<number> {
  const started = Date.now();
  const queue = await openCloseQueue(databaseUrl, process.env);
  try {
    const planned = await planClose(ctx, queue, date, parts, jurisdiction);
    const worker = await queue.work(
      async (partition) => {
        const result = await runClosePartition(ctx, partition);
        if (!result.ok) throw new Error(`close refused: ${result.error.code}`);
      },
      { concurrency: ownConcurrency },
    );
    let progress = await queue.progress(date, jurisdiction);
    try {
      // pg-boss drops jobs it cannot store without an error (a missing queue): fail, not "done".
      if (progress.total === 0) throw new Error("the close partitions were not enqueued");
      // Retries are bounded (the queue's retry limit), so every partition ends done or failed.
      while (progress.done + progress.failed < progress.total) {
        io.err(
          `\r${progressBar(progress.done, progress.total)} ${progress.done}/${progress.total} partitions`,
        );
        await sleep(progressPollMs);
        progress = await queue.progress(date, jurisdiction);
      }
    } finally {
      await worker.stop();
    }
    io.err(
      `\r${progressBar(progress.done, progress.total)} ${progress.done}/${progress.total} partitions\n`,
    );
    const seconds = secondsSince(started);
    if (progress.failed > 0) {
      io.err(
        `fenqi close-day: ${progress.failed} of ${progress.total} partitions of ${date} (${jurisdiction}) failed after their retries; run it again to retry them\n`,
      );
      return exitInternal;
    }
    io.out(
      `fenqi close-day: closed ${date} in ${progress.total} partitions for loans under ${jurisdiction} products (${planned.length} planned now) (${seconds} s)\n`,
    );
    return exitOk;
  } finally {
    await queue.close();
  }
}

/** Wall-clock seconds since `started`, one decimal, for the summary line. */
function secondsSince(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}

function progressBar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * barWidth);
  return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${(share * 100).toFixed(1).padStart(5)}%`;
}
