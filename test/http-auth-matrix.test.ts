import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roles } from "../src/domain/users/roles.js";
import type { AccessEntry, RouteAccess } from "../src/http/auth.js";
import { apiPrefix } from "../src/http/server.js";
import {
  cnFlatProduct,
  type HttpHarness,
  json,
  openHttpHarness,
  type UserSession,
} from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * The authorization matrix (docs/api.md "Access"): every route of the running server's access
 * table × every role, the service key and an anonymous caller. Each call must be answered as the
 * route's declared access says: 401 without credentials, 403 for a caller it does not admit, and
 * anything but 401/403 for one it admits. The table is read from the server itself (its onRoute
 * hook), so a new route is in the matrix the moment it exists; a route that declares no access
 * fails at startup.
 */

/** The /api/v1 routes that exist today: the table may grow, never silently shrink. */
const routesKnownToday = 38;

const product = cnFlatProduct;
const borrowerOf = (id: string, phone: string) => ({
  id,
  timezone: "Asia/Shanghai",
  name: "测试",
  phone,
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: `${phone.slice(0, -1)}9` }],
});

type Caller = "anonymous" | "service" | (typeof roles)[number];
const callers: readonly Caller[] = ["anonymous", "service", ...roles];

/** What the declared access says a caller gets: admitted, or the refusal's status. */
function expectedFor(access: RouteAccess, caller: Caller): "admitted" | 401 | 403 {
  if (access.requires === "nothing") return "admitted";
  if (caller === "anonymous") return 401;
  if (caller === "service") return access.serviceKey ? "admitted" : 403;
  return access.roles.includes(caller) ? "admitted" : 403;
}

/** The owner check's refusal: an admitted borrower must never get it for their own records. */
const ownerRefusal = "no such record for this caller";

describe.each(storeKinds)("the authorization matrix on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const sessions = new Map<Caller, UserSession>();
  /** The borrower user's own records, and another borrower's for everyone else. */
  const ids = { own: { borrower: "b1", loan: "" }, other: { borrower: "b3", loan: "" } };

  async function originate(borrowerId: string, orderId: string): Promise<string> {
    const response = await h.call({
      method: "POST",
      url: "/api/v1/loans",
      payload: {
        orderId,
        borrowerId,
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return json<{ loan: { id: string } }>(response).loan.id;
  }

  beforeAll(async () => {
    h = await openHttpHarness(kind);
    for (const payload of [
      product,
      borrowerOf("b1", "+8613800000001"),
      borrowerOf("b3", "+8613800000003"),
    ]) {
      const url =
        "id" in payload && payload.id === "flat" ? "/api/v1/products" : "/api/v1/borrowers";
      expect((await h.call({ method: "POST", url, payload })).statusCode).toBe(201);
    }
    ids.own.loan = await originate("b1", "order-own");
    ids.other.loan = await originate("b3", "order-other");
    for (const role of roles) {
      sessions.set(role, await h.as(role, role === "borrower" ? "b1" : undefined));
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  /**
   * A concrete request for a route: the borrower user addresses their own records (so the owner
   * check must let them through), everyone else another borrower's. Writes carry a body no
   * schema accepts, so an admitted call is refused 400 before it changes anything (the access
   * checks run first); ids that name nothing (an attempt, a hold) answer 404 when admitted.
   */
  function requestFor(entry: AccessEntry, caller: Caller): InjectOptions {
    const mine = caller === "borrower" ? ids.own : ids.other;
    const path = entry.url
      .replace(/\/borrowers\/:id/, `/borrowers/${mine.borrower}`)
      .replace(/\/loans\/:id/, `/loans/${mine.loan}`)
      .replace(/\/products\/:id/, "/products/flat")
      .replace(/:holdId/, "hold_none")
      .replace(/:id/, "none_1");
    const query =
      entry.method === "GET" && entry.url === `${apiPrefix}/loans`
        ? `?borrowerId=${mine.borrower}`
        : "";
    const write = entry.method !== "GET";
    return {
      method: entry.method as InjectOptions["method"],
      url: `${path}${query}`,
      ...(write && entry.method !== "DELETE" ? { payload: { matrixProbe: true } } : {}),
    };
  }

  function send(caller: Caller, options: InjectOptions): Promise<LightMyRequestResponse> {
    if (caller === "anonymous") return h.app.inject(options);
    if (caller === "service") return h.call(options);
    const session = sessions.get(caller);
    if (!session) throw new Error(`no session for ${caller}`);
    return session.call(options);
  }

  it("enumerates every /api/v1 operation of the OpenAPI document, and no fewer routes than today", async () => {
    const doc = json<{ paths: Record<string, Record<string, unknown>> }>(
      await h.app.inject({ method: "GET", url: "/docs/json" }),
    );
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(apiPrefix))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const table = h.app.accessTable
      .map((e) => `${e.method} ${e.url.replace(/:(\w+)/g, "{$1}")}`)
      .sort();
    expect(table).toEqual(documented);
    expect(new Set(table).size).toBe(table.length);
    expect(table.length).toBeGreaterThanOrEqual(routesKnownToday);
  });

  it("answers every route × caller exactly as the route's declared access says", async () => {
    // Logging out ends the caller's session: it goes last.
    const table = [...h.app.accessTable].sort(
      (a, b) =>
        Number(a.method === "DELETE" && a.url.endsWith("/session")) -
        Number(b.method === "DELETE" && b.url.endsWith("/session")),
    );
    const mismatches: string[] = [];
    let cells = 0;
    for (const caller of callers) {
      for (const entry of table) {
        const request = requestFor(entry, caller);
        const response = await send(caller, request);
        const expected = expectedFor(entry.access, caller);
        const status = response.statusCode;
        cells++;
        const refusedByOwner =
          status === 404 && (json<{ detail?: string }>(response).detail ?? "") === ownerRefusal;
        const ok =
          status < 500 &&
          (expected === "admitted"
            ? status !== 401 && status !== 403 && !refusedByOwner
            : status === expected);
        if (!ok) {
          mismatches.push(
            `${caller} ${entry.method} ${entry.url}: expected ${expected}, got ${status}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(callers.length * h.app.accessTable.length);
    console.info(
      `authorization matrix on ${kind}: ${h.app.accessTable.length} routes × ${callers.length} callers = ${cells} cells`,
    );
  });
});
