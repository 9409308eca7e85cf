import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import type { AppContext } from "../../src/app/context.js";
import { createUser } from "../../src/app/users/users.js";
import { newApiSecret, openApp } from "../../src/cli/compose.js";
import type { Role } from "../../src/domain/users/roles.js";
import { buildServer } from "../../src/http/server.js";
import { expectNoPersonalValues, watchPersonalValues } from "./log-scan.js";
import { type StoreKind, testDatabase } from "./stores.js";

/** A clock fixed at 2026-03-01T04:00:00Z (noon in Shanghai), so business dates are known. */
export const testNow = Date.UTC(2026, 2, 1, 4);

/** The rate limit of test servers: high enough never to be reached by a suite. */
export const testRateLimitPerMinute = 1_000_000;

/**
 * The product the HTTP tests register through the API: CN flat fee, 12 months, 3 days of grace,
 * a one-time late fee of 30.00.
 */
export const cnFlatProduct = {
  id: "flat",
  jurisdiction: "CN",
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [12],
  graceDays: 3,
  lateCharges: [{ kind: "late_fee_fixed", amount: "30.00" }],
};

/** The service API built in-process on a fresh store, with one API key and its log captured. */
export interface HttpHarness {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** `Authorization` header of a valid key. */
  readonly auth: { readonly authorization: string };
  /** Every log line the server wrote. */
  readonly logLines: string[];
  /**
   * The personal values and secrets the server was sent or handed out (names, phones, e-mails,
   * passwords, session cookies, CSRF tokens, the API key): none may be in `logLines`, which
   * `close()` checks (test/support/log-scan.ts).
   */
  readonly personalValues: ReadonlySet<string>;
  /** Injects a request with the valid key (unless `headers.authorization` says otherwise). */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A logged-in user of `role` (created on first use, one per role and borrower). */
  as(role: Role, borrowerId?: string): Promise<UserSession>;
  close(): Promise<void>;
}

/** A logged-in user: injects requests with the session cookie and the CSRF token. */
export interface UserSession {
  readonly userId: string;
  readonly expiresAt: number;
  /** `cookie` and `x-csrf-token`. */
  readonly headers: { readonly cookie: string; readonly "x-csrf-token": string };
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/** A password long enough for the rules, the same for every test user. */
export const testPassword = "correct horse battery staple";

/**
 * Creates a user of `role` through the use case and logs them in through the API
 * (POST /api/v1/session), returning a caller that sends their cookie and CSRF token.
 */
export async function loginAs(
  app: FastifyInstance,
  ctx: AppContext,
  username: string,
  role: Role,
  borrowerId?: string,
): Promise<UserSession> {
  const user = await createUser(ctx, { username, role, borrowerId, password: testPassword });
  if (!user.ok) throw new Error(user.error.message);
  return logIn(app, username);
}

/** Logs an existing test user in again (a test clock that moved past the session's expiry). */
export async function logIn(app: FastifyInstance, username: string): Promise<UserSession> {
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/session",
    payload: { username, password: testPassword },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const cookie = String(response.headers["set-cookie"]).split(";", 1)[0] ?? "";
  const body = json<{ csrfToken: string; expiresAt: string; user: { id: string } }>(response);
  const headers = { cookie, "x-csrf-token": body.csrfToken };
  return {
    userId: body.user.id,
    expiresAt: Date.parse(body.expiresAt),
    headers,
    call: (options) =>
      app.inject({ ...options, headers: { ...headers, ...(options.headers ?? {}) } }),
  };
}

/**
 * Opens the app through the composition root (`openApp`) on a temporary SQLite file or a fresh
 * PostgreSQL database, with a fixed clock (or `options.now`) and counted ids, and builds the server with a logger
 * whose stream collects lines, so a test can read what would have reached the log.
 */
export async function openHttpHarness(
  kind: StoreKind,
  options: {
    readonly now?: () => number;
    /** The server's log level (default debug). */
    readonly logLevel?: string;
    /**
     * Whether `close()` checks the log for the personal values sent (default true). Off only
     * where requests carry random strings under personal keys (the fuzz test), which would be
     * noise, not personal data.
     */
    readonly scanLog?: boolean;
  } = {},
): Promise<HttpHarness> {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-http-"));
  const database = testDatabase(kind);
  let counter = 0;
  const ctx = await openApp(
    {
      databaseUrl: await database.url(),
      sqlitePath: join(dir, "api.db"),
      keyFile: join(dir, "api.key"),
    },
    { clock: { now: options.now ?? (() => testNow) }, ids: { next: (p) => `${p}_${++counter}` } },
  );
  const key = await createApiKey(ctx, "checkout", newApiSecret());
  if (!key.ok) throw new Error(key.error.message);
  const logLines: string[] = [];
  const logger = {
    level: options.logLevel ?? "debug",
    stream: { write: (line: string) => logLines.push(line) },
  };
  // Tests send hundreds of requests a second from one address: the limit has its own test.
  const app = await buildServer(ctx, { logger, rateLimitPerMinute: testRateLimitPerMinute });
  const auth = { authorization: `Bearer ${key.value.secret}` };
  const personalValues = watchPersonalValues(app);
  personalValues.add(key.value.secret);
  const sessions = new Map<string, Promise<UserSession>>();
  return {
    app,
    ctx,
    auth,
    logLines,
    personalValues,
    call: (options) => app.inject({ ...options, headers: { ...auth, ...(options.headers ?? {}) } }),
    as(role, borrowerId) {
      const username = borrowerId === undefined ? `${role}.test` : `${role}.${borrowerId}`;
      let session = sessions.get(username);
      if (!session) {
        session = loginAs(app, ctx, username, role, borrowerId);
        sessions.set(username, session);
      }
      return session;
    },
    async close() {
      await app.close();
      await ctx.store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      // Last, so a leak fails the suite without leaving its database behind.
      if (options.scanLog !== false) expectNoPersonalValues(logLines, personalValues);
    },
  };
}

/** The parsed JSON body of a response. */
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/** Text that must never appear in an answer: stack frames, SQL, driver names. */
const leaks = [
  /\bat .+\.(ts|js):\d+/,
  /\bselect\b.+\bfrom\b/i,
  /\binsert into\b/i,
  /sqlite/i,
  /postgres/i,
  /"stack"/,
];

/**
 * Checks that a response is an RFC 9457 problem of `status` and `code`, for the request's path,
 * free of stack traces and SQL; returns the fields named in `errors`.
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): string[] {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = json<{
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    errors?: { field: string; code: string; message: string }[];
  }>(response);
  expect(body).toMatchObject({ type: `https://fenqi.dev/problems/${code}`, status });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  const url = response.raw.req.url ?? "";
  expect(body.instance).toBe(url.split("?", 1)[0]);
  for (const leak of leaks) expect(response.body).not.toMatch(leak);
  return (body.errors ?? []).map((e) => e.field);
}
