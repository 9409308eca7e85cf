import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticate, recordFailedAuthentication, type ServiceClient } from "../app/api-keys.js";
import type { AppContext } from "../app/context.js";
import { assert } from "../domain/result.js";
import { AppErrorResponse } from "./problems.js";

/**
 * Who may call a route, declared on the route itself (`config: { access }`). Today there is one
 * kind of caller, a service client with an API key; a roles issue extends this type (for example
 * `{ requires: "staff", roles: [...] }`) and `checkAccess` below, not every route.
 */
export type RouteAccess = { readonly requires: "nothing" } | { readonly requires: "service_key" };

export const publicAccess: RouteAccess = { requires: "nothing" };
export const serviceKeyAccess: RouteAccess = { requires: "service_key" };

/** The OpenAPI security scheme that `service_key` routes list. */
export const serviceKeyScheme = "serviceKey";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    serviceClient: ServiceClient | null;
  }
}

/** `Authorization: Bearer <secret>`; nothing else is read (never a key in the query string). */
const bearerPattern = /^Bearer +([\x21-\x7E]{1,512})$/i;

/**
 * Installs access control: every route under `prefix` must declare its access (a route that
 * forgets fails at startup, not open in production), `service_key` routes are listed with the
 * bearer scheme in the OpenAPI document, and each request to one is authenticated before it is
 * parsed. A refused request is answered 401 and recorded on the audit log under its route pattern.
 */
export function installAuth(app: FastifyInstance, ctx: AppContext, prefix: string): void {
  app.decorateRequest("serviceClient", null);
  app.addHook("onRoute", (route) => {
    const access = route.config?.access;
    if (route.url.startsWith(prefix) && access === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no access`);
    }
    if (access?.requires === "service_key") {
      route.schema = { ...route.schema, security: [{ [serviceKeyScheme]: [] }] };
    }
  });
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config.access;
    if (access?.requires !== "service_key") return;
    const secret = bearerPattern.exec(request.headers.authorization ?? "")?.[1];
    const client = secret === undefined ? undefined : await authenticate(ctx, secret);
    if (!client) {
      await recordFailedAuthentication(ctx, request.routeOptions.url ?? "unknown");
      throw new AppErrorResponse({
        code: "unauthorized",
        message: "send Authorization: Bearer <API key> with a valid key",
      });
    }
    request.serviceClient = client;
  });
}

/** The authenticated client of a `service_key` route (set by the onRequest hook). */
export function clientOf(request: FastifyRequest): ServiceClient {
  assert(request.serviceClient, "a service_key route ran without an authenticated client");
  return request.serviceClient;
}
