import type { Problem } from "../../domain/result.js";
import { assert } from "../../domain/result.js";
import {
  isRole,
  normalizeUsername,
  passwordLengthMax,
  passwordLengthMin,
  type Role,
  roles,
} from "../../domain/users/roles.js";
import type { Passwords } from "../../ports/passwords.js";
import type { UserRecord } from "../../ports/user-store.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, appFail, invalid } from "../errors.js";
import { transact } from "../transact.js";

/** A user as the API and the CLI show it: ids and the role, never the username or a hash. */
export interface UserView {
  readonly id: string;
  readonly role: Role;
  /** The borrower a `borrower` user is; null for staff. */
  readonly borrowerId: string | null;
}

export interface UserInput {
  readonly username: string;
  readonly role: string;
  readonly borrowerId?: string | undefined;
  readonly password: string;
}

export function userView(user: UserRecord): UserView {
  return { id: user.id, role: user.role, borrowerId: user.borrowerId ?? null };
}

/** The password port; a context built without it (a batch process) cannot handle logins. */
export function passwordsOf(ctx: AppContext): Passwords {
  assert(ctx.passwords, "this context was built without the Passwords port");
  return ctx.passwords;
}

function checkInput(input: UserInput): Problem[] {
  const problems: Problem[] = [];
  if (normalizeUsername(input.username) === undefined) {
    const message = "3–64 letters, digits or ._@+- starting with a letter or digit";
    problems.push({ code: "field.format", field: "username", message });
  }
  if (!isRole(input.role)) {
    problems.push({ code: "field.enum", field: "role", message: `one of ${roles.join(", ")}` });
  } else if ((input.role === "borrower") !== (input.borrowerId !== undefined)) {
    const message = "a borrower user names its borrower; a staff user names none";
    problems.push({ code: "field.borrower", field: "borrowerId", message });
  }
  problems.push(...passwordProblems(input.password));
  return problems;
}

/**
 * The password rules, one set for creating a user and for setting a new password: a length in
 * characters (code points) from `passwordLengthMin` to `passwordLengthMax`.
 */
export function passwordProblems(password: string): Problem[] {
  const length = [...password].length;
  if (length >= passwordLengthMin && length <= passwordLengthMax) return [];
  const message = `${passwordLengthMin}–${passwordLengthMax} characters`;
  return [{ code: "field.length", field: "password", message }];
}

/**
 * Creates a user with a role (and, for a `borrower`, the borrower they are). The username is
 * stored only as its keyed hash and the password only as its scrypt hash; the audit leaf holds
 * the ids and the role.
 */
export async function createUser(ctx: AppContext, input: UserInput): Promise<AppResult<UserView>> {
  const problems = checkInput(input);
  if (problems.length > 0) return invalid(problems);
  const username = normalizeUsername(input.username) ?? "";
  const record: UserRecord = {
    id: ctx.ids.next("usr"),
    usernameHash: ctx.keyring.lookupHash("username", username),
    role: input.role as Role,
    borrowerId: input.borrowerId,
    passwordHash: await passwordsOf(ctx).hash(input.password),
    createdAt: ctx.clock.now(),
    disabledAt: undefined,
  };
  return transact(ctx, async (tx) => {
    if (record.borrowerId !== undefined && !(await tx.borrowers.get(record.borrowerId))) {
      throw new AppAbort(appFail("not_found", "no such borrower").error);
    }
    if (!(await tx.users.insert(record))) {
      throw new AppAbort(appFail("already_exists", "the username is taken").error);
    }
    const data = { role: record.role, borrower: record.borrowerId ?? null };
    await audit(tx, record.createdAt, "user.created", record.id, data);
    return userView(record);
  });
}
