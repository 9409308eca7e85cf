import Fastify, { type LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../src/app/context.js";
import { idPattern } from "../src/domain/borrower/borrower-input.js";
import {
  apiContentSecurityPolicy,
  docsContentSecurityPolicy,
  edgeSettingsFor,
  edgeSettingsOf,
  parseRateLimitPerMinute,
  parseTrustProxy,
  rateLimitEnv,
  rateLimitPerMinuteDefault,
  rateLimitPerMinuteMax,
  type TrustProxy,
  trustProxyEnv,
} from "../src/http/hardening.js";
import { apiPrefix, bodyLimitBytes, buildServer } from "../src/http/server.js";
import { expectProblem, type HttpHarness, json, openHttpHarness } from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * The edge's hardening (src/http/hardening.ts): security headers on every answer, a per-address
 * rate limit answered with a 429 problem before authentication reads the store, the body limit,
 * the 500 path, and URLs that carry ids only (DESIGN.md "Privacy").
 */

/** The header value helmet writes for a directive map. */
function cspOf(directives: Record<string, readonly string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join(";");
}

/** The headers every answer carries, whatever its status. */
function expectSecurityHeaders(response: LightMyRequestResponse, csp: string): void {
  const headers = response.headers;
  expect(headers["content-security-policy"]).toBe(csp);
  expect(headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["cross-origin-resource-policy"]).toBe("same-origin");
  expect(headers["x-permitted-cross-domain-policies"]).toBe("none");
  expect(headers["x-powered-by"]).toBeUndefined();
}

/** Field names that would put personal data into a URL. */
const personalQueryName = /phone|mobile|tel|e-?mail|name|address|id_?card|idNumber|password/i;

describe.each(storeKinds)("the hardened edge on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const apiCsp = cspOf(apiContentSecurityPolicy);

  beforeAll(async () => {
    h = await openHttpHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends the security headers on API answers: success, refusal, unknown route, 413", async () => {
    const ok = await h.call({ method: "GET", url: "/api/v1/products" });
    expect(ok.statusCode).toBe(200);
    expectSecurityHeaders(ok, apiCsp);
    expect(apiCsp).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
    const refused = await h.app.inject({ method: "GET", url: "/api/v1/products" });
    expectProblem(refused, 401, "unauthorized");
    expectSecurityHeaders(refused, apiCsp);
    const unknown = await h.call({ method: "GET", url: "/api/v1/nothing-here" });
    expectProblem(unknown, 404, "route_not_found");
    expectSecurityHeaders(unknown, apiCsp);
    const health = await h.app.inject({ method: "GET", url: "/healthz" });
    expectSecurityHeaders(health, apiCsp);
  });

  it("serves /docs under a policy that admits its own scripts and styles only", async () => {
    const page = await h.app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page, cspOf(docsContentSecurityPolicy));
    // Every script is a same-origin file (`script-src 'self'` admits it), none inline; styles
    // are same-origin sheets. Checked once in Chromium by hand: the page renders every route.
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/src="\.?\/?(docs\/)?[\w./-]+\.js"/);
      expect(content?.trim()).toBe("");
    }
    expect(page.body).not.toMatch(/<link[^>]+href="(https?:)?\/\//);
    for (const asset of ["/docs/static/swagger-ui-bundle.js", "/docs/json"]) {
      const response = await h.app.inject({ method: "GET", url: asset });
      expect(response.statusCode, asset).toBe(200);
      expectSecurityHeaders(response, cspOf(docsContentSecurityPolicy));
    }
  });

  it("limits requests per address, before authentication, with a 429 problem", async () => {
    const limited = await buildServer(h.ctx, { rateLimitPerMinute: 3 });
    try {
      const leaves = async () =>
        h.ctx.store.transaction(async (tx) => (await tx.audit.list(0, 10_000)).length);
      const anonymous = { method: "GET" as const, url: "/api/v1/products" };
      for (let i = 0; i < 3; i++) {
        const response = await limited.inject(anonymous);
        expectProblem(response, 401, "unauthorized");
        expect(response.headers["x-ratelimit-limit"]).toBe("3");
      }
      const before = await leaves();
      const over = await limited.inject(anonymous);
      expectProblem(over, 429, "rate_limited");
      expectSecurityHeaders(over, apiCsp);
      expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
      // Refused before authentication: no audit leaf for the 401 it would have been.
      expect(await leaves()).toBe(before);
      // Even with a valid key, and on unknown routes: the limit is per address.
      expectProblem(await limited.inject({ ...anonymous, headers: h.auth }), 429, "rate_limited");
      expectProblem(await limited.inject({ method: "GET", url: "/nope" }), 429, "rate_limited");
      // Another address has its own count.
      const other = await limited.inject({
        ...anonymous,
        headers: h.auth,
        remoteAddress: "10.0.0.2",
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("counts each client behind a trusted proxy on its own, and all behind an untrusted one together", async () => {
    // Every request arrives from the proxy at 10.0.0.9 and names its client in X-Forwarded-For.
    const from = (client: string) => ({
      method: "GET" as const,
      url: "/healthz",
      remoteAddress: "10.0.0.9",
      headers: { "x-forwarded-for": client },
    });
    /** Spends 203.0.113.1's budget of 2, then answers what 203.0.113.2's first request gets. */
    const secondClientAfterFirstSpent = async (trustProxy: TrustProxy) => {
      const app = await buildServer(h.ctx, { rateLimitPerMinute: 2, trustProxy });
      try {
        for (let i = 0; i < 2; i++) {
          expect((await app.inject(from("203.0.113.1"))).statusCode).toBe(200);
        }
        expectProblem(await app.inject(from("203.0.113.1")), 429, "rate_limited");
        return (await app.inject(from("203.0.113.2"))).statusCode;
      } finally {
        await app.close();
      }
    };
    expect(await secondClientAfterFirstSpent(true)).toBe(200);
    expect(await secondClientAfterFirstSpent(["10.0.0.0/8"])).toBe(200);
    // Off, or a list without the proxy: X-Forwarded-For is not believed, one budget for all.
    expect(await secondClientAfterFirstSpent(false)).toBe(429);
    expect(await secondClientAfterFirstSpent(["192.0.2.1"])).toBe(429);
  });

  it("refuses a body one byte over the limit with a 413 problem, and reads one at the limit", async () => {
    const ofSize = (size: number) => {
      const shell = JSON.stringify({ note: "" }).length;
      return JSON.stringify({ note: "x".repeat(size - shell) });
    };
    const send = (payload: string) =>
      h.call({
        method: "POST",
        url: "/api/v1/products",
        headers: { "content-type": "application/json" },
        payload,
      });
    expect(Buffer.byteLength(ofSize(bodyLimitBytes))).toBe(bodyLimitBytes);
    // At the limit the body is read, and refused by the schema (no such field).
    expectProblem(await send(ofSize(bodyLimitBytes)), 400, "invalid_request");
    expectProblem(await send(ofSize(bodyLimitBytes + 1)), 413, "payload_too_large");
  });

  it("answers a URL it cannot decode with a 400 problem", async () => {
    expectProblem(
      await h.call({ method: "GET", url: "/api/v1/loans/%ZZ" }),
      400,
      "invalid_request",
    );
  });

  it("answers a driver's error with a bare 500 and logs its name, never its message or fields", async () => {
    const phone = "+8613800000042";
    class DatabaseError extends Error {
      override name = "DatabaseError";
      readonly code = "23505";
      readonly detail = `Key (phone)=(${phone}) already exists.`;
      readonly query = `insert into borrowers (phone) values ('${phone}')`;
    }
    const thrown = new DatabaseError(
      `duplicate key value\n    at time zone '${phone}'\nSELECT * FROM borrowers WHERE phone = '${phone}'`,
    );
    const lines: string[] = [];
    const broken: AppContext = {
      ...h.ctx,
      store: {
        dialect: h.ctx.store.dialect,
        transaction: () => Promise.reject(thrown),
        close: async () => {},
      },
    };
    const app = await buildServer(broken, {
      logger: { level: "trace", stream: { write: (l: string) => lines.push(l) } },
    });
    try {
      const response = await app.inject({
        method: "GET",
        url: "/api/v1/products",
        headers: h.auth,
      });
      expectProblem(response, 500, "internal");
      expect(json(response).detail).toMatch(/^internal error \(request [\w-]+\)$/);
      expect(response.body).not.toContain("13800000042");
      app.log.error({ err: thrown }, "a logged error object");
    } finally {
      await app.close();
    }
    const log = lines.join("");
    expect(log).toContain('"type":"DatabaseError"');
    expect(log).toContain('"code":"23505"');
    for (const text of [
      phone,
      "13800000042",
      "SELECT",
      "insert into",
      "duplicate key",
      "time zone",
    ]) {
      expect(log).not.toContain(text);
    }
  });

  it("keeps URLs free of personal data: path parameters are ids, no query names personal fields", async () => {
    const doc = json<{
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { in: string; name: string; schema?: { pattern?: string } }[] }
        >
      >;
    }>(await h.app.inject({ method: "GET", url: "/docs/json" }));
    let pathParams = 0;
    let queryParams = 0;
    for (const entry of h.app.accessTable) {
      const openApiPath = entry.url.replace(/:(\w+)/g, "{$1}");
      const operation = doc.paths[openApiPath]?.[entry.method.toLowerCase()];
      expect(operation, `${entry.method} ${entry.url} is documented`).toBeDefined();
      const parameters = operation?.parameters ?? [];
      for (const name of entry.url.match(/:(\w+)/g) ?? []) {
        const declared = parameters.find((p) => p.in === "path" && p.name === name.slice(1));
        expect(declared?.schema?.pattern, `${entry.method} ${entry.url} ${name}`).toBe(
          idPattern.source,
        );
        pathParams++;
      }
      for (const query of parameters.filter((p) => p.in === "query")) {
        expect(query.name, `${entry.method} ${entry.url}`).not.toMatch(personalQueryName);
        queryParams++;
      }
    }
    // As many as today, at least: the check is not vacuous.
    expect(pathParams).toBeGreaterThanOrEqual(30);
    expect(queryParams).toBeGreaterThanOrEqual(10);
    expect(h.app.accessTable.every((e) => e.url.startsWith(apiPrefix))).toBe(true);
  });
});

describe("the edge's configuration", () => {
  it("reads FENQI_RATE_LIMIT_PER_MINUTE: unset or empty is the default, else a whole number in range", () => {
    expect(parseRateLimitPerMinute(undefined)).toEqual({
      ok: true,
      value: rateLimitPerMinuteDefault,
    });
    expect(parseRateLimitPerMinute("")).toEqual({ ok: true, value: rateLimitPerMinuteDefault });
    expect(parseRateLimitPerMinute("120")).toEqual({ ok: true, value: 120 });
    expect(parseRateLimitPerMinute("1")).toEqual({ ok: true, value: 1 });
    expect(parseRateLimitPerMinute(String(rateLimitPerMinuteMax))).toEqual({
      ok: true,
      value: rateLimitPerMinuteMax,
    });
  });

  it("refuses a rate limit that is not a whole number in range, naming the variable", () => {
    const bad = [
      "0",
      "-1",
      "1e3",
      "12.5",
      "abc",
      " 60",
      "99999999",
      String(rateLimitPerMinuteMax + 1),
    ];
    for (const text of bad) {
      const parsed = parseRateLimitPerMinute(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.field).toBe(rateLimitEnv);
    }
  });

  it("reads FENQI_TRUST_PROXY: unset or empty is off, true, or a list of addresses and ranges", () => {
    expect(parseTrustProxy(undefined)).toEqual({ ok: true, value: false });
    expect(parseTrustProxy("")).toEqual({ ok: true, value: false });
    expect(parseTrustProxy("true")).toEqual({ ok: true, value: true });
    expect(parseTrustProxy("10.0.0.1")).toEqual({ ok: true, value: ["10.0.0.1"] });
    expect(parseTrustProxy("10.0.0.1, 10.1.0.0/16,fd00::/8,::1,loopback")).toEqual({
      ok: true,
      value: ["10.0.0.1", "10.1.0.0/16", "fd00::/8", "::1", "loopback"],
    });
  });

  it("refuses a hop count and any list Fastify could not compile, naming the variable", () => {
    const bad = [
      "1",
      "2",
      "false",
      "TRUE",
      "yes",
      "10.0.0.0/33",
      "10.0.0.0/0",
      "::1/129",
      "10.0.0",
      "010.0.0.1",
      "10.0.0.1,",
      "10.0.0.1/8/9",
      "10.0.0.0/255.0.0.0",
      "proxy.example.com",
    ];
    for (const text of bad) {
      const parsed = parseTrustProxy(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.field).toBe(trustProxyEnv);
    }
  });

  it("accepts only lists Fastify compiles", async () => {
    const lists = [
      "10.0.0.1",
      "10.0.0.0/8,192.168.1.0/24",
      "::1/128,fe80::1%eth0",
      "::ffff:10.0.0.1/120",
      "linklocal,uniquelocal",
    ];
    for (const text of lists) {
      const parsed = parseTrustProxy(text);
      expect(parsed.ok, text).toBe(true);
      if (!parsed.ok || typeof parsed.value === "boolean") continue;
      // Fastify compiles the list when it is created and throws on an entry it cannot read.
      await Fastify({ trustProxy: [...parsed.value] }).close();
    }
  });

  it("reports every bad variable at once", () => {
    const both = edgeSettingsOf({ [rateLimitEnv]: "abc", [trustProxyEnv]: "1" });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.map((p) => p.field)).toEqual([rateLimitEnv, trustProxyEnv]);
    expect(edgeSettingsOf({ [rateLimitEnv]: "60", [trustProxyEnv]: "10.0.0.1" })).toEqual({
      ok: true,
      value: { rateLimitPerMinute: 60, trustProxy: ["10.0.0.1"] },
    });
  });

  it("takes the server options over the environment, and throws on a bad one of either", () => {
    const badEnv = { [rateLimitEnv]: "abc", [trustProxyEnv]: "1" };
    expect(edgeSettingsFor({ rateLimitPerMinute: 7, trustProxy: ["10.0.0.1"] }, badEnv)).toEqual({
      rateLimitPerMinute: 7,
      trustProxy: ["10.0.0.1"],
    });
    expect(edgeSettingsFor({}, { [rateLimitEnv]: "120", [trustProxyEnv]: "true" })).toEqual({
      rateLimitPerMinute: 120,
      trustProxy: true,
    });
    // A caller that did not validate the environment first (`fenqi serve` does) fails loudly.
    expect(() => edgeSettingsFor({ trustProxy: false }, badEnv)).toThrow(rateLimitEnv);
    expect(() => edgeSettingsFor({ rateLimitPerMinute: 7 }, badEnv)).toThrow(trustProxyEnv);
    expect(() => edgeSettingsFor({ rateLimitPerMinute: 0 }, {})).toThrow("rateLimitPerMinute");
    expect(() => edgeSettingsFor({ rateLimitPerMinute: rateLimitPerMinuteMax + 1 }, {})).toThrow(
      "rateLimitPerMinute",
    );
    expect(() => edgeSettingsFor({ trustProxy: ["not an address"] }, {})).toThrow("trustProxy");
    expect(() => edgeSettingsFor({ trustProxy: [] }, {})).toThrow("trustProxy");
  });
});
