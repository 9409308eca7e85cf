import type { Problem } from "../domain/result.js";

/**
 * The closed catalogue of errors a use case returns (STYLE 9). The HTTP edge maps each code to
 * one status; the CLI to exit code 2. Messages never carry personal data.
 */
export type AppErrorCode =
  | "invalid_input"
  | "not_found"
  | "already_exists"
  | "idempotency_conflict"
  | "conflict"
  | "loan_not_open"
  | "unauthorized"
  | "forbidden"
  | "too_many_attempts";

export interface AppError {
  readonly code: AppErrorCode;
  readonly message: string;
  /** For `invalid_input`: every field that is wrong. */
  readonly problems?: readonly Problem[];
}

export type AppResult<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function appOk<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function appFail(
  code: AppErrorCode,
  message: string,
  problems?: readonly Problem[],
): { ok: false; error: AppError } {
  return { ok: false, error: problems ? { code, message, problems } : { code, message } };
}

export function invalid(problems: readonly Problem[]): { ok: false; error: AppError } {
  const first = problems[0];
  return appFail(
    "invalid_input",
    first ? `${first.field}: ${first.message}` : "invalid input",
    problems,
  );
}

/** Thrown inside a transaction to roll it back and return the error to the caller. */
export class AppAbort extends Error {
  override name = "AppAbort";
  constructor(readonly error: AppError) {
    super(error.message);
  }
}
