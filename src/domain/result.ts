/**
 * Expected refusals are values, not exceptions (STYLE 8): a parse error or a rejected product is
 * returned for the caller to handle. Broken invariants throw (see `assert`).
 */
export type Result<T, E = Problem> = { ok: true; value: T } | { ok: false; error: E };

/** A refusal with a stable machine code, the offending field (a path such as `products[0].rate`) and a message free of personal data. */
export interface Problem {
  code: string;
  field: string;
  message: string;
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: string, field: string, message: string): { ok: false; error: Problem } {
  return { ok: false, error: { code, field, message } };
}

/** Thrown only for a bug: an invariant that the code itself should have guaranteed. */
export class InvariantError extends Error {
  override name = "InvariantError";
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
