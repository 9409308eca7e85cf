import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../src/app/users/users.js";
import { loginThrottle, sessionTtlMs } from "../src/domain/users/roles.js";
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
 * Logging in (docs/api.md "Logging in"): the session cookie's flags, CSRF on cookie writes,
 * logout, expiry, and the login throttle — with the test's clock, on both stores.
 */

const borrower = {
  id: "b1",
  timezone: "Asia/Shanghai",
  name: "张三",
  phone: "+8613800000001",
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
};

function cookieOf(response: LightMyRequestResponse): string {
  return String(response.headers["set-cookie"] ?? "");
}

describe.each(storeKinds)("logging in on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const clock = { at: testNow };

  const login = (username: string, password: string) =>
    h.app.inject({ method: "POST", url: "/api/v1/session", payload: { username, password } });

  async function loggedIn(username: string) {
    const response = await login(username, testPassword);
    expect(response.statusCode, response.body).toBe(200);
    const cookie = cookieOf(response).split(";", 1)[0] ?? "";
    return { cookie, csrf: json<{ csrfToken: string }>(response).csrfToken, response };
  }

  beforeAll(async () => {
    h = await openHttpHarness(kind, { now: () => clock.at });
    expect(
      (await h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrower })).statusCode,
    ).toBe(201);
    for (const [username, role, borrowerId] of [
      ["Li.Wei", "agent", undefined],
      ["zhang.san", "borrower", "b1"],
      ["victim", "supervisor", undefined],
      ["patient", "auditor", undefined],
    ] as const) {
      const user = await createUser(h.ctx, { username, role, borrowerId, password: testPassword });
      expect(user.ok).toBe(true);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sets an HttpOnly, Secure, SameSite=Strict session cookie with an expiry, and answers the caller", async () => {
    clock.at = testNow;
    const { response, cookie } = await loggedIn("  li.wei ");
    const setCookie = cookieOf(response);
    expect(setCookie).toMatch(/^__Host-fenqi_session=[\w-]{43}; /);
    const attributes = setCookie.split("; ").slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining(["Path=/", "HttpOnly", "Secure", "SameSite=Strict"]),
    );
    expect(attributes).toContain(`Max-Age=${sessionTtlMs / 1000}`);
    expect(attributes).toContain(`Expires=${new Date(testNow + sessionTtlMs).toUTCString()}`);
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = json<{ user: Record<string, unknown>; csrfToken: string; expiresAt: string }>(
      response,
    );
    expect(body.user).toEqual({ id: expect.any(String), role: "agent", borrowerId: null });
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
    expect(body.expiresAt).toBe(new Date(testNow + sessionTtlMs).toISOString());

    const me = await h.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
    expect(me.statusCode, me.body).toBe(200);
    expect(json<{ user: unknown }>(me).user).toEqual(body.user);
    // The session id is stored only as its digest: the cookie's value is nowhere in the store.
    const sessionId = cookie.split("=")[1] ?? "";
    const rows = await h.ctx.store.transaction((tx) =>
      tx.sessions.get(h.ctx.keyring.digest(sessionId)),
    );
    expect(rows?.csrfHash).toBe(h.ctx.keyring.digest(body.csrfToken));
    expect(await h.ctx.store.transaction((tx) => tx.sessions.get(sessionId))).toBeUndefined();
  });

  it("answers a borrower user with their borrower id", async () => {
    const { response } = await loggedIn("zhang.san");
    expect(json<{ user: unknown }>(response).user).toMatchObject({
      role: "borrower",
      borrowerId: "b1",
    });
  });

  it("refuses a cookie write without the session's CSRF token (403 problem), and takes it with it", async () => {
    clock.at = testNow;
    const { cookie, csrf } = await loggedIn("zhang.san");
    const consent = { action: "grant", contact: "ec1" };
    const url = "/api/v1/borrowers/b1/consents";
    const post = (headers: Record<string, string>) =>
      h.app.inject({ method: "POST", url, headers: { cookie, ...headers }, payload: consent });
    expectProblem(await post({}), 403, "forbidden");
    expectProblem(await post({ "x-csrf-token": "" }), 403, "forbidden");
    expectProblem(await post({ "x-csrf-token": `${csrf}x` }), 403, "forbidden");
    const other = await loggedIn("zhang.san");
    expectProblem(await post({ "x-csrf-token": other.csrf }), 403, "forbidden");
    const consents = await h.app.inject({ method: "GET", url, headers: { cookie } });
    expect(json<{ items: unknown[] }>(consents).items).toEqual([]);
    expect((await post({ "x-csrf-token": csrf })).statusCode).toBe(201);
    // A service-key request carries no cookie, so it needs no token.
    const loan = await h.call({ method: "GET", url: "/api/v1/borrowers/b1" });
    expect(loan.statusCode).toBe(200);
  });

  it("logs out (CSRF required): the cookie is cleared and opens nothing any more", async () => {
    clock.at = testNow;
    const { cookie, csrf } = await loggedIn("li.wei");
    const logout = (headers: Record<string, string>) =>
      h.app.inject({ method: "DELETE", url: "/api/v1/session", headers: { cookie, ...headers } });
    expectProblem(await logout({}), 403, "forbidden");
    const out = await logout({ "x-csrf-token": csrf });
    expect(out.statusCode, out.body).toBe(204);
    expect(cookieOf(out)).toMatch(/^__Host-fenqi_session=; Path=\/; Max-Age=0; /);
    expectProblem(
      await h.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } }),
      401,
      "unauthorized",
    );
  });

  it("expires a session after its time, by the injected clock", async () => {
    clock.at = testNow;
    const { cookie } = await loggedIn("li.wei");
    clock.at = testNow + sessionTtlMs - 1;
    const me = () => h.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    clock.at = testNow + sessionTtlMs;
    expectProblem(await me(), 401, "unauthorized");
    clock.at = testNow;
  });

  it("refuses a wrong password and an unknown username alike, and audits each without either in clear", async () => {
    clock.at = testNow;
    const wrongPassword = "not-the-password-0000";
    const before = await h.ctx.store.transaction((tx) => tx.audit.count());
    const wrong = await login("patient", wrongPassword);
    const unknown = await login("nobody.here", wrongPassword);
    expectProblem(wrong, 401, "unauthorized");
    expectProblem(unknown, 401, "unauthorized");
    expect(json<{ detail: string }>(wrong).detail).toBe(json<{ detail: string }>(unknown).detail);
    const leaves = await h.ctx.store.transaction((tx) => tx.audit.list(before, 100));
    const failed = leaves.filter((l) => l.kind === "auth.login_failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]?.data).toEqual({
      username: h.ctx.keyring.lookupHash("username", "patient"),
      reason: "bad_credentials",
    });
    const text = JSON.stringify(leaves);
    for (const secret of [wrongPassword, "patient", "nobody.here"]) {
      expect(text).not.toContain(secret);
    }
    // The failures are forgotten once the right password comes in.
    await loggedIn("patient");
  });

  it("locks a username after N failures — even for the right password — and unlocks it after the period", async () => {
    clock.at = testNow + 1000;
    for (let i = 1; i < loginThrottle.failuresMax; i++) {
      clock.at += 1000;
      expectProblem(await login("victim", `wrong-password-${i}`), 401, "unauthorized");
    }
    // N−1 failures: the right password still opens.
    await loggedIn("victim");
    for (let i = 1; i <= loginThrottle.failuresMax; i++) {
      clock.at += 1000;
      expectProblem(await login("victim", `wrong-password-${i}`), 401, "unauthorized");
    }
    const lockedAt = clock.at;
    const locked = await login("victim", testPassword);
    expectProblem(locked, 429, "too_many_attempts");
    expect(cookieOf(locked)).toBe("");
    clock.at = lockedAt + loginThrottle.lockMs - 1;
    expectProblem(await login("victim", testPassword), 429, "too_many_attempts");
    const leaves = await h.ctx.store.transaction((tx) => tx.audit.list(0, 10_000));
    const usernameHash = h.ctx.keyring.lookupHash("username", "victim");
    expect(leaves.filter((l) => l.kind === "auth.login_locked")).toEqual([
      expect.objectContaining({
        subject: "login",
        data: { username: usernameHash, until: lockedAt + loginThrottle.lockMs },
      }),
    ]);
    const refusedWhileLocked = leaves.filter(
      (l) => l.kind === "auth.login_failed" && l.data.reason === "locked",
    );
    expect(refusedWhileLocked).toHaveLength(2);
    clock.at = lockedAt + loginThrottle.lockMs;
    await loggedIn("victim");
    clock.at = testNow;
  });

  it("counts only the failures within the window", async () => {
    clock.at = testNow + 10 * loginThrottle.windowMs;
    for (let round = 0; round < 2; round++) {
      for (let i = 1; i < loginThrottle.failuresMax; i++) {
        clock.at += 1000;
        expectProblem(await login("li.wei", "wrong-password-x"), 401, "unauthorized");
      }
      clock.at += loginThrottle.windowMs;
    }
    await loggedIn("li.wei");
    clock.at = testNow;
  });

  it("refuses a malformed login with 400 and an unknown cookie with 401", async () => {
    expectProblem(
      await h.app.inject({ method: "POST", url: "/api/v1/session", payload: { username: "x" } }),
      400,
      "invalid_request",
    );
    const forged = `__Host-fenqi_session=${"A".repeat(43)}`;
    expectProblem(
      await h.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: forged } }),
      401,
      "unauthorized",
    );
  });
});
