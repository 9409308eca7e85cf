/**
 * The people who log in (DESIGN.md "Who uses it"). A `borrower` user is linked to exactly one
 * borrower and reaches only that borrower's records; the other roles are staff:
 *
 * - `agent`, `supervisor`: collections (the work queue, contact actions, promises, holds);
 * - `compliance`: complaints, holds and the privacy rights; `auditor`: read-only;
 * - `admin`: the operator (products, and the checkout's writes when done by hand).
 *
 * Which role may call which route is declared on each route (src/http/auth.ts) and listed in
 * docs/api.md "Access".
 */
export const roles = ["borrower", "agent", "supervisor", "compliance", "auditor", "admin"] as const;
export type Role = (typeof roles)[number];

export const staffRoles: readonly Role[] = [
  "agent",
  "supervisor",
  "compliance",
  "auditor",
  "admin",
];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** A username: 3–64 letters, digits and `._@+-` (starting with a letter or digit) after trimming and NFKC, compared lower-case. */
const usernamePattern = /^[a-z0-9][\w.@+-]{2,63}$/;

/**
 * The one spelling of a username: trimmed, NFKC-normalized and lower-cased, so `Li.Wei ` and
 * `li.wei` are one account (and one lockout counter). `undefined` when it cannot be a username.
 */
export function normalizeUsername(text: string): string | undefined {
  const normal = text.normalize("NFKC").trim().toLowerCase();
  return usernamePattern.test(normal) ? normal : undefined;
}

/** Login throttling (DESIGN.md "Audit": failed logins are leaves). */
export const loginThrottle = {
  /** Failed logins for one username within `windowMs` that lock it. */
  failuresMax: 5,
  windowMs: 15 * 60 * 1000,
  /** How long a locked username refuses every login, the right password included. */
  lockMs: 15 * 60 * 1000,
} as const;

/** A session lasts one working day from login; then its cookie and its row are both dead. */
export const sessionTtlMs = 12 * 60 * 60 * 1000;

/** The shortest password a person may choose (NIST SP 800-63B asks for at least 8). */
export const passwordLengthMin = 12;
/** The longest password read: scrypt hashes anything, but a megabyte password is an attack. */
export const passwordLengthMax = 256;

/** Whether a username whose lock (if any) ends at `lockedUntil` is locked at `at`. */
export function lockedAt(lockedUntil: number | undefined, at: number): boolean {
  return lockedUntil !== undefined && at < lockedUntil;
}
