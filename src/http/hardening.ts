import { isIP } from "node:net";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { assert, fail, ok, type Problem, type Result } from "../domain/result.js";
import { rateLimitedErrorCode } from "./problems.js";

/**
 * Requests one client address may make per `rateLimitWindowMs` unless the operator sets
 * FENQI_RATE_LIMIT_PER_MINUTE. It is generous on purpose: the mall's checkout calls from a few
 * server addresses, and a checkout peak must not be throttled; the limit is there to blunt a
 * flood or a scan, while failed logins have their own, much tighter lock (docs/api.md).
 */
export const rateLimitPerMinuteDefault = 3000;
/** The highest FENQI_RATE_LIMIT_PER_MINUTE accepted (a typo with extra zeros is refused). */
export const rateLimitPerMinuteMax = 1_000_000;
/** The rate limit's window: counts reset every minute. */
export const rateLimitWindowMs = 60_000;
/** Client addresses the limiter keeps counts for at once (least recently seen ones go first). */
export const rateLimitTrackedClientsMax = 10_000;
/** The environment variable operators set the per-minute limit with. */
export const rateLimitEnv = "FENQI_RATE_LIMIT_PER_MINUTE";

/** The environment variable that names the reverse proxies whose X-Forwarded-For is believed. */
export const trustProxyEnv = "FENQI_TRUST_PROXY";

/**
 * Which reverse proxies Fastify's `trustProxy` believes: none (`false`), every one (`true`), or
 * those at the listed addresses and CIDR ranges. A hop count is not among them: Fastify 5 reads
 * a number as "trust nobody" (it cannot check who the nearest peer is), so accepting one would
 * silently leave every client behind the proxy on one budget.
 */
export type TrustProxy = boolean | readonly string[];

/** The named ranges Fastify's proxy-addr knows besides addresses and CIDRs. */
const namedProxyRanges: readonly string[] = ["loopback", "linklocal", "uniquelocal"];

/** What the operator's rate-limit and proxy settings resolve to. */
export interface EdgeSettings {
  readonly rateLimitPerMinute: number;
  readonly trustProxy: TrustProxy;
}

/**
 * FENQI_RATE_LIMIT_PER_MINUTE's value: unset or empty is the default, else a whole number from 1
 * to `rateLimitPerMinuteMax` (no sign, exponent or spaces) — anything else is refused rather than
 * run unprotected or locked.
 */
export function parseRateLimitPerMinute(text: string | undefined): Result<number> {
  if (text === undefined || text === "") return ok(rateLimitPerMinuteDefault);
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!isRateLimitPerMinute(value)) {
    const message = `${rateLimitEnv} must be a whole number from 1 to ${rateLimitPerMinuteMax} (requests per minute per client address)`;
    return fail("rate_limit.range", rateLimitEnv, message);
  }
  return ok(value);
}

/**
 * FENQI_TRUST_PROXY's value: unset or empty is off; `true` trusts every proxy; otherwise a
 * comma-separated list of proxy addresses, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or proxy-addr's
 * named ranges (`loopback`, `linklocal`, `uniquelocal`).
 */
export function parseTrustProxy(text: string | undefined): Result<TrustProxy> {
  if (text === undefined || text === "") return ok(false);
  if (text === "true") return ok(true);
  const entries = text.split(",").map((entry) => entry.trim());
  if (!entries.every(isProxyAddress)) {
    const message = `${trustProxyEnv} must be empty, true, or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.1,10.1.0.0/16); a hop count is not accepted`;
    return fail("trust_proxy.invalid", trustProxyEnv, message);
  }
  return ok(entries);
}

/**
 * Both settings from the environment, or every problem with them: `fenqi serve` calls this before
 * it opens anything, so a typo is a usage error naming the variable, not a failed start.
 */
export function edgeSettingsOf(
  env: Readonly<Record<string, string | undefined>>,
): Result<EdgeSettings, Problem[]> {
  const rateLimitPerMinute = parseRateLimitPerMinute(env[rateLimitEnv]);
  const trustProxy = parseTrustProxy(env[trustProxyEnv]);
  if (!rateLimitPerMinute.ok || !trustProxy.ok) {
    const problems = [rateLimitPerMinute, trustProxy].flatMap((r) => (r.ok ? [] : [r.error]));
    return { ok: false, error: problems };
  }
  return ok({ rateLimitPerMinute: rateLimitPerMinute.value, trustProxy: trustProxy.value });
}

/**
 * The settings in force: each server option (tests, `fenqi serve` after `edgeSettingsOf`), else
 * the environment, else the defaults. Throws on a bad option or environment value: a caller that
 * takes them from an operator validates them first (`edgeSettingsOf`), so here it is a bug.
 */
export function edgeSettingsFor(
  options: { readonly rateLimitPerMinute?: number; readonly trustProxy?: TrustProxy },
  env: Readonly<Record<string, string | undefined>>,
): EdgeSettings {
  const rateLimitPerMinute =
    options.rateLimitPerMinute ?? valueOrThrow(parseRateLimitPerMinute(env[rateLimitEnv]));
  assert(
    isRateLimitPerMinute(rateLimitPerMinute),
    `rateLimitPerMinute must be a whole number from 1 to ${rateLimitPerMinuteMax}`,
  );
  const trustProxy = options.trustProxy ?? valueOrThrow(parseTrustProxy(env[trustProxyEnv]));
  assert(
    typeof trustProxy === "boolean" || (trustProxy.length > 0 && trustProxy.every(isProxyAddress)),
    "trustProxy must be a boolean or a list of proxy addresses or CIDR ranges",
  );
  return { rateLimitPerMinute, trustProxy };
}

function isRateLimitPerMinute(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= rateLimitPerMinuteMax;
}

/**
 * An address, a CIDR range or a named range, in the forms Fastify's proxy-addr compiles: a
 * prefix length from 1 (proxy-addr refuses /0) to the family's width. The netmask form
 * (`10.0.0.0/255.0.0.0`) is left out: a prefix length says the same.
 */
function isProxyAddress(entry: string): boolean {
  if (namedProxyRanges.includes(entry)) return true;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : 0;
  return bits >= 1 && bits <= (family === 4 ? 32 : 128);
}

function valueOrThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/**
 * The Content-Security-Policy of every answer but the docs: the API answers JSON, which needs
 * nothing loaded, framed or submitted.
 */
export const apiContentSecurityPolicy = {
  "default-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'none'"],
  "frame-ancestors": ["'none'"],
};

/**
 * The docs (swagger-ui at /docs) load their own scripts, style sheets and the OpenAPI JSON from
 * this origin; swagger-ui sets inline `style` attributes and uses data: images, hence those two
 * allowances — no inline or remote script. `upgrade-insecure-requests` is left out: on a
 * plain-HTTP development server it would send the page's own assets to https and break it.
 */
export const docsContentSecurityPolicy = {
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "connect-src": ["'self'"],
  "font-src": ["'self'", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "'unsafe-inline'"],
};

/** The URL prefix of the OpenAPI docs, which get `docsContentSecurityPolicy`. */
export const docsPrefix = "/docs";

/**
 * Installs security headers and the rate limit, before anything else sees a request: both run
 * as the first onRequest hooks of every route, the 404 handler included, so a refused, limited
 * or unknown request carries the headers too and a flood is stopped before authentication
 * touches the store. Must be awaited before installAuth adds its hooks.
 *
 * Headers (helmet's defaults, with `frameguard: deny` and the policies above):
 * Content-Security-Policy, Strict-Transport-Security (one year, subdomains),
 * X-Content-Type-Options nosniff, X-Frame-Options DENY, Referrer-Policy no-referrer,
 * Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy same-origin, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control off, X-Download-Options noopen, X-Permitted-Cross-Domain-Policies none,
 * X-XSS-Protection 0.
 *
 * The limit counts requests per client address in this process's memory: the plugin's default
 * key, `request.ip` (an IPv6 address counted by its /64), which Fastify derives from
 * X-Forwarded-For only for the proxies `EdgeSettings.trustProxy` trusts — untrusted, every
 * client behind a reverse proxy shares the proxy's one budget. Over it the answer is a 429
 * `rate_limited` problem with Retry-After.
 */
export async function installHardening(
  app: FastifyInstance,
  options: { readonly rateLimitPerMinute: number },
): Promise<void> {
  app.addHook("onRoute", (route) => {
    if (route.url === docsPrefix || route.url.startsWith(`${docsPrefix}/`)) {
      const helmetConfig = {
        contentSecurityPolicy: { useDefaults: false, directives: docsContentSecurityPolicy },
      };
      route.config = { ...route.config, helmet: helmetConfig } as typeof route.config;
    }
  });
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: apiContentSecurityPolicy },
    frameguard: { action: "deny" },
  });
  await app.register(rateLimit, {
    // The hook is added below, app-wide, so it runs before authentication (a per-route hook
    // would run after the app's own onRequest hooks) and also limits unknown routes.
    global: false,
    max: options.rateLimitPerMinute,
    timeWindow: rateLimitWindowMs,
    cache: rateLimitTrackedClientsMax,
    errorResponseBuilder: () =>
      Object.assign(new Error("rate limited"), { code: rateLimitedErrorCode, statusCode: 429 }),
  });
  app.addHook("onRequest", app.rateLimit());
}
