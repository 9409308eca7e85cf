import { parseArgs } from "node:util";
import type { AppContext } from "../../app/context.js";
import type { AppError, AppResult } from "../../app/errors.js";
import { disableUser, enableUser, setPassword } from "../../app/users/administration.js";
import { createUser, type UserView } from "../../app/users/users.js";
import type { Problem } from "../../domain/result.js";
import { passwordLengthMax, roles } from "../../domain/users/roles.js";
import { configurationFrom, openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

const usage = [
  "usage: fenqi user create --username U --role R [--borrower ID] [--password-stdin]" +
    ` (R: ${roles.join(", ")})`,
  "       fenqi user disable USERNAME | fenqi user enable USERNAME",
  "       fenqi user password USERNAME (the new password is the first line of stdin)",
].join("\n");

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
 * `fenqi user create|disable|enable|password`: the operator's administration of the people who
 * log in to the API. Users are named by username on the command line; passwords never are: a
 * password comes in as the first line of stdin, so it stays out of argv, shell history and `ps`.
 *
 * - `create --username U --role R [--borrower ID] [--password-stdin]`: a generated password is
 *   printed once, alone on stdout; with `--password-stdin` nothing secret is printed. The
 *   username is kept only as a keyed hash, the password only as its scrypt hash.
 * - `disable USERNAME`, `enable USERNAME`: a disabled user's logins are refused like a wrong
 *   password and their open sessions end at once.
 * - `password USERNAME`: sets the password read from stdin; their sessions end and a login lock
 *   is lifted.
 *
 * Bad input (an unknown user, a password against the rules) exits 2 naming the field, changing
 * nothing.
 */
export async function userCommand(
  args: readonly string[],
  io: CommandIo,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const [action, ...rest] = args;
  if (action === "create") {
    const parsed = parseCreateOptions(rest);
    if (parsed) return create(parsed, io, stdin);
  } else if (action === "disable" || action === "enable" || action === "password") {
    const username = onlyPositional(rest);
    if (username !== undefined) {
      return action === "password"
        ? password(username, io, stdin)
        : disableOrEnable(action, username, io);
    }
  }
  return reportProblems(io, "user", [{ code: "usage", field: action ?? "", message: usage }]);
}

async function create(
  parsed: NonNullable<ReturnType<typeof parseCreateOptions>>,
  io: CommandIo,
  stdin: NodeJS.ReadableStream,
): Promise<number> {
  const password = parsed.passwordStdin ? await readFirstLine(stdin) : undefined;
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

async function disableOrEnable(
  action: "disable" | "enable",
  username: string,
  io: CommandIo,
): Promise<number> {
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const result = await (action === "disable" ? disableUser : enableUser)(ctx, username);
    if (!result.ok) return reportProblems(io, "user", problemsOf(result.error));
    const { user, changed, sessionsEnded } = result.value;
    const state = action === "disable" ? "disabled" : "enabled";
    io.err(
      changed
        ? `fenqi user: ${state} ${user.id}${action === "disable" ? `; open sessions ended: ${sessionsEnded}` : ""}\n`
        : `fenqi user: ${user.id} was already ${state}; nothing changed\n`,
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

async function password(
  username: string,
  io: CommandIo,
  stdin: NodeJS.ReadableStream,
): Promise<number> {
  const line = await readFirstLine(stdin);
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const result = await setPassword(ctx, { username, password: line });
    if (!result.ok) return reportProblems(io, "user", problemsOf(result.error));
    const { user, sessionsEnded, unlocked } = result.value;
    io.err(
      `fenqi user: password of ${user.id} set; open sessions ended: ${sessionsEnded}` +
        (unlocked ? "; the login lock is lifted\n" : "\n"),
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

/** The problems of a refusal; an error without any (none today) is pinned on the username. */
function problemsOf(error: AppError): readonly Problem[] {
  return error.problems ?? [{ code: error.code, field: "username", message: error.message }];
}

/** The options of `create`; undefined for anything else (an unknown flag, a stray argument). */
function parseCreateOptions(args: readonly string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: createOptions,
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
  } catch {
    return undefined;
  }
}

const createOptions = {
  username: { type: "string" },
  role: { type: "string" },
  borrower: { type: "string" },
  "password-stdin": { type: "boolean" },
} as const;

/** The one USERNAME of `disable`, `enable` and `password`; undefined for anything else. */
function onlyPositional(args: readonly string[]): string | undefined {
  try {
    const { positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true });
    return positionals.length === 1 ? positionals[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bytes of stdin read at most for a password: the longest password at 4 bytes a character and
 * its line break. A longer line is refused by the password rules, not read to its end.
 */
const passwordLineBytesMax = passwordLengthMax * 4 + 2;

/**
 * The first line of stdin: a trailing newline from `echo` is not part of the password. Reading
 * stops at the first line break (or the byte bound), so a terminal does not wait for end of input.
 */
async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    size += buffer.length;
    if (buffer.includes(0x0a) || size > passwordLineBytesMax) break;
  }
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
}
