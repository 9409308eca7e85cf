import { createHash } from "node:crypto";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../src/adapters/store/open-store.js";
import { roles } from "../src/domain/users/roles.js";
import { type AccessEntry, csrfHeader, sessionCookieName } from "../src/http/auth.js";
import { problemContentType, problemTypeBase } from "../src/http/problems.js";
import { bodyLimitBytes } from "../src/http/server.js";
import {
  cnFlatProduct,
  type HttpHarness,
  json,
  logIn,
  openHttpHarness,
  type UserSession,
} from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * Fuzzes every route of the running server's access table (the table the authorization matrix
 * enumerates) with random and malformed requests — random JSON, wrong types, bodies near the
 * 64 KiB limit, deep nesting, invalid JSON, wrong content types; garbage cookies, CSRF tokens and
 * authorization headers; path parameters in unicode, very long, with `../` and encoded slashes;
 * random query strings — each sent by a random caller (anonymous, the service key, a session of
 * each role). Every answer must be below 500; every 4xx an RFC 9457 problem; and a 4xx must change
 * nothing: a digest over every application table is the same after it as before.
 *
 * Left out of the digest and checked on their own, because a refusal writes them on purpose
 * (DESIGN.md "Audit": a failed login or a refused request is an audit leaf): the audit leaves (a
 * 4xx may append only refusal leaves) and the login throttle's tables (only a refused login may
 * change them). FENQI_FUZZ_RUNS sets the runs per route, FENQI_FUZZ_SEED replays a failure.
 */

/** Random requests per route and store; the two stores × every route take about a minute. */
const numRuns = Number(process.env.FENQI_FUZZ_RUNS ?? 50);
const seed =
  process.env.FENQI_FUZZ_SEED === undefined ? undefined : Number(process.env.FENQI_FUZZ_SEED);

/** The audit leaves a refused request may append (src/app/api-keys.ts, src/app/users/sessions.ts). */
const refusalLeafKinds = new Set([
  "auth.failed",
  "auth.denied",
  "auth.login_failed",
  "auth.login_locked",
]);
/** Written by refused logins on purpose; compared on their own. */
const loginThrottleTables = ["login_failures", "login_locks"];
const auditTable = "audit_leaves";

type Caller = "anonymous" | "service" | (typeof roles)[number];
const callers: readonly Caller[] = ["anonymous", "service", ...roles];

// ---------------------------------------------------------------------------------------------
// Generators.

/** Header text: what HTTP can carry (visible ASCII, space, tab and obs-text bytes). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      },
      { weight: 1, arbitrary: fc.constant("\t") },
    ),
    maxLength,
  });

/** Strings fit to hurt a router: traversal, encoded slashes, NULs, broken escapes, unicode. */
const nastySegments = [
  "..",
  "../",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f",
  "%2E%2E",
  "a%2Fb",
  "a%5Cb",
  "..%5c..%5c",
  "%00",
  "b1%00",
  "%",
  "%ZZ",
  "%C0%AE%C0%AE%2F",
  "%F0%9F%92%A9",
  "%E5%BC%A0%E4%B8%89",
  "%FF%FE",
  "%20",
  "__proto__",
  "constructor",
  "null",
  ";",
  "b1;drop table borrowers",
  "b1'--",
  "*",
  "b1?x=1",
  "b1#frag",
];

function pathParam(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 3, arbitrary: fc.constantFrom(...nastySegments) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(encodeURIComponent),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: "binary-ascii", maxLength: 20 }).map(encodeURIComponent),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("a", "1", "é", "%2F", "../"), fc.integer({ min: 200, max: 4000 }))
        .map(([unit, n]) => encodeURIComponent(unit).repeat(n)),
    },
  );
}

const queryKeys = ["limit", "after", "borrowerId", "status", "days", "date", "phone", "__proto__"];

const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 8 })),
          fc.oneof(
            fc.constantFrom(
              "-1",
              "0",
              "1",
              "500",
              "501",
              "1e3",
              "NaN",
              "",
              "b1",
              "open",
              "2026-02-30",
            ),
            fc.string({ unit: "grapheme", maxLength: 30 }),
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) =>
        pairs.length === 0
          ? ""
          : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("?", "?&&", "?limit", "?limit=%ZZ", "?a[b]=1", "?limit=1&limit=2"),
  },
);

/** Field names of the API, so random objects often reach a schema's fields with a wrong type. */
const apiFields = [
  "id",
  "orderId",
  "borrowerId",
  "productId",
  "principal",
  "installments",
  "date",
  "amount",
  "at",
  "name",
  "phone",
  "email",
  "timezone",
  "emergencyContacts",
  "username",
  "password",
  "action",
  "contact",
  "purpose",
  "channel",
  "to",
  "template",
  "until",
  "kind",
  "loan",
  "decision",
  "result",
  "field",
  "reason",
  "method",
  "periodFeeRate",
  "__proto__",
  "constructor",
];

interface BodyCase {
  readonly payload?: string;
  readonly contentType?: string;
  readonly label: string;
}

const jsonType = "application/json";
const wrongTypes = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/jsonx",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/json;",
  "application/json; charset",
  "*/*",
  "garbage/;;;",
  "",
];

/** A JSON text of exactly `size` bytes: an object holding one long string. */
function jsonOfSize(size: number, key: string): string {
  const shell = JSON.stringify({ [key]: "" }).length;
  return JSON.stringify({ [key]: "x".repeat(Math.max(0, size - shell)) });
}

const bodyCase: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ label: "no body" }) },
  {
    weight: 3,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({
      payload: JSON.stringify(v),
      contentType: jsonType,
      label: "random json",
    })),
  },
  {
    weight: 4,
    arbitrary: fc
      .dictionary(fc.constantFrom(...apiFields), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })
      .map((v) => ({
        payload: JSON.stringify(v),
        contentType: jsonType,
        label: "api fields, random values",
      })),
  },
  {
    weight: 2,
    arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }).map((text) => ({
      payload: text,
      contentType: jsonType,
      label: "invalid json text",
    })),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({
      payload: JSON.stringify(v).slice(0, -1),
      contentType: jsonType,
      label: "truncated json",
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: bodyLimitBytes - 64, max: bodyLimitBytes + 64 }),
        fc.constantFrom(...apiFields),
      )
      .map(([size, key]) => ({
        payload: jsonOfSize(size, key),
        contentType: jsonType,
        label: `${size}-byte json`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 100, max: 30_000 }), fc.boolean())
      .map(([depth, arrays]) => ({
        payload: arrays
          ? `${"[".repeat(depth)}${"]".repeat(depth)}`
          : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
        contentType: jsonType,
        label: `nesting ${depth} deep`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{"__proto__":{"role":"admin"}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        "",
        " ",
        "null",
        '""',
        "\uFEFF{}",
        '{"a":1,"a":2}',
        "1e999999",
      )
      .map((payload) => ({ payload, contentType: jsonType, label: "json edge" })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...wrongTypes), fc.string({ maxLength: 40 }))
      .map(([contentType, payload]) => ({
        payload,
        contentType,
        label: `content-type ${contentType}`,
      })),
  },
);

/** How the caller's credentials are spoiled, if at all. */
type Spoil =
  | { readonly kind: "none" }
  | { readonly kind: "cookie" | "csrf" | "authorization" | "idempotency"; readonly value: string };

const spoil: fc.Arbitrary<Spoil> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
  ...(["cookie", "csrf", "authorization", "idempotency"] as const).map((kind) => ({
    weight: 1,
    arbitrary: fc
      .oneof(
        headerText(80),
        headerText(2000),
        fc.constantFrom(
          "",
          " ",
          "Bearer",
          "Bearer ",
          "Basic dXNlcjpwYXNz",
          "bearer  x",
          "=;=;;",
          "a=b; c",
        ),
      )
      .map((value) => ({ kind, value })),
  })),
);

interface FuzzCase {
  readonly caller: Caller;
  readonly params: readonly string[];
  readonly query: string;
  readonly body: BodyCase;
  readonly spoil: Spoil;
}

function caseFor(entry: AccessEntry, realIds: readonly string[]): fc.Arbitrary<FuzzCase> {
  const paramCount = (entry.url.match(/:\w+/g) ?? []).length;
  return fc.record({
    caller: fc.constantFrom(...callers),
    params: fc.array(pathParam(realIds), { minLength: paramCount, maxLength: paramCount }),
    query: queryString,
    body: bodyCase,
    spoil,
  });
}

// ---------------------------------------------------------------------------------------------
// The store digest.

/** A row as text, whatever the driver returned (bigint, Buffer, Date). */
function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
    return value;
  });
}

async function tableDigest(db: Kysely<unknown>, tables: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      db,
    );
    hash.update(`${table}\n`);
    for (const line of rows.map(rowText).sort()) hash.update(`${line}\n`);
  }
  return hash.digest("hex");
}

/** The audit leaves appended after leaf `seq`, in order. */
async function leavesAfter(
  db: Kysely<unknown>,
  seq: number,
): Promise<{ seq: number; kind: string }[]> {
  const { rows } = await sql<{ seq: bigint | number; kind: string }>`
    select seq, kind from ${sql.table(auditTable)} where seq > ${seq} order by seq`.execute(db);
  return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind }));
}

// ---------------------------------------------------------------------------------------------

describe.each(storeKinds)("fuzzing every route on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  let db: Kysely<unknown>;
  let appTables: string[];
  const sessions = new Map<Caller, UserSession>();
  const realIds: string[] = ["b1", "b3", "flat", "ec1"];

  beforeAll(async () => {
    // Random strings under personal keys are noise, not personal data: no log scan here (the
    // log tests do that).
    h = await openHttpHarness(kind, { scanLog: false });
    db = (h.ctx.store as SqlStore).db as unknown as Kysely<unknown>;
    expect(db, "the harness's store is a SqlStore").toBeDefined();
    const seedCall = async (url: string, payload: object, as?: UserSession) => {
      const response = await (as
        ? as.call({ method: "POST", url, payload })
        : h.call({ method: "POST", url, payload }));
      expect(response.statusCode, response.body).toBe(201);
      return json<{ id?: string; loan?: { id: string } }>(response);
    };
    await seedCall("/api/v1/products", cnFlatProduct);
    for (const [id, phone] of [
      ["b1", "+8613800000001"],
      ["b3", "+8613800000003"],
    ] as const) {
      await seedCall("/api/v1/borrowers", {
        id,
        timezone: "Asia/Shanghai",
        name: "测试",
        phone,
        emergencyContacts: [{ id: "ec1", relation: "parent", phone: `${phone.slice(0, -1)}9` }],
      });
      const loan = await seedCall("/api/v1/loans", {
        orderId: `order-${id}`,
        borrowerId: id,
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      });
      if (loan.loan) realIds.push(loan.loan.id);
    }
    for (const role of roles) {
      sessions.set(role, await h.as(role, role === "borrower" ? "b1" : undefined));
    }
    const supervisor = sessions.get("supervisor");
    const hold = await seedCall("/api/v1/borrowers/b1/holds", { kind: "complaint" }, supervisor);
    if (hold.id) realIds.push(hold.id);
    const attempt = await seedCall(
      `/api/v1/loans/${realIds[4]}/contact-attempts`,
      { channel: "phone", to: "borrower" },
      supervisor,
    );
    if (attempt.id) realIds.push(attempt.id);
    const tables = await db.introspection.getTables();
    appTables = tables
      .map((t) => t.name)
      .filter((name) => name !== auditTable && !loginThrottleTables.includes(name))
      .sort();
    expect(appTables).toContain("borrowers");
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  function requestOf(entry: AccessEntry, c: FuzzCase): InjectOptions {
    let index = 0;
    const path = entry.url.replace(/:\w+/g, () => c.params[index++] ?? "");
    const headers: Record<string, string> = {};
    if (c.caller === "service") Object.assign(headers, h.auth);
    const session =
      c.caller === "anonymous" || c.caller === "service" ? undefined : sessions.get(c.caller);
    if (session) Object.assign(headers, session.headers);
    const cookieName = sessionCookieName(true);
    switch (c.spoil.kind) {
      case "cookie":
        headers.cookie = [headers.cookie, c.spoil.value, `${cookieName}=${c.spoil.value}`]
          .filter(Boolean)
          .join("; ");
        if (session && c.spoil.value.length % 2 === 0)
          headers.cookie = `${cookieName}=${c.spoil.value}`;
        break;
      case "csrf":
        headers[csrfHeader] = c.spoil.value;
        break;
      case "authorization":
        headers.authorization =
          c.spoil.value.length % 3 === 0 ? `Bearer ${c.spoil.value}` : c.spoil.value;
        break;
      case "idempotency":
        headers["idempotency-key"] = c.spoil.value;
        break;
      case "none":
        break;
    }
    if (c.body.contentType !== undefined) headers["content-type"] = c.body.contentType;
    return {
      method: entry.method as InjectOptions["method"],
      url: `${path}${c.query}`,
      headers,
      ...(c.body.payload !== undefined ? { payload: c.body.payload } : {}),
    };
  }

  function describeCase(entry: AccessEntry, c: FuzzCase, response: LightMyRequestResponse): string {
    const payload = c.body.payload ?? "";
    return `${c.caller} ${entry.method} ${entry.url} params=${JSON.stringify(c.params.map((p) => p.slice(0, 60)))} query=${c.query.slice(0, 80)} body=${c.body.label}:${payload.slice(0, 80)} spoil=${c.spoil.kind} → ${response.statusCode} ${response.body.slice(0, 200)}`;
  }

  it("answers every route's random requests below 500, refuses with problems, and a refusal changes nothing", async () => {
    const table = [...h.app.accessTable];
    let cases = 0;
    let digest = await tableDigest(db, appTables);
    let throttle = await tableDigest(db, loginThrottleTables);
    let lastLeaf = (await leavesAfter(db, -1)).at(-1)?.seq ?? -1;
    const statuses = new Map<number, number>();
    for (const entry of table) {
      const isLogin = entry.method === "POST" && entry.url.endsWith("/session");
      await fc.assert(
        fc.asyncProperty(caseFor(entry, realIds), async (c) => {
          cases++;
          const response = await h.app.inject(requestOf(entry, c));
          const status = response.statusCode;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const what = describeCase(entry, c, response);
          expect(status, what).toBeLessThan(500);
          const appended = await leavesAfter(db, lastLeaf);
          lastLeaf = appended.at(-1)?.seq ?? lastLeaf;
          const newLeaves = appended.map((leaf) => leaf.kind);
          if (status >= 400) {
            expect(String(response.headers["content-type"]), what).toMatch(
              new RegExp(`^${problemContentType.replace("+", "\\+")}`),
            );
            const problem = json<{ type?: string; status?: number }>(response);
            expect(problem.status, what).toBe(status);
            expect(problem.type?.startsWith(problemTypeBase), what).toBe(true);
            expect(response.body, what).not.toMatch(/\bat .+\.(ts|js):\d+|"stack"/);
            expect(await tableDigest(db, appTables), `the store changed: ${what}`).toBe(digest);
            expect(
              newLeaves.filter((k) => !refusalLeafKinds.has(k)),
              what,
            ).toEqual([]);
            const throttleNow = await tableDigest(db, loginThrottleTables);
            if (!isLogin) expect(throttleNow, `login throttle changed: ${what}`).toBe(throttle);
            throttle = throttleNow;
          } else {
            // A logout ended the caller's session: log in again for the next cases.
            if (
              sessions.has(c.caller) &&
              entry.method === "DELETE" &&
              entry.url.endsWith("/session")
            ) {
              const username = c.caller === "borrower" ? "borrower.b1" : `${c.caller}.test`;
              sessions.set(c.caller, await logIn(h.app, username));
            }
            // An accepted request may change the store: the next case starts from here.
            digest = await tableDigest(db, appTables);
            throttle = await tableDigest(db, loginThrottleTables);
            lastLeaf = (await leavesAfter(db, lastLeaf)).at(-1)?.seq ?? lastLeaf;
          }
        }),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    }
    expect(cases).toBeGreaterThanOrEqual(numRuns * table.length);
    const spread = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.info(
      `http fuzz on ${kind}: ${numRuns} runs × ${table.length} routes = ${numRuns * table.length} cases (${cases} run); statuses ${spread.join(" ")}`,
    );
  }, 240_000);
});
