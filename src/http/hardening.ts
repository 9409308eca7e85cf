import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
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

/**
 * The limit in force: the server option (tests), else FENQI_RATE_LIMIT_PER_MINUTE, else the
 * default. A value that is not a whole number from 1 to `rateLimitPerMinuteMax` stops the
 * server at startup rather than running unprotected or locked.
 */
export function rateLimitPerMinuteOf(
  option: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const raw = option ?? env[rateLimitEnv];
  if (raw === undefined || raw === "") return rateLimitPerMinuteDefault;
  const value = typeof raw === "number" ? raw : /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > rateLimitPerMinuteMax) {
    throw new Error(`${rateLimitEnv} must be a whole number from 1 to ${rateLimitPerMinuteMax}`);
  }
  return value;
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
 * The limit counts requests per client address (`request.ip`: behind a reverse proxy that is
 * the proxy's, unless Fastify's trustProxy is configured) in this process's memory; over it the
 * answer is a 429 `rate_limited` problem with Retry-After.
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
