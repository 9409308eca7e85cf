import { closeBusinessDay } from "../../app/close/close-business-day.js";
import { addDays, parseCivilDate } from "../../domain/calendar/civil-date.js";
import { civilDateAt } from "../../domain/calendar/instant.js";
import { CN1 } from "../../domain/jurisdiction/packs.js";
import { configurationFrom, openApp } from "../compose.js";
import { type CommandIo, exitInternal, exitOk, reportProblems } from "../io.js";

const usage = "usage: fenqi close-day [--date YYYY-MM-DD]";
/** Width of the progress bar in characters. */
const barWidth = 30;

/**
 * `fenqi close-day [--date D]`: the daily close of business date D (default: yesterday in the
 * lender's time zone) over the configured store, catching up every date a loan missed. Safe to
 * interrupt and run again. Progress goes to stderr.
 */
export async function closeDayCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.length !== 0 && (args.length !== 2 || args[0] !== "--date")) {
    return reportProblems(io, "close-day", [
      { code: "usage", field: args[0] ?? "", message: usage },
    ]);
  }
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const today = civilDateAt(ctx.clock.now(), CN1.timeZone);
    let date = addDays(today, -1);
    if (args[1] !== undefined) {
      const parsed = parseCivilDate(args[1], "--date");
      if (!parsed.ok) return reportProblems(io, "close-day", [parsed.error]);
      if (parsed.value >= today) {
        return reportProblems(io, "close-day", [
          {
            code: "date.open",
            field: "--date",
            message: "--date must be a business date that has ended (before today)",
          },
        ]);
      }
      date = parsed.value;
    }
    const total = (await ctx.store.transaction((tx) => tx.loans.idRange())).count;
    const started = Date.now();
    const result = await closeBusinessDay(ctx, date, {
      onBatch: (closed) => io.err(`\r${progressBar(closed, total)} ${closed}/${total} loans`),
    });
    if (!result.ok)
      return reportProblems(io, "close-day", [
        { code: result.error.code, field: "--date", message: result.error.message },
      ]);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.err(result.value.loans ? "\n" : "");
    io.out(
      `fenqi close-day: closed ${date} for ${result.value.loans} loans in ${result.value.batches} batches (${seconds} s)\n`,
    );
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

function progressBar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * barWidth);
  return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${(share * 100).toFixed(1).padStart(5)}%`;
}
