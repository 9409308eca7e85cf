import { readFileSync } from "node:fs";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../app/context.js";
import {
  installAuth,
  publicAccess,
  serviceKeyScheme,
  sessionCookieName,
  sessionScheme,
} from "./auth.js";
import { edgeSettingsFor, installHardening, type TrustProxy } from "./hardening.js";
import {
  frameworkErrorHandler,
  installProblemHandlers,
  instanceOf,
  loggableError,
} from "./problems.js";
import { auditRoutes } from "./routes/audit.js";
import { borrowerRoutes } from "./routes/borrowers.js";
import { contactRoutes } from "./routes/contacts.js";
import { loanRoutes } from "./routes/loans.js";
import { operationRoutes } from "./routes/operations.js";
import { privacyRoutes } from "./routes/privacy.js";
import { productRoutes } from "./routes/products.js";
import { sessionRoutes } from "./routes/session.js";

/** Every service route lives under this prefix. */
export const apiPrefix = "/api/v1";
/** The largest request body read; a product definition is the largest legitimate one (~2 KiB). */
export const bodyLimitBytes = 64 * 1024;

export interface ServerOptions {
  /** `true` for JSON logs on stdout, `false` for none, or pino options (level, stream ...). */
  readonly logger?: boolean | object;
  /**
   * Session cookies without `Secure`, for plain-HTTP local development only. Default: the
   * environment's FENQI_INSECURE_COOKIES=1, else secure.
   */
  readonly insecureCookies?: boolean;
  /**
   * Requests per minute one client address may make (src/http/hardening.ts). Default: the
   * environment's FENQI_RATE_LIMIT_PER_MINUTE, else `rateLimitPerMinuteDefault`.
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Which reverse proxies' X-Forwarded-For gives `request.ip`, which the rate limit counts by
   * (src/http/hardening.ts). Default: the environment's FENQI_TRUST_PROXY, else none.
   */
  readonly trustProxy?: TrustProxy;
}

/** Keys whose values are personal data or secrets, redacted wherever they appear in a log line. */
const sensitiveKeys = [
  "password",
  "phone",
  "email",
  "name",
  "username",
  "authorization",
  "cookie",
  "set-cookie",
  "x-csrf-token",
  "csrfToken",
  "sessionId",
  "secret",
  "value",
  "reason",
];
/** How deep below the top of a log line `sensitiveKeys` are looked for. */
const redactDepthMax = 5;

/**
 * Log redaction (DESIGN.md "Privacy": logs never contain personal data). Fastify logs no headers
 * and no bodies (the `req` serializer below keeps only the method and the path), and an error
 * only by name (`loggableError`); these paths keep it so if someone logs a request, a body or a
 * borrower: bodies and payloads whole, and any `sensitiveKeys` key down to `redactDepthMax`
 * levels (`phone`, `*.phone`, `*.*.phone` ...: an emergency contact's phone sits at
 * `borrower.emergencyContacts[0].phone`).
 */
const redactPaths = [
  'req.headers["idempotency-key"]',
  "req.body",
  "res.body",
  "body",
  "*.body",
  "payload",
  "*.payload",
  ...sensitiveKeys.flatMap((key) =>
    Array.from(
      { length: redactDepthMax + 1 },
      (_, depth) => `${Array<string>(depth).fill("*").join(".")}[${JSON.stringify(key)}]`,
    ),
  ),
];

/**
 * What a request log line shows: method, route pattern and path, never the query string or the
 * headers. Service URLs carry only ids; a query string is dropped in case a client misuses one.
 */
function requestSummary(request: FastifyRequest) {
  return {
    method: request.method,
    route: request.routeOptions?.url ?? null,
    path: instanceOf(request),
  };
}

function loggerOptions(logger: ServerOptions["logger"]): false | object {
  if (logger === false || logger === undefined) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    redact: { paths: redactPaths, censor: "[redacted]" },
    serializers: { req: requestSummary, err: loggableError },
  };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return (pkg as { version: string }).version;
}

/**
 * Builds the service API on an application context: TypeBox schemas validate every request and
 * generate the OpenAPI document (served at /docs, the JSON at /docs/json); every /api/v1 route
 * declares who may call it — the service key, logged-in roles, a borrower for their own records
 * (src/http/auth.ts); every error is an RFC 9457 problem. The caller listens or injects.
 */
export async function buildServer(
  ctx: AppContext,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const edge = edgeSettingsFor(options, process.env);
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: bodyLimitBytes,
    frameworkErrors: frameworkErrorHandler,
    // Fastify's type wants a mutable array; it only reads the list.
    trustProxy: typeof edge.trustProxy === "boolean" ? edge.trustProxy : [...edge.trustProxy],
  })
    .setValidatorCompiler(TypeBoxValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();
  // First, so headers and the rate limit apply before authentication reads the store.
  await installHardening(app, { rateLimitPerMinute: edge.rateLimitPerMinute });
  // JSON only: Fastify would otherwise read text/plain bodies as strings.
  app.removeContentTypeParser("text/plain");
  installProblemHandlers(app);
  const cookies = {
    secure: !(options.insecureCookies ?? process.env.FENQI_INSECURE_COOKIES === "1"),
  };
  installAuth(app, ctx, apiPrefix, cookies);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "fenqi service API",
        version: version(),
        description:
          "The API of fenqi: the mall's checkout and order systems call it with a service key; " +
          "borrowers and staff log in (POST /api/v1/session) and each route names the roles it " +
          'admits (docs/api.md, "Access"). Errors are ' +
          "RFC 9457 problems (application/problem+json): 400 when a request does not match the " +
          "schema, 422 when a use case refuses its values; both name every field in `errors`.",
      },
      components: {
        securitySchemes: {
          [serviceKeyScheme]: { type: "http", scheme: "bearer", description: "an API key" },
          [sessionScheme]: {
            type: "apiKey",
            in: "cookie",
            name: sessionCookieName(cookies.secure),
            description:
              "the session cookie of POST /api/v1/session; writes also need x-csrf-token",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.get(
    "/healthz",
    {
      config: { access: publicAccess },
      schema: { tags: ["health"], response: { 200: Type.Object({ status: Type.Literal("ok") }) } },
    },
    async () => ({ status: "ok" as const }),
  );

  await app.register(
    async (api) => {
      await api.register(sessionRoutes, { ctx, cookies });
      await api.register(productRoutes, { ctx });
      await api.register(borrowerRoutes, { ctx });
      await api.register(loanRoutes, { ctx });
      await api.register(operationRoutes, { ctx });
      await api.register(contactRoutes, { ctx });
      await api.register(privacyRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
    },
    { prefix: apiPrefix },
  );
  return app;
}
