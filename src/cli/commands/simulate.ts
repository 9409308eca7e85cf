import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  runScenario,
  SimulationRefused,
  type SimulationReport,
  simulationClock,
} from "../../app/simulate/run-scenario.js";
import type { Problem, Result } from "../../domain/result.js";
import { parseScenario } from "../../domain/scenario/scenario.js";
import { openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

/** A scenario file larger than this is refused before it is parsed. */
export const scenarioFileBytesMax = 256 * 1024 * 1024;

/** `fenqi simulate FILE`: runs a scenario file and prints its report as one JSON document. */
export async function simulateCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0) {
    return reportProblems(io, "simulate", [
      { code: "usage", field: "FILE", message: "usage: fenqi simulate FILE (one scenario file)" },
    ]);
  }
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) return reportProblems(io, "simulate", loaded.error);
  const report = await simulate(loaded.value);
  if (!report.ok) return reportProblems(io, "simulate", report.error);
  io.out(`${JSON.stringify(report.value, null, 2)}\n`);
  return exitOk;
}

/**
 * Validates and runs a parsed scenario document on a fresh temporary SQLite store (its own key
 * file, a simulated clock and counted ids, so the same file gives the same report), which is
 * deleted afterwards.
 */
export async function simulate(document: unknown): Promise<Result<SimulationReport, Problem[]>> {
  const scenario = parseScenario(document);
  if (!scenario.ok) return scenario;
  const dir = await mkdtemp(join(tmpdir(), "fenqi-simulate-"));
  const clock = simulationClock(0);
  let counter = 0;
  const ids = { next: (prefix: string) => `${prefix}_${String(++counter).padStart(6, "0")}` };
  const ctx = await openApp(
    {
      databaseUrl: undefined,
      sqlitePath: join(dir, "simulation.db"),
      keyFile: join(dir, "simulation.key"),
    },
    { clock, ids },
  );
  try {
    return { ok: true, value: await runScenario(ctx, clock, scenario.value) };
  } catch (error) {
    if (error instanceof SimulationRefused) return { ok: false, error: [...error.problems] };
    throw error;
  } finally {
    await ctx.store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads and parses a scenario file. A JSON syntax error is reported by line and column only:
 * the parser's own message quotes the file, and the file holds personal data.
 */
export async function loadScenarioFile(file: string): Promise<Result<unknown, Problem[]>> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.byteLength > scenarioFileBytesMax) {
      return failFile("file.too_large", `the file exceeds ${scenarioFileBytesMax} bytes`);
    }
    text = buffer.toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return failFile("file.unreadable", `cannot read the file (${code})`);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const position = Number(/position (\d+)/.exec(String(error))?.[1] ?? text.length);
    const before = text.slice(0, position).split("\n");
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    return failFile("file.json", `the file is not valid JSON (${where})`);
  }
}

function failFile(code: string, message: string): Result<never, Problem[]> {
  return { ok: false, error: [{ code, field: "FILE", message }] };
}
