import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../src/app/context.js";
import { login } from "../src/app/users/sessions.js";
import { openApp } from "../src/cli/compose.js";
import { spawnFenqi } from "./support/run-cli.js";
import { type StoreKind, storeKinds, type TestDatabase, testDatabase } from "./support/stores.js";

/**
 * `fenqi user disable|enable|password` as an operator runs them: separate processes on the
 * configured store, passwords piped on stdin. What they did is checked through the login use
 * case on the same store and key file.
 */
describe.each(storeKinds)("fenqi user on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-user-cli-"));
  const sqlitePath = join(dir, "fenqi.db");
  const keyFile = join(dir, "fenqi.key");
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let ctx: AppContext;

  const firstPassword = "first operator passphrase";
  const secondPassword = "second operator passphrase";
  const loginOk = async (password: string) =>
    (await login(ctx, { username: "cli.agent", password })).ok;
  const leavesText = async () =>
    JSON.stringify(await ctx.store.transaction((tx) => tx.audit.list(0, 10_000)));

  beforeAll(async () => {
    database = testDatabase(kind);
    const databaseUrl = await database.url();
    env = {
      DATABASE_URL: databaseUrl ?? "",
      FENQI_DB: sqlitePath,
      FENQI_KEY_FILE: keyFile,
      FENQI_MASTER_KEY: "",
    };
    const created = spawnFenqi(
      ["user", "create", "--username", "cli.agent", "--role", "agent", "--password-stdin"],
      env,
      `${firstPassword}\n`,
    );
    expect(created.stderr).toMatch(/^fenqi user: created usr_\w+ \(agent\)\n$/);
    expect(created.code).toBe(0);
    ctx = await openApp({ databaseUrl, sqlitePath, keyFile });
  });
  afterAll(async () => {
    await ctx?.store.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("password reads the new password from stdin, never from the arguments", async () => {
    // A password given as an argument is refused as a usage error and changes nothing.
    const inArgv = spawnFenqi(["user", "password", "cli.agent", secondPassword], env);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain("usage: fenqi user");
    expect(await loginOk(firstPassword)).toBe(true);

    const args = ["user", "password", "cli.agent"];
    const set = spawnFenqi(args, env, `${secondPassword}\nignored second line\n`);
    expect(set.stderr).toMatch(/^fenqi user: password of usr_\w+ set; open sessions ended: 1\n$/);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe("");
    expect(args.join(" ")).not.toContain(secondPassword);
    expect(await loginOk(firstPassword)).toBe(false);
    expect(await loginOk(secondPassword)).toBe(true);
    const leaves = await leavesText();
    expect(leaves).toContain('"kind":"user.password_set"');
    for (const secret of [firstPassword, secondPassword, "cli.agent"]) {
      expect(leaves).not.toContain(secret);
    }
  });

  it("refuses bad input with exit 2 naming the field, changing nothing", async () => {
    const before = await ctx.store.transaction((tx) => tx.audit.count());
    const unknown = spawnFenqi(["user", "password", "no.such.user"], env, "long enough 12345\n");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("fenqi user: username: no such user [not_found]\n");
    for (const input of ["\n", "", "too short\n"]) {
      const weak = spawnFenqi(["user", "password", "cli.agent"], env, input);
      expect(weak.code).toBe(2);
      expect(weak.stderr).toBe("fenqi user: password: 12–256 characters [field.length]\n");
    }
    const missing = spawnFenqi(["user", "disable", "no.such.user"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("username: no such user");
    expect(spawnFenqi(["user", "enable"], env).code).toBe(2);
    expect(await ctx.store.transaction((tx) => tx.audit.count())).toBe(before);
    expect(await loginOk(secondPassword)).toBe(true);
    // Six processes, each compiling the CLI: more than the default timeout on a busy machine.
  }, 120_000);

  it("disable refuses the user's logins; enable lets them in again", async () => {
    const disabled = spawnFenqi(["user", "disable", "cli.agent"], env);
    expect(disabled.stderr).toMatch(/^fenqi user: disabled usr_\w+; open sessions ended: 2\n$/);
    expect(disabled.code).toBe(0);
    expect(await loginOk(secondPassword)).toBe(false);
    const again = spawnFenqi(["user", "disable", "cli.agent"], env);
    expect(again.stderr).toMatch(/was already disabled; nothing changed/);
    expect(again.code).toBe(0);
    const enabled = spawnFenqi(["user", "enable", "cli.agent"], env);
    expect(enabled.stderr).toMatch(/^fenqi user: enabled usr_\w+\n$/);
    expect(enabled.code).toBe(0);
    expect(await loginOk(secondPassword)).toBe(true);
    const leaves = await leavesText();
    expect(leaves).toContain('"kind":"user.disabled"');
    expect(leaves).toContain('"kind":"user.enabled"');
    expect(leaves).not.toContain("cli.agent");
  });
});
