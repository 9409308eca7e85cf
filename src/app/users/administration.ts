import type { Problem } from "../../domain/result.js";
import { normalizeUsername } from "../../domain/users/roles.js";
import type { StoreTx } from "../../ports/store.js";
import type { UserRecord } from "../../ports/user-store.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, appFail, invalid } from "../errors.js";
import { transact } from "../transact.js";
import { passwordProblems, passwordsOf, type UserView, userView } from "./users.js";

/**
 * An operator's administration of users (`fenqi user disable|enable|password`). Users are named
 * by username, which is looked up by its keyed hash and never stored, logged or audited in clear:
 * each leaf names the user id and the action. Every change and its leaf are one transaction.
 */

/** What an operator's change to a user did. */
export interface UserChange {
  readonly user: UserView;
  /** False when the user already was so: nothing was written and no leaf appended. */
  readonly changed: boolean;
  /** The user's sessions that were open and are now ended. */
  readonly sessionsEnded: number;
}

export interface PasswordChange extends UserChange {
  /** Whether a login lock of the username was in force and is now lifted. */
  readonly unlocked: boolean;
}

/**
 * Disables a user: every login is refused with the answer a wrong password gets (the caller
 * learns nothing about the account), and each of their open sessions ends in the same
 * transaction, so a cookie they hold opens nothing any more — nor after `enableUser`. The mark is
 * `disabledAt`, the one erasure sets (src/app/privacy/erase.ts "closes their logins").
 */
export function disableUser(ctx: AppContext, username: string): Promise<AppResult<UserChange>> {
  return setDisabled(ctx, username, true);
}

/**
 * Enables a disabled user again: they log in with their password. Sessions ended when they were
 * disabled stay ended. An erased borrower's login cannot be named by a username any more, so it
 * stays closed.
 */
export function enableUser(ctx: AppContext, username: string): Promise<AppResult<UserChange>> {
  return setDisabled(ctx, username, false);
}

async function setDisabled(
  ctx: AppContext,
  username: string,
  disabled: boolean,
): Promise<AppResult<UserChange>> {
  const problems = usernameProblems(username);
  if (problems.length > 0) return invalid(problems);
  const usernameHash = usernameHashOf(ctx, username);
  const at = ctx.clock.now();
  return transact(ctx, async (tx) => {
    const user = await userNamed(tx, usernameHash);
    if (!(await tx.users.setDisabled(user.id, disabled ? at : undefined))) {
      return { user: userView(user), changed: false, sessionsEnded: 0 };
    }
    const sessionsEnded = disabled ? await tx.sessions.endAllOfUser(user.id, at) : 0;
    await audit(tx, at, disabled ? "user.disabled" : "user.enabled", user.id, { sessionsEnded });
    return { user: userView(user), changed: true, sessionsEnded };
  });
}

/**
 * Sets a user's password, under the rules and the hashing of `createUser`: every session of
 * theirs ends (an operator's change has no session of its own to keep), a login lock of the
 * username is lifted and its failure count forgotten. Bad input changes nothing.
 */
export async function setPassword(
  ctx: AppContext,
  input: { readonly username: string; readonly password: string },
): Promise<AppResult<PasswordChange>> {
  const problems = [...usernameProblems(input.username), ...passwordProblems(input.password)];
  if (problems.length > 0) return invalid(problems);
  const usernameHash = usernameHashOf(ctx, input.username);
  // scrypt takes a while: hash before the transaction rather than holding its locks meanwhile.
  const passwordHash = await passwordsOf(ctx).hash(input.password);
  const at = ctx.clock.now();
  return transact(ctx, async (tx) => {
    const user = await userNamed(tx, usernameHash);
    await tx.users.setPasswordHash(user.id, passwordHash);
    const sessionsEnded = await tx.sessions.endAllOfUser(user.id, at);
    const unlocked = await tx.loginThrottle.unlock(user.usernameHash, at);
    await tx.loginThrottle.clearFailures(user.usernameHash);
    await audit(tx, at, "user.password_set", user.id, { sessionsEnded, unlocked });
    return { user: userView(user), changed: true, sessionsEnded, unlocked };
  });
}

function usernameProblems(username: string): Problem[] {
  if (normalizeUsername(username) !== undefined) return [];
  return [{ code: "field.format", field: "username", message: "not a username" }];
}

function usernameHashOf(ctx: AppContext, username: string): string {
  return ctx.keyring.lookupHash("username", normalizeUsername(username) ?? "");
}

/** The user a username names, or an abort naming the field (an operator may learn it). */
async function userNamed(tx: StoreTx, usernameHash: string): Promise<UserRecord> {
  const user = await tx.users.findByUsernameHash(usernameHash);
  if (user) return user;
  const problem = { code: "not_found", field: "username", message: "no such user" };
  throw new AppAbort(appFail("not_found", "no such user", [problem]).error);
}
