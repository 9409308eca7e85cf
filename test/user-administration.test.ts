import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../src/app/context.js";
import { disableUser, enableUser, setPassword } from "../src/app/users/administration.js";
import { pruneLogins } from "../src/app/users/housekeeping.js";
import { login } from "../src/app/users/sessions.js";
import { createUser, passwordsOf } from "../src/app/users/users.js";
import { loginThrottle, sessionTtlMs } from "../src/domain/users/roles.js";
import { startHousekeeping } from "../src/jobs/housekeeping.js";
import type { AuditLeaf } from "../src/ports/store.js";
import type { SessionRecord } from "../src/ports/user-store.js";
import {
  expectProblem,
  type HttpHarness,
  json,
  openHttpHarness,
  testNow,
  testPassword,
} from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * Operators' user administration (docs/api.md "Logging in"): disable, enable, set a password,
 * through the use cases and the API on both stores; and login housekeeping.
 */

function cookieOf(response: LightMyRequestResponse): string {
  return String(response.headers["set-cookie"] ?? "").split(";", 1)[0] ?? "";
}

async function leavesSince(ctx: AppContext, from: number): Promise<AuditLeaf[]> {
  return ctx.store.transaction((tx) => tx.audit.list(from, 10_000));
}

const auditCount = (ctx: AppContext) => ctx.store.transaction((tx) => tx.audit.count());

describe.each(storeKinds)("user administration on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const clock = { at: testNow };
  const userIds = new Map<string, string>();

  const post = (username: string, password: string) =>
    h.app.inject({ method: "POST", url: "/api/v1/session", payload: { username, password } });
  const me = (cookie: string) =>
    h.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
  async function session(username: string, password = testPassword): Promise<string> {
    const response = await post(username, password);
    expect(response.statusCode, response.body).toBe(200);
    return cookieOf(response);
  }

  beforeAll(async () => {
    h = await openHttpHarness(kind, { now: () => clock.at });
    for (const username of ["disable.me", "rekey.me", "race.disable", "race.rekey", "bad.input"]) {
      const user = await createUser(h.ctx, { username, role: "agent", password: testPassword });
      if (!user.ok) throw new Error(user.error.message);
      userIds.set(username, user.value.id);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it("disable: the right password gets a wrong password's answer, open sessions end; enable: logins work again", async () => {
    clock.at = testNow;
    const [first, second] = [await session("disable.me"), await session("disable.me")];
    expect((await me(first)).statusCode).toBe(200);
    const wrong = await post("disable.me", "not-the-password-0000");
    const before = await auditCount(h.ctx);

    const disabled = await disableUser(h.ctx, "  Disable.Me ");
    expect(disabled).toEqual({
      ok: true,
      value: {
        user: { id: userIds.get("disable.me"), role: "agent", borrowerId: null },
        changed: true,
        sessionsEnded: 2,
      },
    });
    expectProblem(await me(first), 401, "unauthorized");
    expectProblem(await me(second), 401, "unauthorized");
    const refused = await post("disable.me", testPassword);
    // The caller cannot tell a disabled account from a wrong password.
    expect(refused.statusCode).toBe(wrong.statusCode);
    expect(refused.body).toBe(wrong.body);
    expect(refused.headers["content-type"]).toBe(wrong.headers["content-type"]);
    expect(refused.headers["set-cookie"]).toBeUndefined();
    expectProblem(refused, 401, "unauthorized");
    // Disabling again changes nothing and adds no leaf.
    const again = await disableUser(h.ctx, "disable.me");
    expect(again.ok && again.value).toMatchObject({ changed: false, sessionsEnded: 0 });

    const enabled = await enableUser(h.ctx, "disable.me");
    expect(enabled.ok && enabled.value).toMatchObject({ changed: true, sessionsEnded: 0 });
    const third = await session("disable.me");
    expect((await me(third)).statusCode).toBe(200);
    // Sessions ended by the disable stay ended once the user is enabled again.
    expectProblem(await me(first), 401, "unauthorized");

    const leaves = await leavesSince(h.ctx, before);
    const id = userIds.get("disable.me");
    expect(leaves.filter((l) => l.kind.startsWith("user."))).toEqual([
      expect.objectContaining({ kind: "user.disabled", subject: id, data: { sessionsEnded: 2 } }),
      expect.objectContaining({ kind: "user.enabled", subject: id, data: { sessionsEnded: 0 } }),
    ]);
    expect(JSON.stringify(leaves)).not.toMatch(/disable\.me/i);
    expect(JSON.stringify(leaves)).not.toContain(testPassword);
  });

  it("password: the old one is refused, the new one opens, every session ends and the lock is lifted", async () => {
    clock.at = testNow + 1000;
    const [first, second] = [await session("rekey.me"), await session("rekey.me")];
    for (let i = 0; i < loginThrottle.failuresMax; i++) {
      clock.at += 1000;
      expectProblem(await post("rekey.me", `wrong-password-${i}`), 401, "unauthorized");
    }
    expectProblem(await post("rekey.me", testPassword), 429, "too_many_attempts");
    const before = await auditCount(h.ctx);

    const newPassword = "a brand new passphrase 42";
    const changed = await setPassword(h.ctx, { username: "rekey.me", password: newPassword });
    expect(changed.ok && changed.value).toMatchObject({
      changed: true,
      sessionsEnded: 2,
      unlocked: true,
    });
    expectProblem(await me(first), 401, "unauthorized");
    expectProblem(await me(second), 401, "unauthorized");
    expectProblem(await post("rekey.me", testPassword), 401, "unauthorized");
    // Still inside the lock period by the clock: only the lifted lock lets this in.
    const fresh = await session("rekey.me", newPassword);
    expect((await me(fresh)).statusCode).toBe(200);

    const leaves = await leavesSince(h.ctx, before);
    expect(leaves.filter((l) => l.kind === "user.password_set")).toEqual([
      expect.objectContaining({
        subject: userIds.get("rekey.me"),
        data: { sessionsEnded: 2, unlocked: true },
      }),
    ]);
    const text = JSON.stringify(leaves);
    for (const secret of [newPassword, testPassword, "rekey.me"])
      expect(text).not.toContain(secret);
  });

  it("refuses bad input naming the field, changing nothing", async () => {
    clock.at = testNow + 2000;
    const before = await auditCount(h.ctx);
    const unknown = await setPassword(h.ctx, {
      username: "no.such.user",
      password: "long enough 1234",
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(!unknown.ok && unknown.error.problems?.map((p) => p.field)).toEqual(["username"]);
    for (const password of ["", "too short", "x".repeat(257)]) {
      const weak = await setPassword(h.ctx, { username: "bad.input", password });
      expect(weak).toMatchObject({ ok: false, error: { code: "invalid_input" } });
      expect(!weak.ok && weak.error.problems?.map((p) => p.field)).toEqual(["password"]);
    }
    const malformed = await disableUser(h.ctx, "x");
    expect(!malformed.ok && malformed.error.problems?.map((p) => p.field)).toEqual(["username"]);
    const missing = await enableUser(h.ctx, "no.such.user");
    expect(missing).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await auditCount(h.ctx)).toBe(before);
    await session("bad.input");
  });

  /**
   * A login reads the user, then spends a scrypt verification; a disable or a password change
   * that commits meanwhile must win, or the session it opens would outlive the change.
   */
  function gatedContext() {
    const inner = passwordsOf(h.ctx);
    let entered = () => {};
    let release = () => {};
    const inVerify = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ctx: AppContext = {
      ...h.ctx,
      passwords: {
        hash: (password) => inner.hash(password),
        newSecret: () => inner.newSecret(),
        async verify(password, stored) {
          const matches = await inner.verify(password, stored);
          entered();
          await gate;
          return matches;
        },
      },
    };
    return { ctx, inVerify, release };
  }

  it("a login verifying its password while the user is disabled opens no session", async () => {
    clock.at = testNow + 3000;
    const { ctx, inVerify, release } = gatedContext();
    const before = await auditCount(h.ctx);
    const pending = login(ctx, { username: "race.disable", password: testPassword });
    await inVerify;
    expect((await disableUser(h.ctx, "race.disable")).ok).toBe(true);
    release();
    expect(await pending).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    const kinds = (await leavesSince(h.ctx, before)).map((l) => l.kind);
    expect(kinds).toEqual(["user.disabled", "auth.login_failed"]);
  });

  it("a login verifying the old password while it is changed opens no session", async () => {
    clock.at = testNow + 4000;
    const { ctx, inVerify, release } = gatedContext();
    const before = await auditCount(h.ctx);
    const pending = login(ctx, { username: "race.rekey", password: testPassword });
    await inVerify;
    const newPassword = "another new passphrase 7";
    expect((await setPassword(h.ctx, { username: "race.rekey", password: newPassword })).ok).toBe(
      true,
    );
    release();
    expect(await pending).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    const kinds = (await leavesSince(h.ctx, before)).map((l) => l.kind);
    expect(kinds).toEqual(["user.password_set", "auth.login_failed"]);
    await session("race.rekey", newPassword);
  });
});

describe.each(storeKinds)("login housekeeping on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const at = testNow + 30 * 24 * 60 * 60 * 1000;
  const clock = { at };
  let userId = "";

  beforeAll(async () => {
    h = await openHttpHarness(kind, { now: () => clock.at });
    const user = await createUser(h.ctx, {
      username: "kept.user",
      role: "agent",
      password: testPassword,
    });
    if (!user.ok) throw new Error(user.error.message);
    userId = user.value.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  function sessionRow(idHash: string, expiresAt: number, endedAt?: number): SessionRecord {
    const createdAt = expiresAt - sessionTtlMs;
    return { idHash, userId, csrfHash: `csrf-${idHash}`, createdAt, expiresAt, endedAt };
  }

  /** Expired and live rows of every kind, on either side of each boundary. */
  async function seed(prefix: string) {
    const window = loginThrottle.windowMs;
    await h.ctx.store.transaction(async (tx) => {
      for (const row of [
        sessionRow(`${prefix}-expired-long-ago`, at - 10 * sessionTtlMs),
        sessionRow(`${prefix}-expired-now`, at),
        sessionRow(`${prefix}-ended-and-expired`, at - 1, at - 1000),
        sessionRow(`${prefix}-live`, at + 1),
        sessionRow(`${prefix}-ended-not-expired`, at + 1000, at - 1000),
      ]) {
        await tx.sessions.insert(row);
      }
      await tx.loginThrottle.recordFailure(`${prefix}-a`, at - window - 1);
      await tx.loginThrottle.recordFailure(`${prefix}-a`, at - window);
      // Two identical stale rows (the table has no key): both go.
      await tx.loginThrottle.recordFailure(`${prefix}-b`, at - 2 * window);
      await tx.loginThrottle.recordFailure(`${prefix}-b`, at - 2 * window);
      await tx.loginThrottle.recordFailure(`${prefix}-b`, at - 1);
      await tx.loginThrottle.lock(`${prefix}-ended-now`, at);
      await tx.loginThrottle.lock(`${prefix}-ended-before`, at - 1);
      await tx.loginThrottle.lock(`${prefix}-in-force`, at + 1);
    });
  }

  async function remaining(prefix: string) {
    return h.ctx.store.transaction(async (tx) => {
      const sessions: string[] = [];
      for (const name of [
        "expired-long-ago",
        "expired-now",
        "ended-and-expired",
        "live",
        "ended-not-expired",
      ]) {
        if (await tx.sessions.get(`${prefix}-${name}`)) sessions.push(name);
      }
      const locks: string[] = [];
      for (const name of ["ended-now", "ended-before", "in-force"]) {
        if ((await tx.loginThrottle.lockedUntil(`${prefix}-${name}`)) !== undefined) {
          locks.push(name);
        }
      }
      return {
        sessions,
        failuresA: await tx.loginThrottle.failuresSince(`${prefix}-a`, 0),
        failuresB: await tx.loginThrottle.failuresSince(`${prefix}-b`, 0),
        locks,
      };
    });
  }

  it("deletes exactly the expired sessions, the failures past the window and the ended locks", async () => {
    await seed("one");
    const before = await auditCount(h.ctx);
    // A batch of 2 makes the run take several rounds.
    const pruned = await pruneLogins(h.ctx, { batchMax: 2 });
    expect(pruned).toEqual({ sessions: 3, failures: 3, locks: 2 });
    expect(await remaining("one")).toEqual({
      sessions: ["live", "ended-not-expired"],
      failuresA: 1,
      failuresB: 1,
      locks: ["in-force"],
    });
    const leaves = await leavesSince(h.ctx, before);
    expect(leaves.every((l) => l.kind === "auth.housekeeping" && l.subject === "system")).toBe(
      true,
    );
    const sum = (key: "sessions" | "failures" | "locks") =>
      leaves.reduce((total, l) => total + Number(l.data[key]), 0);
    expect([sum("sessions"), sum("failures"), sum("locks")]).toEqual([3, 3, 2]);
    expect(leaves.length).toBeGreaterThan(1);
    // A second run finds nothing and appends no leaf.
    expect(await pruneLogins(h.ctx)).toEqual({ sessions: 0, failures: 0, locks: 0 });
    expect(await auditCount(h.ctx)).toBe(before + leaves.length);
  });

  it("stops after the rounds it is allowed; the next run goes on", async () => {
    await seed("two");
    const first = await pruneLogins(h.ctx, { batchMax: 1, roundsMax: 1 });
    // One (username, instant) pair of failures: one row, or both identical rows of "b".
    expect(first).toEqual({ sessions: 1, failures: expect.any(Number), locks: 1 });
    expect([1, 2]).toContain(first.failures);
    expect((await remaining("two")).sessions).toHaveLength(4);
    expect(await pruneLogins(h.ctx)).toEqual({
      sessions: 2,
      failures: 3 - first.failures,
      locks: 1,
    });
    expect(await remaining("two")).toEqual({
      sessions: ["live", "ended-not-expired"],
      failuresA: 1,
      failuresB: 1,
      locks: ["in-force"],
    });
  });

  it("the job runs at start, reports what it deleted, and stops", async () => {
    await seed("three");
    const lines: string[] = [];
    const job = startHousekeeping(h.ctx, 60 * 60 * 1000, (line) => lines.push(line));
    await job.stop();
    expect(lines).toEqual([
      "housekeeping: deleted 3 expired sessions, 3 old failed logins, 2 ended locks",
    ]);
    expect((await remaining("three")).sessions).toEqual(["live", "ended-not-expired"]);
    // The user's live login still works after housekeeping.
    const response = await h.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "kept.user", password: testPassword },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ user: { id: string } }>(response).user.id).toBe(userId);
  });
});
