import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../app/context.js";
import { exportBorrower } from "../../app/privacy/export.js";
import { processingRules } from "../../app/privacy/processing-rules.js";
import {
  answerCorrection,
  listPrivacyRequests,
  requestCorrection,
  requestDeletion,
} from "../../app/privacy/requests.js";
import { revealBorrower } from "../../app/privacy/reveal.js";
import { access, actorOf, ownerIsIdParam, ownerIsSelf, sessionOf } from "../auth.js";
import { unwrap } from "../problems.js";
import { Id, IdParams, InstantText, List, problemResponses } from "../schemas.js";

const tags = ["privacy"];

/**
 * Access (docs/api.md "Access"), added to the service key these routes had before logins: the
 * borrower exercises their own rights and compliance handles them; collections staff reveal a
 * value with a stated reason; compliance answers corrections.
 */
const rightsHolders = access({
  serviceKey: true,
  roles: ["borrower", "compliance"],
  owner: ownerIsIdParam,
});
// The checkout's service key never reveals: plain personal data goes to named staff only.
const revealers = access({ roles: ["agent", "supervisor", "compliance"] });
/** The logged-in borrower's own rights, without an id in the URL. */
const theBorrower = access({ roles: ["borrower"], owner: ownerIsSelf });
const answerers = access({ serviceKey: true, roles: ["compliance"] });

const RequestView = Type.Object({
  id: Id,
  borrower: Id,
  kind: Type.String(),
  status: Type.String(),
  receivedAt: InstantText,
  dueAt: InstantText,
  fields: List(Type.String()),
  eraseOn: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.Union([InstantText, Type.Null()]),
});

/**
 * Privacy (DESIGN.md "Privacy"; PIPL Arts. 45–48): reveal for staff, and the borrower's own
 * rights — export, processing rules, correction and deletion requests.
 *
 * Access: see `rightsHolders`, `revealers` and `answerers` above; a borrower user reaches only
 * their own `:id` (the edge checks it, src/http/auth.ts), and `/me/export` and
 * `/me/processing-rules` serve the logged-in borrower without an id. The service key reaches the
 * rights routes (the checkout acting for a borrower) but never reveal. Answers that carry plain personal data are sent `Cache-Control: no-store`, and the
 * server's log redaction keeps bodies out of the logs.
 */
export const privacyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/borrowers/:id/reveal",
    {
      config: { access: revealers },
      schema: {
        tags,
        summary: "Reveal one masked value, with a stated reason (audited)",
        params: IdParams,
        // `reason` is optional here so the use case refuses a missing one by name (422).
        body: Type.Object(
          {
            field: Type.String({ maxLength: 80, examples: ["phone", "contact:ec1"] }),
            reason: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            borrower: Id,
            field: Type.String(),
            value: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses(400, 401, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const revealed = unwrap(
        await revealBorrower(ctx, {
          borrowerId: request.params.id,
          field: request.body.field,
          reason: request.body.reason,
          actor: actorOf(request),
        }),
      );
      return reply.header("cache-control", "no-store").send(revealed);
    },
  );

  app.get(
    "/me/export",
    {
      config: { access: theBorrower },
      schema: {
        tags,
        summary: "Everything held about me, with audit proofs (PIPL Art. 45)",
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const bundle = unwrap(await exportBorrower(ctx, myBorrowerId(request)));
      return reply.header("cache-control", "no-store").send(bundle);
    },
  );

  app.get(
    "/me/processing-rules",
    {
      config: { access: theBorrower },
      schema: {
        tags,
        summary: "What is processed about me, why and until when (PIPL Art. 48)",
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => unwrap(await processingRules(ctx, myBorrowerId(request))),
  );

  app.get(
    "/borrowers/:id/export",
    {
      config: { access: rightsHolders },
      schema: {
        tags,
        summary: "Everything held about the borrower, with audit proofs (PIPL Art. 45)",
        params: IdParams,
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const bundle = unwrap(await exportBorrower(ctx, request.params.id));
      return reply.header("cache-control", "no-store").send(bundle);
    },
  );

  app.get(
    "/borrowers/:id/processing-rules",
    {
      config: { access: rightsHolders },
      schema: {
        tags,
        summary: "What is processed about the borrower, why and until when (PIPL Art. 48)",
        params: IdParams,
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => unwrap(await processingRules(ctx, request.params.id)),
  );

  app.get(
    "/borrowers/:id/privacy-requests",
    {
      config: { access: rightsHolders },
      schema: {
        tags,
        summary: "The borrower's privacy requests and their deadlines",
        params: IdParams,
        response: { 200: List(RequestView), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => unwrap(await listPrivacyRequests(ctx, request.params.id)),
  );

  app.post(
    "/borrowers/:id/correction-requests",
    {
      config: { access: rightsHolders },
      schema: {
        tags,
        summary: "Ask for name, phone or e-mail to be corrected (PIPL Art. 46)",
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 100 })),
            phone: Type.Optional(Type.String({ maxLength: 16 })),
            email: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: RequestView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(unwrap(await requestCorrection(ctx, request.params.id, request.body))),
  );

  app.post(
    "/privacy-requests/:id/answer",
    {
      config: { access: answerers },
      schema: {
        tags,
        summary: "Staff: apply or reject a correction request",
        params: IdParams,
        body: Type.Object(
          { decision: Type.Union([Type.Literal("apply"), Type.Literal("reject")]) },
          { additionalProperties: false },
        ),
        response: { 200: RequestView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) =>
      unwrap(
        await answerCorrection(ctx, request.params.id, {
          actor: actorOf(request),
          decision: request.body.decision,
        }),
      ),
  );

  app.post(
    "/borrowers/:id/deletion-requests",
    {
      config: { access: rightsHolders },
      schema: {
        tags,
        summary: "Ask for deletion: erased now, or restricted until retention ends (PIPL Art. 47)",
        params: IdParams,
        response: { 201: RequestView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(unwrap(await requestDeletion(ctx, request.params.id, { actor: actorOf(request) }))),
  );
};

/** The logged-in borrower's id: the `theBorrower` access admits only a borrower user who has one. */
function myBorrowerId(request: FastifyRequest): string {
  const id = sessionOf(request).user.borrowerId;
  if (!id) throw new Error("a borrower route ran for a user without a borrower");
  return id;
}
