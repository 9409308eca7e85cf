import { closeBusinessDay } from "../app/close/close-business-day.js";
import type { AppContext } from "../app/context.js";
import { addDays, type CivilDate } from "../domain/calendar/civil-date.js";
import { civilDateAt, instantAt } from "../domain/calendar/instant.js";
import { type JurisdictionId, jurisdictionIds, packFor } from "../domain/jurisdiction/packs.js";

/**
 * When the in-process close runs: a local wall-clock time in a time zone, closing the loans of
 * `jurisdiction` (all loans when absent) for the date that has just ended there.
 */
export interface CloseSchedule {
  readonly hour: number;
  readonly minute: number;
  readonly timeZone: string;
  readonly jurisdiction?: JurisdictionId;
}

/** `HH:MM` (24-hour) into a schedule, or undefined when the text is not a time. */
export function parseCloseTime(text: string, timeZone: string): CloseSchedule | undefined {
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(text);
  return match ? { hour: Number(match[1]), minute: Number(match[2]), timeZone } : undefined;
}

/**
 * `HH:MM` in every jurisdiction's own time zone: one schedule per jurisdiction pack, each closing
 * its loans for the date that has ended in its zone. Undefined when the text is not a time.
 */
export function dailyCloseSchedules(text: string): CloseSchedule[] | undefined {
  const schedules: CloseSchedule[] = [];
  for (const jurisdiction of jurisdictionIds) {
    const schedule = parseCloseTime(text, packFor(jurisdiction).timeZone);
    if (!schedule) return undefined;
    schedules.push({ ...schedule, jurisdiction });
  }
  return schedules;
}

/** The next instant after `now` at which the schedule's local time comes round (DST-correct). */
export function nextRun(schedule: CloseSchedule, now: number): number {
  const today = civilDateAt(now, schedule.timeZone);
  for (let offset = 0; ; offset++) {
    const candidate = instantAt(
      addDays(today, offset),
      schedule.hour,
      schedule.minute,
      schedule.timeZone,
    );
    if (candidate > now) return candidate;
  }
}

export interface SchedulerHandle {
  stop(): void;
}

/**
 * Runs the daily close inside `fenqi serve` (the embedded deployment): at the scheduled local
 * time it closes yesterday's business date — catching up any date missed while the server was
 * down, since each loan is closed through that date. Failures are reported and retried at the
 * next run; a close never runs twice at once.
 */
export function startCloseScheduler(
  ctx: AppContext,
  schedule: CloseSchedule,
  report: (line: string) => void,
): SchedulerHandle {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, nextRun(schedule, ctx.clock.now()) - ctx.clock.now());
    timer = setTimeout(run, delay);
  };
  const run = async () => {
    const date: CivilDate = addDays(civilDateAt(ctx.clock.now(), schedule.timeZone), -1);
    const what = schedule.jurisdiction
      ? `${schedule.jurisdiction} close of ${date}`
      : `close of ${date}`;
    try {
      const result = await closeBusinessDay(ctx, date, { jurisdiction: schedule.jurisdiction });
      report(
        result.ok
          ? `${what}: ${result.value.loans} loans (${result.value.quiet} set-based)`
          : `${what} refused: ${result.error.code}`,
      );
    } catch (error) {
      report(
        `${what} failed (${error instanceof Error ? error.name : "error"}); it runs again next time`,
      );
    }
    arm();
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
