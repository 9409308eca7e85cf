import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import type { AppContext } from "../../src/app/context.js";
import { newApiSecret, openApp } from "../../src/cli/compose.js";
import { buildServer } from "../../src/http/server.js";
import { type StoreKind, testDatabase } from "./stores.js";

/** A clock fixed at 2026-03-01T04:00:00Z (noon in Shanghai), so business dates are known. */
export const testNow = Date.UTC(2026, 2, 1, 4);

/** The service API built in-process on a fresh store, with one API key and its log captured. */
export interface HttpHarness {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** `Authorization` header of a valid key. */
  readonly auth: { readonly authorization: string };
  /** Every log line the server wrote. */
  readonly logLines: string[];
  /** Injects a request with the valid key (unless `headers.authorization` says otherwise). */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Opens the app through the composition root (`openApp`) on a temporary SQLite file or a fresh
 * PostgreSQL database, with a fixed clock and counted ids, and builds the server with a logger
 * whose stream collects lines, so a test can read what would have reached the log.
 */
export async function openHttpHarness(kind: StoreKind): Promise<HttpHarness> {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-http-"));
  const database = testDatabase(kind);
  let counter = 0;
  const ctx = await openApp(
    {
      databaseUrl: await database.url(),
      sqlitePath: join(dir, "api.db"),
      keyFile: join(dir, "api.key"),
    },
    { clock: { now: () => testNow }, ids: { next: (p) => `${p}_${++counter}` } },
  );
  const key = await createApiKey(ctx, "checkout", newApiSecret());
  if (!key.ok) throw new Error(key.error.message);
  const logLines: string[] = [];
  const logger = { level: "debug", stream: { write: (line: string) => logLines.push(line) } };
  const app = await buildServer(ctx, { logger });
  const auth = { authorization: `Bearer ${key.value.secret}` };
  return {
    app,
    ctx,
    auth,
    logLines,
    call: (options) => app.inject({ ...options, headers: { ...auth, ...(options.headers ?? {}) } }),
    async close() {
      await app.close();
      await ctx.store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
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
