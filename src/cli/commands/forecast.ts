import {
  type ForecastJudgementView,
  type ForecastView,
  forecastDaysDefault,
  forecastLoan,
} from "../../app/contacts/forecast.js";
import type { EventView } from "../../app/loans/event-view.js";
import { localTimeAt, parseInstant } from "../../domain/calendar/instant.js";
import { forecastDaysMax } from "../../domain/forecast/forecast.js";
import type { Problem } from "../../domain/result.js";
import { configurationFrom, openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";
import { renderTable } from "../table.js";

const usage = "usage: fenqi forecast LOAN [--days N] [--json]";

interface ForecastOptions {
  readonly loanId: string;
  readonly days: number;
  readonly json: boolean;
}

/**
 * `fenqi forecast LOAN [--days N] [--json]`: what will happen to the loan over the next N
 * business dates (default 30) if nothing is paid — the daily close, the ladder's contacts as the
 * policy judges them, and for each emergency contact whether and when a contact could ever be
 * allowed, and why not (`forecastLoan`). A table and one sentence per contact, or with `--json`
 * the API's document. Reads only.
 */
export async function forecastCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const options = readOptions(args);
  if (!options.ok) return reportProblems(io, "forecast", [options.error]);
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const result = await forecastLoan(ctx, options.value.loanId, options.value.days);
    if (!result.ok) {
      const field = result.error.code === "not_found" ? "LOAN" : "--days";
      return reportProblems(io, "forecast", [
        { code: result.error.code, field, message: result.error.message },
      ]);
    }
    io.out(
      options.value.json ? `${JSON.stringify(result.value, null, 2)}\n` : render(result.value),
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

type Read = { ok: true; value: ForecastOptions } | { ok: false; error: Problem };

function readOptions(args: readonly string[]): Read {
  let loanId: string | undefined;
  let days = forecastDaysDefault;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--json") json = true;
    else if (arg === "--days") {
      const text = args[++i];
      days = text !== undefined && /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
      if (!(days >= 1 && days <= forecastDaysMax))
        return fail(
          "range",
          "--days",
          `--days must be a whole number from 1 to ${forecastDaysMax}`,
        );
    } else if (!arg.startsWith("-") && loanId === undefined) loanId = arg;
    else return fail("usage", arg, usage);
  }
  if (loanId === undefined) return fail("usage", "LOAN", usage);
  return { ok: true, value: { loanId, days, json } };
}

function fail(code: string, field: string, message: string): Read {
  return { ok: false, error: { code, field, message } };
}

/** `HH:MM` of an instant in the borrower's zone. */
function localTime(at: string, zone: string): string {
  const parsed = parseInstant(at, "at");
  if (!parsed.ok) return at;
  const t = localTimeAt(parsed.value, zone);
  return `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
}

function eventText(e: EventView, date: string): string {
  const when = e.date === date ? "" : ` (${e.date})`;
  switch (e.type) {
    case "due":
      return `#${e.n} due${when}`;
    case "bucket":
      return `${e.from}→${e.to}${when}`;
    case "late_charge":
      return `late #${e.n} ${e.amount}${when}`;
    case "clamp":
      return `capped ${e.amount}${when}`;
    case "report":
      return `bureau report${when}`;
    case "charge_off":
      return `charged off${when}`;
    default:
      return `${String(e.type)}${when}`;
  }
}

function judgementText(j: ForecastJudgementView, zone: string): string {
  const base = `${localTime(j.at, zone)} ${j.channel} ${j.template} ${j.outcome}`;
  if (j.outcome === "defer" && j.until) return `${base} → ${localTime(j.until, zone)}`;
  return j.outcome === "deny" ? `${base} (${j.rules.join(",")})` : base;
}

/** The table: one row per date; the ladder's contacts, then one column per emergency contact. */
function render(f: ForecastView): string {
  const people = f.contacts.map((c) => c.contactId);
  const headers = ["date", "dpd", "bucket", "late charges", "events", "contacts", ...people];
  const rows = f.days.map((d) => [
    d.date,
    String(d.dpd),
    d.bucket,
    d.charges.map((c) => c.amount).join(" + "),
    d.events.map((e) => eventText(e, d.date)).join("; "),
    d.contacts
      .filter((c) => c.source === "strategy")
      .map((c) => judgementText(c, f.timeZone))
      .join("; "),
    ...people.map((id) =>
      d.contacts
        .filter((c) => c.source === "probe" && c.contact === id)
        .map((c) => c.outcome)
        .join(", "),
    ),
  ]);
  const title =
    `forecast of ${f.loan} from ${f.from} through ${f.through} (${f.pack}, ladder ` +
    `${f.ladder ?? "none"}, times in ${f.timeZone}), assuming nothing is paid and no call answered`;
  const probe = `each emergency contact probed daily: ${f.probe.template} by ${f.probe.channel} at ${f.probe.hour}:00 local`;
  const answers = f.contacts.length
    ? f.contacts.map((c) => `- ${c.answer}`).join("\n")
    : "- the borrower registered no emergency contact: nobody else is ever contacted.";
  return `${title}\n\n${renderTable(headers, rows, ["dpd", "late charges"])}\n\n${probe}\n${answers}\n`;
}
