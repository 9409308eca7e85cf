import { checkpointSignerOf } from "../../adapters/crypto/checkpoint-signer.js";
import { loadKeyMaterial } from "../../adapters/crypto/key-file.js";
import type { Dispatch } from "../../app/contacts/dispatch.js";
import type { AppContext } from "../../app/context.js";
import type { Problem } from "../../domain/result.js";
import { edgeSettingsOf } from "../../http/hardening.js";
import { buildServer } from "../../http/server.js";
import {
  type CheckpointSchedulerHandle,
  defaultCheckpointMinutes,
  parseCheckpointMinutes,
  startCheckpointScheduler,
} from "../../jobs/checkpoint-scheduler.js";
import {
  type CloseSchedule,
  dailyCloseSchedules,
  type SchedulerHandle,
  startCloseScheduler,
} from "../../jobs/close-scheduler.js";
import { type RunnerHandle, startContactRunner } from "../../jobs/contact-runner.js";
import { housekeepingIntervalMs, startHousekeeping } from "../../jobs/housekeeping.js";
import {
  closeDispatch,
  configurationFrom,
  contactRunnerOptions,
  openApp,
  openDispatch,
} from "../compose.js";
import { houseRulesBanner, houseRulesSetting } from "../house-rules-setting.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";
import { seedDemo } from "./seed-demo.js";

export const defaultPort = 3000;
export const defaultHost = "127.0.0.1";

const usage = "usage: fenqi serve [--port N] [--host H]";

interface ServeOptions {
  readonly port: number;
  readonly host: string;
}

/**
 * `fenqi serve [--port N] [--host H]`: serves the API (docs at /docs) on the configured store
 * (`DATABASE_URL`, else `FENQI_DB`, else ./fenqi.db — seeded with the demo data when it is
 * empty and nothing was configured) until SIGINT or SIGTERM, then closes the server — letting
 * requests in flight finish — and the store. The port is `--port`, else `PORT`, else 3000; the
 * log level `LOG_LEVEL` (default info; JSON lines on stdout, without personal data). The rate
 * limit is `FENQI_RATE_LIMIT_PER_MINUTE` and the trusted proxies `FENQI_TRUST_PROXY`
 * (src/http/hardening.ts), the close time `FENQI_CLOSE_AT` and the lender's house rules
 * `FENQI_HOUSE_RULES` (src/cli/house-rules-setting.ts); a bad value of any is refused before
 * anything starts.
 *
 * `stop` is for tests: it replaces the signals.
 */
export async function serveCommand(
  args: readonly string[],
  io: CommandIo,
  stop?: Promise<unknown>,
): Promise<number> {
  const options = readOptions(args, process.env.PORT);
  if (!options.ok) return reportProblems(io, "serve", [options.problem]);
  // Before anything is opened: a bad limit or proxy list is bad input, not a failed start.
  const edge = edgeSettingsOf(process.env);
  const closes = closeSchedulesOf(process.env);
  const house = await houseRulesSetting(process.env);
  const problems = [
    ...(edge.ok ? [] : edge.error),
    ...(closes.ok ? [] : [closes.error]),
    ...(house.ok ? [] : house.error),
  ];
  if (!edge.ok || !closes.ok || !house.ok) return reportProblems(io, "serve", problems);
  const config = { ...configurationFrom(process.env), houseRules: house.value };
  // With no configuration at all, a newcomer's first `fenqi serve` shows the demo loans; a store
  // someone configured (FENQI_DB or DATABASE_URL) is never seeded behind their back.
  if (!process.env.DATABASE_URL && !process.env.FENQI_DB) {
    io.out(await seedDemo(config, { onlyIntoEmptyStore: true }));
  }
  const ctx: AppContext = await openApp(config);
  try {
    const logger = { level: process.env.LOG_LEVEL || "info" };
    const app = await buildServer(ctx, { logger, ...edge.value });
    try {
      const { port, host } = options.value;
      try {
        await app.listen({ port, host });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== "EADDRINUSE" && code !== "EACCES" && code !== "EADDRNOTAVAIL") throw error;
        const message = `cannot listen on ${host}:${port} (${code})`;
        return reportProblems(io, "serve", [{ code: "serve.listen", field: "--port", message }]);
      }
      const address = app.server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      io.out(`fenqi serving on http://${host}:${bound} (docs at /docs)\n`);
      const schedulers = startDailyCloses(ctx, closes.value, io);
      const checkpoints = startCheckpoints(ctx, config.keyFile, io);
      const housekeeping = startHousekeeping(ctx, housekeepingIntervalMs, (line) =>
        io.out(`fenqi serve: ${line}\n`),
      );
      const dispatch = openDispatch(process.env);
      if (house.value) io.out(`${houseRulesBanner(house.value)}\n`);
      const contacts = startContacts(ctx, dispatch, io);
      try {
        // Listen for the signals only now: a handler would keep Ctrl-C from ending a failed start.
        await (stop ?? signalled());
      } finally {
        for (const scheduler of schedulers) scheduler.stop();
        await checkpoints?.stop();
        await housekeeping.stop();
        await contacts?.stop();
        await closeDispatch(dispatch);
      }
    } finally {
      await app.close();
    }
  } finally {
    await ctx.store.close();
  }
  return exitOk;
}

type Read =
  | { ok: true; value: ServeOptions }
  | { ok: false; problem: { code: string; field: string; message: string } };

function readOptions(args: readonly string[], envPort: string | undefined): Read {
  let port = envPort === undefined || envPort === "" ? String(defaultPort) : envPort;
  let portField = envPort ? "PORT" : "--port";
  let host = defaultHost;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if ((flag !== "--port" && flag !== "--host") || value === undefined) {
      return { ok: false, problem: { code: "usage", field: flag ?? "", message: usage } };
    }
    if (flag === "--port") [port, portField] = [value, "--port"];
    else host = value;
  }
  const number = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
  if (!(number >= 0 && number <= 65_535)) {
    const message = `${portField} must be a port number from 0 to 65535`;
    return { ok: false, problem: { code: "serve.port", field: portField, message } };
  }
  return { ok: true, value: { port: number, host } };
}

/** Resolves on the first SIGINT or SIGTERM. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve(signal);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

/**
 * The close time of the embedded deployment: `FENQI_CLOSE_AT` (HH:MM, "off" to disable), default
 * 00:30, in each jurisdiction's own time zone: each one's loans are closed just after its
 * business date ends. Anything else is refused before the server starts: a close that silently
 * never runs would let days past due and late charges stand still.
 */
export const defaultCloseAt = "00:30";

function closeSchedulesOf(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; value: readonly CloseSchedule[] } | { ok: false; error: Problem } {
  const text = env.FENQI_CLOSE_AT || defaultCloseAt;
  if (text === "off") return { ok: true, value: [] };
  const schedules = dailyCloseSchedules(text);
  return schedules
    ? { ok: true, value: schedules }
    : {
        ok: false,
        error: {
          code: "close_at.invalid",
          field: "FENQI_CLOSE_AT",
          message: "FENQI_CLOSE_AT must be a time HH:MM (00:00 to 23:59) or off",
        },
      };
}

function startDailyCloses(
  ctx: AppContext,
  schedules: readonly CloseSchedule[],
  io: CommandIo,
): SchedulerHandle[] {
  return schedules.map((schedule) => {
    const at = `${String(schedule.hour).padStart(2, "0")}:${String(schedule.minute).padStart(2, "0")}`;
    io.out(`daily close of ${schedule.jurisdiction} loans at ${at} ${schedule.timeZone}\n`);
    return startCloseScheduler(ctx, schedule, (line) => io.out(`fenqi serve: ${line}\n`));
  });
}

/**
 * Overdue handling of the embedded deployment: the pack's default ladder plans the day's
 * reminders, the policy engine judges them as they fall due, and the outbox is sent through the
 * configured channels, every `FENQI_CONTACT_POLL_SECONDS` (default 30). `FENQI_STRATEGY=off`
 * stops automatic contacts (agent contacts and sending go on).
 */
function startContacts(
  ctx: AppContext,
  dispatch: Dispatch,
  io: CommandIo,
): RunnerHandle | undefined {
  const options = contactRunnerOptions(process.env, dispatch, (line) =>
    io.out(`fenqi serve: ${line}\n`),
  );
  const channels = [...dispatch.senders.keys(), "in_app", "letter", "phone"].join(", ");
  io.out(
    `overdue handling: strategy ${options.strategy ? "each pack's default ladder" : "off"}; channels ${channels}\n`,
  );
  return startContactRunner(ctx, options);
}

/**
 * Signed checkpoints of the audit log every `FENQI_CHECKPOINT_MINUTES` (default 60, "off" to
 * disable), and once at start; `fenqi audit checkpoint` issues one on demand.
 */
function startCheckpoints(
  ctx: AppContext,
  keyFile: string,
  io: CommandIo,
): CheckpointSchedulerHandle | undefined {
  const text = process.env.FENQI_CHECKPOINT_MINUTES || String(defaultCheckpointMinutes);
  const minutes = parseCheckpointMinutes(text);
  if (minutes === "off") return undefined;
  if (minutes === undefined) {
    io.err(
      "fenqi serve: FENQI_CHECKPOINT_MINUTES must be whole minutes (1 to 10080) or off; no checkpoints will be issued\n",
    );
    return undefined;
  }
  io.out(`audit checkpoints every ${minutes} minutes\n`);
  const signer = checkpointSignerOf(loadKeyMaterial(keyFile));
  return startCheckpointScheduler(ctx, signer, minutes * 60_000, (line) =>
    io.out(`fenqi serve: ${line}\n`),
  );
}
