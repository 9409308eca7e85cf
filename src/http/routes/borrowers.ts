import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { getBorrower, listBorrowers, registerBorrower } from "../../app/borrowers.js";
import type { AppContext } from "../../app/context.js";
import { access, ownerIsIdParam, staffReaders } from "../auth.js";
import { instanceOf, unwrap } from "../problems.js";
import {
  BorrowerBody,
  BorrowerView,
  IdParams,
  PageOf,
  PageQuery,
  problemResponses,
} from "../schemas.js";
import { pageOf, pageRequest } from "./paging.js";

const tags = ["borrowers"];

/** The checkout registers borrowers (or `admin` by hand); staff read them, a borrower only themself. */
const checkout = access({ serviceKey: true, roles: ["admin"] });
const readers = access({ serviceKey: true, roles: staffReaders });
const ownReaders = access({
  serviceKey: true,
  roles: [...staffReaders, "borrower"],
  owner: ownerIsIdParam,
});

/**
 * Borrowers. Personal data goes in only through the body and comes out only masked; URLs carry
 * ids alone, so no phone number or name reaches an access log (DESIGN.md "Privacy").
 */
export const borrowerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/borrowers",
    {
      config: { access: checkout },
      schema: {
        tags,
        summary: "Register a borrower (answered masked)",
        body: BorrowerBody,
        response: { 201: BorrowerView, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const borrower = unwrap(await registerBorrower(ctx, request.body));
      reply.header("location", `${instanceOf(request)}/${borrower.id}`);
      return reply.status(201).send(borrower);
    },
  );

  app.get(
    "/borrowers",
    {
      config: { access: readers },
      schema: {
        tags,
        summary: "List borrowers by id (masked)",
        querystring: PageQuery,
        response: { 200: PageOf(BorrowerView), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      return pageOf(await listBorrowers(ctx, page), page.limit);
    },
  );

  app.get(
    "/borrowers/:id",
    {
      config: { access: ownReaders },
      schema: {
        tags,
        summary: "Get a borrower (masked)",
        params: IdParams,
        response: { 200: BorrowerView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => unwrap(await getBorrower(ctx, request.params.id)),
  );
};
