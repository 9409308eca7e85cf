import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../app/context.js";
import { pay, refund, settle, settlementQuote } from "../../app/loans/loans.js";
import type { Idempotency } from "../../app/loans/money-operation.js";
import { clientOf, serviceKeyAccess } from "../auth.js";
import {
  IdempotencyHeaders,
  MoneyBody,
  OperationResult,
  OptionalIdempotencyHeaders,
  QuoteQuery,
  QuoteView,
  SettlementBody,
} from "../loan-schemas.js";
import { unwrap } from "../problems.js";
import { IdParams, problemResponses } from "../schemas.js";

const tags = ["servicing"];

/**
 * The idempotency scope of a money operation: the client, the operation and the loan, so one
 * client's key never collides with another's, nor a payment key with a refund key.
 */
function idempotency(
  request: FastifyRequest,
  operation: "payments" | "settlement" | "refunds",
  loanId: string,
  key: string,
): Idempotency {
  return { scope: `${clientOf(request).id}:${operation}:${loanId}`, key };
}

/** The same, for an operation where the key is optional: without one, a retry posts again. */
function optionalIdempotency(
  request: FastifyRequest,
  operation: "settlement" | "refunds",
  loanId: string,
  key: string | undefined,
): Idempotency | undefined {
  return key === undefined ? undefined : idempotency(request, operation, loanId, key);
}

/** 201 for a new operation, 200 for a replayed one (the same answer as the first time). */
const statusOf = (result: { replayed: boolean }) => (result.replayed ? 200 : 201);

const operationResponses = {
  200: OperationResult,
  201: OperationResult,
  ...problemResponses(400, 401, 404, 409, 422),
};

/** Payments, refunds, early settlement and its quote. */
export const operationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/loans/:id/payments",
    {
      config: { access: serviceKeyAccess },
      schema: {
        tags,
        summary: "Post a payment (Idempotency-Key required)",
        params: IdParams,
        headers: IdempotencyHeaders,
        body: MoneyBody,
        response: operationResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const key = idempotency(request, "payments", id, request.headers["idempotency-key"]);
      const result = unwrap(await pay(ctx, id, request.body, key));
      return reply.status(statusOf(result)).send(result);
    },
  );

  app.get(
    "/loans/:id/settlement-quote",
    {
      config: { access: serviceKeyAccess },
      schema: {
        tags,
        summary: "Quote early settlement for a date (default today); changes nothing",
        params: IdParams,
        querystring: QuoteQuery,
        response: { 200: QuoteView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => unwrap(await settlementQuote(ctx, request.params.id, request.query.date)),
  );

  app.post(
    "/loans/:id/settlement",
    {
      config: { access: serviceKeyAccess },
      schema: {
        tags,
        summary: "Settle the loan early: pays the quote of the day",
        params: IdParams,
        headers: OptionalIdempotencyHeaders,
        body: SettlementBody,
        response: operationResponses,
      },
      // A settlement needs no body: an empty request means "settle now".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const key = optionalIdempotency(
        request,
        "settlement",
        id,
        request.headers["idempotency-key"],
      );
      const result = unwrap(await settle(ctx, id, request.body, key));
      return reply.status(statusOf(result)).send(result);
    },
  );

  app.post(
    "/loans/:id/refunds",
    {
      config: { access: serviceKeyAccess },
      schema: {
        tags,
        summary: "Report a merchandise refund",
        params: IdParams,
        headers: OptionalIdempotencyHeaders,
        body: MoneyBody,
        response: operationResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const key = optionalIdempotency(request, "refunds", id, request.headers["idempotency-key"]);
      const result = unwrap(await refund(ctx, id, request.body, key));
      return reply.status(statusOf(result)).send(result);
    },
  );
};
