import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppError, AppErrorCode, AppResult } from "../app/errors.js";
import { type FieldError, fieldErrorsOf, isValidationError } from "./validation-errors.js";

/**
 * RFC 9457 problem details: every error answer of the API is `application/problem+json` with a
 * `type` URI per code, and nothing else — no stack trace, no SQL, no personal data.
 */
export const problemContentType = "application/problem+json";
export const problemTypeBase = "https://fenqi.dev/problems/";

/** Failures that happen at the edge, before or around a use case, added to the app's catalogue. */
export type EdgeErrorCode =
  | "invalid_request"
  | "route_not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal";
export type ProblemCode = AppErrorCode | EdgeErrorCode;

/**
 * The one code → HTTP status table (STYLE 9). Field errors come in two kinds:
 * - 400 `invalid_request`: the request does not match the API's schema (malformed JSON, a wrong
 *   type, a missing or unknown field, an id or date in the wrong format, a missing header);
 * - 422 `invalid_input`: the request is well formed but a use case refuses its values (an amount
 *   with too many decimals for the loan's currency, a product above the cost cap, a future date).
 * Both name every offending field in `errors`.
 */
export const problemTable: Readonly<
  Record<ProblemCode, { readonly status: number; readonly title: string }>
> = {
  invalid_request: { status: 400, title: "The request does not match the API schema" },
  unauthorized: { status: 401, title: "Authentication is required" },
  forbidden: { status: 403, title: "Not allowed for this caller" },
  not_found: { status: 404, title: "Not found" },
  route_not_found: { status: 404, title: "No such route" },
  already_exists: { status: 409, title: "Already exists" },
  idempotency_conflict: {
    status: 409,
    title: "The idempotency key was used with a different request",
  },
  conflict: { status: 409, title: "Conflicts with the current state" },
  loan_not_open: { status: 409, title: "The loan is not open" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  unsupported_media_type: { status: 415, title: "The request body must be application/json" },
  invalid_input: { status: 422, title: "The request's values are refused" },
  too_many_attempts: { status: 429, title: "Too many failed logins: try again later" },
  rate_limited: { status: 429, title: "Too many requests from this address: slow down" },
  internal: { status: 500, title: "Internal error" },
};

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly FieldError[];
}

export function problem(
  code: ProblemCode,
  detail: string,
  instance: string,
  errors?: readonly FieldError[],
): ProblemBody {
  const { status, title } = problemTable[code];
  const body = { type: `${problemTypeBase}${code}`, title, status, detail, instance };
  return errors?.length ? { ...body, errors } : body;
}

/** A use case's refusal on its way to the error handler. */
export class AppErrorResponse extends Error {
  override name = "AppErrorResponse";
  constructor(readonly error: AppError) {
    super(error.code);
  }
}

/** The value of a successful use case, or a throw that the error handler turns into a problem. */
export function unwrap<T>(result: AppResult<T>): T {
  if (!result.ok) throw new AppErrorResponse(result.error);
  return result.value;
}

/** The request path without its query: `instance` of a problem. */
export function instanceOf(request: FastifyRequest): string {
  return request.url.split("?", 1)[0] ?? request.url;
}

/** The `code` of the error the rate limiter throws (src/http/hardening.ts), answered 429. */
export const rateLimitedErrorCode = "FENQI_RATE_LIMITED";

/**
 * Errors raised at the edge before a route runs — Fastify's own codes for a body it could not
 * read, and the rate limiter's — with the problem each is answered with.
 */
const edgeErrors: Readonly<Record<string, { code: EdgeErrorCode; detail: string }>> = {
  [rateLimitedErrorCode]: {
    code: "rate_limited",
    detail: "too many requests from this address: retry after the Retry-After seconds",
  },
  FST_ERR_BAD_URL: { code: "invalid_request", detail: "the URL is not valid (a broken %-escape)" },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "invalid_request", detail: "the body is not valid JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "invalid_request", detail: "the JSON body is empty" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: "invalid_request",
    detail: "the Content-Length does not match the body",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "payload_too_large", detail: "the body is too large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "unsupported_media_type",
    detail: "send the body as application/json",
  },
};

/**
 * The problem for any error a request ran into. Only a use case's own message (which the
 * catalogue keeps free of personal data) or a fixed text becomes `detail`: a parser's or a
 * database's message may quote the request or the SQL, so it is never shown.
 */
export function problemFor(error: unknown, request: FastifyRequest): ProblemBody {
  const instance = instanceOf(request);
  if (error instanceof AppErrorResponse) {
    const errors = error.error.problems?.map(({ field, code, message }) => ({
      field,
      code,
      message,
    }));
    return problem(error.error.code, error.error.message, instance, errors);
  }
  if (isValidationError(error)) {
    const errors = fieldErrorsOf(error.validation, error.validationContext);
    const fields = errors.map((e) => e.field).join(", ");
    return problem(
      "invalid_request",
      `invalid ${error.validationContext}: ${fields}`,
      instance,
      errors,
    );
  }
  const code =
    typeof error === "object" && error !== null ? (error as { code?: unknown }).code : "";
  const known = typeof code === "string" ? edgeErrors[code] : undefined;
  if (known) return problem(known.code, known.detail, instance);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return problem("invalid_request", "the request could not be read", instance);
  }
  return problem("internal", `internal error (request ${request.id})`, instance);
}

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  if (body.status === 401) reply.header("www-authenticate", 'Bearer realm="fenqi"');
  return reply.status(body.status).type(problemContentType).send(body);
}

/**
 * Where an unexpected error was thrown, without what it said: the message of an error nobody
 * expected may quote SQL or a value (a phone number in a constraint message), and logs never
 * hold personal data (DESIGN.md "Privacy"). The name, the code and the stack frames locate it.
 * The frames are read only below the stack's header (`Name: message`, as many lines as the
 * message has), so a message that spans lines cannot slip a line into them; a stack whose header
 * is not its message (rewritten after the throw) gives no frames at all. Driver fields
 * (`detail`, `where`, a PostgreSQL error's `query` ...) are never read. It is also the logger's
 * `err` serializer, so an error Fastify logs itself is shown the same way.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const safeCode = typeof code === "string" && /^[\w.-]{1,64}$/.test(code) ? { code } : {};
  const type = /^[\w$.-]{1,64}$/.test(String(error.name)) ? error.name : "Error";
  return { type, ...safeCode, frames: framesOf(error) };
}

function framesOf(error: Error): string[] {
  const lines = (typeof error.stack === "string" ? error.stack : "").split("\n");
  const headerLines = error.message.split("\n").length;
  if (!lines.slice(0, headerLines).join("\n").endsWith(error.message)) return [];
  return lines.slice(headerLines).filter((line) => /^\s+at /.test(line));
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode (`%ZZ`) never reaches a route or
 * the error handler, and would otherwise be answered in Fastify's own JSON. It runs before any
 * hook, so the answer has no security headers beyond the problem's own; it is logged at info by
 * type, like any refusal.
 */
export function frameworkErrorHandler(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const body = problemFor(error, request);
  request.log.info({ problem: body.type, status: body.status }, "request refused");
  return sendProblem(reply, body);
}

/**
 * Installs the error and not-found handlers. Refusals are logged at info by problem type only;
 * an unexpected exception is logged at error with its type and stack frames (the request id
 * rides on the request's logger) and answered with a bare 500 problem naming the request id.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const body = problemFor(error, request);
    if (body.status >= 500) {
      request.log.error({ error: loggableError(error) }, "internal error");
    } else {
      request.log.info({ problem: body.type, status: body.status }, "request refused");
    }
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(
        "route_not_found",
        `no route ${request.method} ${instanceOf(request)}`,
        instanceOf(request),
      ),
    ),
  );
}
