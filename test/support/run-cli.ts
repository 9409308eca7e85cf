import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";

export const repoRoot = new URL("../..", import.meta.url).pathname;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `fenqi` as a user does: a separate process through the package's bin. Its store lives in a
 * fresh temporary folder (FENQI_DB), so a test never touches a developer's ./fenqi.db. `stdin`,
 * when given, is piped to the process (a password, as an operator pipes one in).
 */
export function spawnFenqi(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  stdin?: string,
): CliResult {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-cli-"));
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/fenqi.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    ...(stdin === undefined ? {} : { input: stdin }),
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: "", FENQI_DB: join(dir, "fenqi.db"), ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a `fenqi` command in this process, capturing what it prints: fast enough for many cases. */
export async function runFenqi(args: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    out: (text: string) => {
      stdout += text;
    },
    err: (text: string) => {
      stderr += text;
    },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Writes a scenario (an object, or raw text) to a fresh temporary file and returns its path. */
export function scenarioFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-test-"));
  const file = join(dir, "scenario.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}
