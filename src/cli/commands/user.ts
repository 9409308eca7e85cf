import { text } from "node:stream/consumers";
import { parseArgs } from "node:util";
import type { AppContext } from "../../app/context.js";
import type { AppResult } from "../../app/errors.js";
import { createUser, type UserView } from "../../app/users/users.js";
import { roles } from "../../domain/users/roles.js";
import { configurationFrom, openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

const usage =
  "usage: fenqi user create --username U --role R [--borrower ID] [--password-stdin]" +
  ` (R: ${roles.join(", ")})`;

/**
 * Creates a user with a generated password (256 bits, base64url) unless one comes in on stdin.
 * `stdinPassword` reads the password when `--password-stdin` is given.
 */
export async function createUserWithPassword(
  ctx: AppContext,
  input: { username: string; role: string; borrowerId?: string | undefined },
  password?: string,
): Promise<AppResult<{ user: UserView; password: string; generated: boolean }>> {
  const chosen = password ?? ctx.passwords?.newSecret() ?? "";
  const created = await createUser(ctx, { ...input, password: chosen });
  if (!created.ok) return created;
  return { ok: true, value: { user: created.value, password: chosen, generated: !password } };
}

/**
 * `fenqi user create --username U --role R [--borrower ID] [--password-stdin]`: creates a person
 * who logs in to the API. A generated password is printed once, alone on stdout; with
 * `--password-stdin` the first line of stdin is the password and nothing secret is printed.
 * The username is kept only as a keyed hash, the password only as its scrypt hash.
 */
export async function userCommand(
  args: readonly string[],
  io: CommandIo,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const [action, ...rest] = args;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch {
    parsed = undefined;
  }
  if (action !== "create" || !parsed) {
    return reportProblems(io, "user", [{ code: "usage", field: action ?? "", message: usage }]);
  }
  const password = parsed.passwordStdin ? firstLine(await text(stdin)) : undefined;
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const input = { username: parsed.username, role: parsed.role, borrowerId: parsed.borrower };
    const created = await createUserWithPassword(ctx, input, password);
    if (!created.ok) {
      const problems = created.error.problems ?? [
        { code: created.error.code, field: "--username", message: created.error.message },
      ];
      return reportProblems(io, "user", problems);
    }
    const { user, generated } = created.value;
    if (generated) io.out(`${created.value.password}\n`);
    io.err(
      `fenqi user: created ${user.id} (${user.role}${user.borrowerId ? ` of ${user.borrowerId}` : ""})` +
        (generated ? "; the password above is shown once\n" : "\n"),
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

function parseOptions(args: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      username: { type: "string" },
      role: { type: "string" },
      borrower: { type: "string" },
      "password-stdin": { type: "boolean" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0 || values.username === undefined || values.role === undefined) {
    return undefined;
  }
  return {
    username: values.username,
    role: values.role,
    borrower: values.borrower,
    passwordStdin: values["password-stdin"] === true,
  };
}

/** The password is the first line: a trailing newline from `echo` is not part of it. */
function firstLine(input: string): string {
  return input.split(/\r?\n/, 1)[0] ?? "";
}
