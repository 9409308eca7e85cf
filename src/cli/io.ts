import type { Problem } from "../domain/result.js";

/** What a command prints and returns; commands never call process.exit, so tests can run them in-process. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes: 0 done, 1 an internal failure, 2 bad input (nothing was changed). */
export const exitOk = 0;
export const exitInternal = 1;
export const exitInput = 2;

/** Prints input problems, one a line, each naming its field, and returns the input exit code. */
export function reportProblems(
  io: CommandIo,
  command: string,
  problems: readonly Problem[],
): number {
  for (const problem of problems)
    io.err(`fenqi ${command}: ${problem.field}: ${problem.message} [${problem.code}]\n`);
  return exitInput;
}
