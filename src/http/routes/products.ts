import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../app/context.js";
import { createProduct, getProduct, listProducts } from "../../app/products.js";
import { access, staffReaders } from "../auth.js";
import { instanceOf, unwrap } from "../problems.js";
import {
  IdParams,
  PageOf,
  PageQuery,
  ProductBody,
  ProductView,
  problemResponses,
} from "../schemas.js";
import { pageOf, pageRequest } from "./paging.js";

const tags = ["products"];

/** The operator defines products (by hand as `admin`, or the checkout's key); staff read them. */
const checkout = access({ serviceKey: true, roles: ["admin"] });
const readers = access({ serviceKey: true, roles: staffReaders });

/** Products: defined by the operator, validated and capped by the use case. */
export const productRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/products",
    {
      config: { access: checkout },
      schema: {
        tags,
        summary: "Define a product",
        body: ProductBody,
        response: { 201: ProductView, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const product = unwrap(await createProduct(ctx, request.body));
      reply.header("location", `${instanceOf(request)}/${product.id}`);
      return reply.status(201).send(product);
    },
  );

  app.get(
    "/products",
    {
      config: { access: readers },
      schema: {
        tags,
        summary: "List products by id",
        querystring: PageQuery,
        response: { 200: PageOf(ProductView), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      return pageOf(await listProducts(ctx, page), page.limit);
    },
  );

  app.get(
    "/products/:id",
    {
      config: { access: readers },
      schema: {
        tags,
        summary: "Get a product",
        params: IdParams,
        response: { 200: ProductView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => unwrap(await getProduct(ctx, request.params.id)),
  );
};
