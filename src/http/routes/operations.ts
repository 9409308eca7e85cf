import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../app/context.js";
import { pay, refund, settle, settlementQuote } from "../../app/loans/loans.js";
import type { Idempotency } from "../../app/loans/money-operation.js";
import { access, actorOf, ownerOfLoanParam, staffReaders } from "../auth.js";
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
 * Money comes from the checkout's key or from the borrower who owes it (their own loans only);
 * refunds only from the checkout (or `admin` by hand); anyone who may read the loan may quote.
 */
const payers = access({ serviceKey: true, roles: ["borrower"], owner: ownerOfLoanParam });
const checkout = access({ serviceKey: true, roles: ["admin"] });
const quoteReaders = access({
  serviceKey: true,
  roles: [...staffReaders, "borrower"],
  owner: ownerOfLoanParam,
});

/**
 * The idempotency scope of a money operation: the caller (service client or user), the
 * operation and the loan, so one caller's key never collides with another's, nor a payment key
 * with a refund key.
 */
function idempotency(
  request: FastifyRequest,
  operation: "payments" | "settlement" | "refunds",
  loanId: string,
  key: string,
): Idempotency {
  return { scope: `${actorOf(request)}:${operation}:${loanId}`, key };
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
      config: { access: payers },
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
      config: { access: quoteReaders },
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
      config: { access: payers },
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
      config: { access: checkout },
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
