import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate, recordFailedAuthentication, type ServiceClient } from "../app/api-keys.js";
import type { AppContext } from "../app/context.js";
import { ownerOfLoan } from "../app/users/owners.js";
import {
  csrfMatches,
  recordAccessDenied,
  type SessionCaller,
  sessionCaller,
} from "../app/users/sessions.js";
import { assert } from "../domain/result.js";
import { roles as allRoles, type Role } from "../domain/users/roles.js";
import { AppErrorResponse } from "./problems.js";

/**
 * How the edge finds the borrower who owns what a request addresses (a borrower id in the URL,
 * the borrower of the loan in the URL ...): undefined when the resource does not exist. It runs
 * after the request is validated, and only for `borrower` callers.
 */
export type OwnerOf = (request: FastifyRequest, ctx: AppContext) => Promise<string | undefined>;

/**
 * Who may call a route, declared on the route itself (`config: { access }`):
 *
 * - `nothing`: anyone (login, health);
 * - `caller`: the service key when `serviceKey` (the mall's checkout, `Authorization: Bearer`),
 *   and/or a logged-in user (session cookie) whose role is in `roles`. A `borrower` in `roles`
 *   reaches only their own records: the route names an `owner` resolver, and the check runs
 *   here, in one place, for every route — never in a handler.
 */
export type RouteAccess =
  | { readonly requires: "nothing" }
  | {
      readonly requires: "caller";
      readonly serviceKey: boolean;
      readonly roles: readonly Role[];
      readonly owner?: OwnerOf;
    };

/** A route's access: `access({ serviceKey: true, roles: ["admin"] })`. */
export function access(spec: {
  readonly serviceKey?: boolean;
  readonly roles?: readonly Role[];
  readonly owner?: OwnerOf;
}): RouteAccess {
  const declared = {
    requires: "caller" as const,
    serviceKey: spec.serviceKey ?? false,
    roles: spec.roles ?? [],
  };
  return spec.owner ? { ...declared, owner: spec.owner } : declared;
}

export const publicAccess: RouteAccess = { requires: "nothing" };
/** The checkout's service key alone. */
export const serviceKeyAccess: RouteAccess = access({ serviceKey: true });

/** Staff who read: everyone but the borrower; the auditor only ever reads. */
export const staffReaders: readonly Role[] = [
  "agent",
  "supervisor",
  "compliance",
  "auditor",
  "admin",
];
/** Every role: routes about the caller themselves (`GET /me`, logout). */
export const anyRole: readonly Role[] = allRoles;

/** The borrower is the `:id` of the URL (`/borrowers/:id/...`). */
export const ownerIsIdParam: OwnerOf = async (request) =>
  (request.params as { id?: string } | undefined)?.id;
/** The borrower is the one the loan at `:id` belongs to, as stored. */
export const ownerOfLoanParam: OwnerOf = async (request, ctx) => {
  const id = (request.params as { id?: string } | undefined)?.id;
  return id === undefined ? undefined : ownerOfLoan(ctx, id);
};
/** The route is about the caller themself (`GET /me`, logout): a borrower always owns it. */
export const ownerIsSelf: OwnerOf = async (request) => {
  const caller = request.caller;
  return caller?.kind === "user" ? (caller.session.user.borrowerId ?? undefined) : undefined;
};
/** The borrower is the `borrowerId` filter of a list (a borrower lists only their own). */
export const ownerIsBorrowerQuery: OwnerOf = async (request) =>
  (request.query as { borrowerId?: string } | undefined)?.borrowerId;

/** The OpenAPI security schemes: the service key, and the session cookie of a logged-in user. */
export const serviceKeyScheme = "serviceKey";
export const sessionScheme = "session";

/** The header a cookie-authenticated write carries its CSRF (synchronizer) token in. */
export const csrfHeader = "x-csrf-token";

/**
 * The session cookie's name. With `Secure`, the `__Host-` prefix makes browsers refuse it unless
 * it is Secure, Path=/ and without Domain, so no sibling host can plant or overwrite it; plain
 * HTTP for local development (FENQI_INSECURE_COOKIES=1) cannot carry the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-fenqi_session" : "fenqi_session";
}

export type Caller =
  | { readonly kind: "service"; readonly client: ServiceClient }
  | { readonly kind: "user"; readonly session: SessionCaller };

/** A route of the access table: what the matrix test enumerates. */
export interface AccessEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    serviceClient: ServiceClient | null;
    caller: Caller | null;
  }
  interface FastifyInstance {
    /** Every route under the API prefix with its declared access, as registered. */
    accessTable: AccessEntry[];
  }
}

/** `Authorization: Bearer <secret>`; nothing else is read (never a key in the query string). */
const bearerPattern = /^Bearer +([\x21-\x7E]{1,512})$/i;
const sessionIdPattern = /^[\w-]{16,128}$/;
const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The value of one cookie, or undefined; other cookies are never read. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function refuse(code: "unauthorized" | "forbidden" | "not_found", message: string): never {
  throw new AppErrorResponse({ code, message });
}

function checkDeclaration(method: string, url: string, declared: RouteAccess): void {
  if (declared.requires !== "caller") return;
  const where = `route ${method} ${url}`;
  if (!declared.serviceKey && declared.roles.length === 0) {
    throw new Error(`${where} admits no caller`);
  }
  if (declared.roles.includes("borrower") && !declared.owner) {
    throw new Error(`${where} admits borrowers but names no owner resolver`);
  }
}

/** A line for the OpenAPI description: who may call the route. */
function accessNote(declared: RouteAccess): string {
  if (declared.requires !== "caller") return "Access: anyone.";
  const who: string[] = declared.roles.map((role) =>
    role === "borrower" ? "borrower (own only)" : role,
  );
  if (declared.serviceKey) who.unshift("service key");
  return `Access: ${who.join(", ")}.`;
}

/**
 * Installs access control: every route under `prefix` must declare its access (a route that
 * forgets fails at startup, not open in production) and is listed in `app.accessTable`; each
 * request is authenticated before its body is read — by the service key when it sends
 * `Authorization`, else by the session cookie — and refused 401 (audited, as before) without a
 * valid one. A caller the route does not admit is refused 403; a cookie write without the
 * session's CSRF token is refused 403; a borrower who asks for another borrower's record is
 * answered 404, as if it did not exist. Refusals of a known caller are audited too.
 */
export function installAuth(
  app: FastifyInstance,
  ctx: AppContext,
  prefix: string,
  cookies: { readonly secure: boolean },
): void {
  const cookieName = sessionCookieName(cookies.secure);
  app.decorateRequest("serviceClient", null);
  app.decorateRequest("caller", null);
  app.decorate("accessTable", [] as AccessEntry[]);
  app.addHook("onRoute", (route) => {
    const declared = route.config?.access;
    if (!route.url.startsWith(prefix)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (declared === undefined) {
      throw new Error(`route ${methods.join(",")} ${route.url} declares no access`);
    }
    for (const method of methods) {
      checkDeclaration(method, route.url, declared);
      if (method !== "HEAD") app.accessTable.push({ method, url: route.url, access: declared });
    }
    if (declared.requires !== "caller") return;
    const security: Record<string, string[]>[] = [];
    if (declared.serviceKey) security.push({ [serviceKeyScheme]: [] });
    if (declared.roles.length > 0) security.push({ [sessionScheme]: [] });
    const description = [route.schema?.description, accessNote(declared)].filter(Boolean);
    route.schema = { ...route.schema, security, description: description.join("\n\n") };
  });

  app.addHook("onRequest", async (request) => {
    const declared = request.routeOptions.config.access;
    if (declared?.requires !== "caller") return;
    const route = request.routeOptions.url ?? "unknown";
    const caller = await identify(request);
    if (!caller) {
      await recordFailedAuthentication(ctx, route);
      refuse("unauthorized", "send Authorization: Bearer <API key>, or log in (POST /session)");
    }
    request.caller = caller;
    if (caller.kind === "service") {
      request.serviceClient = caller.client;
      if (declared.serviceKey) return;
      await recordAccessDenied(ctx, caller.client.id, route, "role");
      refuse("forbidden", "the service key may not call this route");
    }
    const { user } = caller.session;
    if (writeMethods.has(request.method)) {
      const token = request.headers[csrfHeader];
      if (typeof token !== "string" || !csrfMatches(ctx, caller.session, token)) {
        await recordAccessDenied(ctx, user.id, route, "csrf");
        refuse("forbidden", `send the session's CSRF token in ${csrfHeader}`);
      }
    }
    if (!declared.roles.includes(user.role)) {
      await recordAccessDenied(ctx, user.id, route, "role");
      refuse("forbidden", `the ${user.role} role may not call this route`);
    }
  });

  // After validation, so the owner resolver sees well-formed ids.
  app.addHook("preHandler", async (request) => {
    const declared = request.routeOptions.config.access;
    const caller = request.caller;
    if (declared?.requires !== "caller" || caller?.kind !== "user") return;
    const { user } = caller.session;
    if (user.role !== "borrower") return;
    assert(
      declared.owner,
      "a route admitting borrowers has an owner resolver (checked at startup)",
    );
    const owner = await declared.owner(request, ctx);
    if (owner === undefined || owner !== user.borrowerId) {
      await recordAccessDenied(ctx, user.id, request.routeOptions.url ?? "unknown", "owner");
      refuse("not_found", "no such record for this caller");
    }
  });

  async function identify(request: FastifyRequest): Promise<Caller | undefined> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      // A request that sends a key is judged by the key alone, whatever cookies ride along.
      const secret = bearerPattern.exec(authorization)?.[1];
      const client = secret === undefined ? undefined : await authenticate(ctx, secret);
      return client && { kind: "service", client };
    }
    const sessionId = cookieValue(request.headers.cookie, cookieName);
    if (sessionId === undefined || !sessionIdPattern.test(sessionId)) return undefined;
    const session = await sessionCaller(ctx, sessionId);
    return session && { kind: "user", session };
  }
}

/** Sets the session cookie: HttpOnly, Secure (unless configured off), SameSite=Strict, Path=/. */
export function setSessionCookie(
  reply: FastifyReply,
  cookies: { readonly secure: boolean },
  value: string,
  maxAgeSeconds: number,
  expires: Date,
): void {
  const attributes = [
    `${sessionCookieName(cookies.secure)}=${value}`,
    "Path=/",
    `Max-Age=${maxAgeSeconds}`,
    `Expires=${expires.toUTCString()}`,
    "HttpOnly",
    ...(cookies.secure ? ["Secure"] : []),
    "SameSite=Strict",
  ];
  reply.header("set-cookie", attributes.join("; "));
}

/** The authenticated client of a service-key request (set by the onRequest hook). */
export function clientOf(request: FastifyRequest): ServiceClient {
  assert(request.serviceClient, "a service_key route ran without an authenticated client");
  return request.serviceClient;
}

/** The logged-in user of a session request (set by the onRequest hook). */
export function sessionOf(request: FastifyRequest): SessionCaller {
  const caller = request.caller;
  assert(caller?.kind === "user", "a user route ran without a session");
  return caller.session;
}

/** Who acts, for idempotency scopes and audit: the service client's id or the user's id. */
export function actorOf(request: FastifyRequest): string {
  const caller = request.caller;
  assert(caller, "an authenticated route ran without a caller");
  return caller.kind === "service" ? caller.client.id : caller.session.user.id;
}
