import {
  lockedAt,
  loginThrottle,
  normalizeUsername,
  sessionTtlMs,
} from "../../domain/users/roles.js";
import type { Passwords } from "../../ports/passwords.js";
import type { StoreTx } from "../../ports/store.js";
import type { SessionRecord, UserRecord } from "../../ports/user-store.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail, appOk } from "../errors.js";
import { passwordsOf, type UserView, userView } from "./users.js";

/** What a login hands the caller: the cookie's session id and the CSRF token, each shown once. */
export interface LoginResult {
  readonly user: UserView;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** A logged-in caller, as the session cookie says. */
export interface SessionCaller {
  readonly user: UserView;
  /** SHA-256 of the session id: what logout ends. */
  readonly sessionHash: string;
  readonly csrfHash: string;
  readonly expiresAt: number;
}

/**
 * A hash for a username nobody has, per `Passwords` instance: a login for an unknown username
 * still runs one scrypt verification, so the answer's timing does not tell which usernames exist.
 */
const decoys = new WeakMap<Passwords, Promise<string>>();
function decoyHash(passwords: Passwords): Promise<string> {
  let decoy = decoys.get(passwords);
  if (!decoy) {
    decoy = passwords.hash(passwords.newSecret());
    decoys.set(passwords, decoy);
  }
  return decoy;
}

const badCredentials = "wrong username or password";

/**
 * Logs a person in: answers a new session, or `unauthorized` for a wrong username or password
 * or a disabled user (the same answer for all three), or `too_many_attempts` while the username
 * is locked — even with the right password. Every failure is an audit leaf naming the username only by its keyed hash;
 * the `loginThrottle.failuresMax`-th failure within the window locks the username for
 * `loginThrottle.lockMs`. Failures are counted per username whether or not it exists, so the
 * throttle tells nobody which usernames are real.
 */
export async function login(
  ctx: AppContext,
  input: { readonly username: string; readonly password: string },
): Promise<AppResult<LoginResult>> {
  const passwords = passwordsOf(ctx);
  // A name that cannot be a username still counts (and locks) under its own hash.
  const username =
    normalizeUsername(input.username) ?? input.username.normalize("NFKC").trim().toLowerCase();
  const usernameHash = ctx.keyring.lookupHash("username", username);
  const at = ctx.clock.now();
  const { user, lockedUntil } = await ctx.store.transaction(async (tx) => ({
    user: await tx.users.findByUsernameHash(usernameHash),
    lockedUntil: await tx.loginThrottle.lockedUntil(usernameHash),
  }));
  if (lockedAt(lockedUntil, at)) {
    await ctx.store.transaction((tx) => auditFailure(tx, at, usernameHash, "locked"));
    return appFail("too_many_attempts", "too many failed logins: try again later");
  }
  const stored = user?.passwordHash ?? (await decoyHash(passwords));
  const matches = await passwords.verify(input.password, stored);
  const opened =
    matches && user && user.disabledAt === undefined
      ? await openSession(ctx, user, usernameHash, at)
      : undefined;
  if (!opened) {
    await ctx.store.transaction((tx) => recordFailure(tx, at, usernameHash));
    return appFail("unauthorized", badCredentials);
  }
  return appOk(opened);
}

async function auditFailure(tx: StoreTx, at: number, usernameHash: string, reason: string) {
  await audit(tx, at, "auth.login_failed", "login", { username: usernameHash, reason });
}

/** One failure: counted, audited, and the lock when it is the last one allowed. */
async function recordFailure(tx: StoreTx, at: number, usernameHash: string): Promise<void> {
  const since = at - loginThrottle.windowMs;
  await tx.loginThrottle.clearFailures(usernameHash, since);
  await tx.loginThrottle.recordFailure(usernameHash, at);
  await auditFailure(tx, at, usernameHash, "bad_credentials");
  if ((await tx.loginThrottle.failuresSince(usernameHash, since)) < loginThrottle.failuresMax) {
    return;
  }
  const until = at + loginThrottle.lockMs;
  await tx.loginThrottle.lock(usernameHash, until);
  await tx.loginThrottle.clearFailures(usernameHash);
  await audit(tx, at, "auth.login_locked", "login", { username: usernameHash, until });
}

/**
 * Opens a session for `user` as read before the password was checked, unless the user changed
 * meanwhile: a disable or a password change that committed during the (slow) verification wins,
 * and the row lock keeps one from committing between this check and the new session, which it
 * would then not have ended. Undefined when the user changed.
 */
async function openSession(
  ctx: AppContext,
  user: UserRecord,
  usernameHash: string,
  at: number,
): Promise<LoginResult | undefined> {
  const passwords = passwordsOf(ctx);
  const sessionId = passwords.newSecret();
  const csrfToken = passwords.newSecret();
  const session: SessionRecord = {
    idHash: ctx.keyring.digest(sessionId),
    userId: user.id,
    csrfHash: ctx.keyring.digest(csrfToken),
    createdAt: at,
    expiresAt: at + sessionTtlMs,
    endedAt: undefined,
  };
  const opened = await ctx.store.transaction(async (tx) => {
    const current = await tx.users.getLocked(user.id);
    if (!current || current.disabledAt !== undefined) return false;
    if (current.passwordHash !== user.passwordHash) return false;
    await tx.loginThrottle.clearFailures(usernameHash);
    await tx.sessions.insert(session);
    await audit(tx, at, "auth.login", user.id, { role: user.role });
    return true;
  });
  if (!opened) return undefined;
  return { user: userView(user), sessionId, csrfToken, expiresAt: session.expiresAt };
}

/**
 * The caller a session id (from the cookie) belongs to, or undefined when it is unknown, ended,
 * expired, or its user is disabled. Session ids are 256-bit secrets looked up by their SHA-256.
 */
export async function sessionCaller(
  ctx: AppContext,
  sessionId: string,
): Promise<SessionCaller | undefined> {
  const idHash = ctx.keyring.digest(sessionId);
  const at = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const session = await tx.sessions.get(idHash);
    if (!session || session.endedAt !== undefined || at >= session.expiresAt) return undefined;
    const user = await tx.users.get(session.userId);
    if (!user || user.disabledAt !== undefined) return undefined;
    return {
      user: userView(user),
      sessionHash: idHash,
      csrfHash: session.csrfHash,
      expiresAt: session.expiresAt,
    };
  });
}

/**
 * Whether a request's CSRF token is the session's synchronizer token. Both sides are SHA-256
 * digests of 256-bit secrets, so comparing the digests leaks nothing an attacker can steer.
 */
export function csrfMatches(ctx: AppContext, caller: SessionCaller, token: string): boolean {
  return ctx.keyring.digest(token) === caller.csrfHash;
}

/** Ends the caller's session (logout); the cookie it came with opens nothing any more. */
export async function logout(ctx: AppContext, caller: SessionCaller): Promise<void> {
  const at = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await tx.sessions.end(caller.sessionHash, at);
    await audit(tx, at, "auth.logout", caller.user.id, {});
  });
}

/**
 * Records a refused request of an authenticated caller (a role or an owner that does not match,
 * a missing CSRF token): the actor, the route pattern and why, never the ids in the URL.
 */
export async function recordAccessDenied(
  ctx: AppContext,
  actor: string,
  route: string,
  reason: "role" | "owner" | "csrf",
): Promise<void> {
  await ctx.store.transaction((tx) =>
    audit(tx, ctx.clock.now(), "auth.denied", actor, { route, reason }).then(() => undefined),
  );
}
