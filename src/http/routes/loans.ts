import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../app/context.js";
import { moveLoanStrategy } from "../../app/loans/loan-strategy.js";
import { getLoan, listLoans, originate } from "../../app/loans/loans.js";
import { access, ownerIsBorrowerQuery, ownerOfLoanParam, staffReaders } from "../auth.js";
import {
  LoanListQuery,
  LoanView,
  OriginationBody,
  OriginationView,
  StrategyBody,
} from "../loan-schemas.js";
import { instanceOf, unwrap } from "../problems.js";
import { IdParams, PageOf, problemResponses } from "../schemas.js";
import { pageOf, pageRequest } from "./paging.js";

const tags = ["loans"];

/**
 * The checkout originates (or `admin` by hand); staff and the checkout read; a borrower reads
 * their own loans — a list only with `borrowerId` set to themself.
 */
const checkout = access({ serviceKey: true, roles: ["admin"] });
const listReaders = access({
  serviceKey: true,
  roles: [...staffReaders, "borrower"],
  owner: ownerIsBorrowerQuery,
});
const loanReaders = access({
  serviceKey: true,
  roles: [...staffReaders, "borrower"],
  owner: ownerOfLoanParam,
});

/** Only a supervisor moves a loan to another strategy. */
const strategists = access({ roles: ["supervisor"] });

/** Loans: origination at checkout (idempotent by order id) and reading. */
export const loanRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/loans",
    {
      config: { access: checkout },
      schema: {
        tags,
        summary: "Originate an installment plan for an order",
        description:
          "Idempotent by `orderId`: the same order with the same terms answers 200 with the " +
          "loan it created; with other terms 409.",
        body: OriginationBody,
        response: {
          200: OriginationView,
          201: OriginationView,
          ...problemResponses(400, 401, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const result = unwrap(await originate(ctx, request.body));
      if (result.replayed) return reply.status(200).send(result);
      reply.header("location", `${instanceOf(request)}/${result.loan.id}`);
      return reply.status(201).send(result);
    },
  );

  app.get(
    "/loans",
    {
      config: { access: listReaders },
      schema: {
        tags,
        summary:
          "List loans by id, optionally by status, borrower or bucket (GET /loans?bucket=M1)",
        querystring: LoanListQuery,
        response: { 200: PageOf(LoanView), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { status, borrowerId, bucket } = request.query;
      const page = pageRequest(request.query);
      const filter = {
        ...(status === undefined ? {} : { status }),
        ...(borrowerId === undefined ? {} : { borrowerId }),
        ...(bucket === undefined ? {} : { bucket }),
      };
      return pageOf(await listLoans(ctx, filter, page), page.limit);
    },
  );

  app.get(
    "/loans/:id",
    {
      config: { access: loanReaders },
      schema: {
        tags,
        summary: "Get a loan with its schedule and balances",
        params: IdParams,
        response: { 200: LoanView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => unwrap(await getLoan(ctx, request.params.id)),
  );

  app.put(
    "/loans/:id/strategy",
    {
      config: { access: strategists },
      schema: {
        tags,
        summary: "Move the loan to another known strategy ladder",
        description:
          "From the next planning pass the loan's automatic contacts follow the ladder named " +
          "(`id@version`, one of the known ladders); plans already made that it does not " +
          "propose are dropped. Audited as `loan.strategy` with the old and new refs. An " +
          "unknown ladder is a 422 naming `strategy`.",
        params: IdParams,
        body: StrategyBody,
        response: { 200: LoanView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request) => unwrap(await moveLoanStrategy(ctx, request.params.id, request.body)),
  );
};
