import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type TSchema, Type } from "typebox";
import { listCallTasks, proposeContact, recordOutcome } from "../../app/contacts/agent-contact.js";
import {
  decideHold,
  listConsents,
  listHolds,
  openHold,
  recordConsent,
  recordPreference,
  recordPromise,
} from "../../app/contacts/choices.js";
import { contactLog } from "../../app/contacts/contact-log.js";
import { forecastLoan } from "../../app/contacts/forecast.js";
import { inbox } from "../../app/contacts/inbox.js";
import type { AppContext } from "../../app/context.js";
import { waiveLateCharges } from "../../app/loans/waive-late-charges.js";
import {
  access,
  ownerIsIdParam,
  ownerOfLoanParam,
  type RouteAccess,
  staffReaders,
} from "../auth.js";
import {
  CallTaskQuery,
  CallTaskView,
  ConsentBody,
  ConsentReceiptView,
  ConsentView,
  ContactAttemptBody,
  ContactLogEntryView,
  ForecastQuery,
  ForecastView,
  HoldBody,
  HoldDecisionBody,
  HoldDecisionView,
  HoldParams,
  HoldView,
  InboxMessageView,
  OutcomeBody,
  PreferenceBody,
  PreferenceView,
  PromiseBody,
  PromiseView,
  WaiverBody,
} from "../contact-schemas.js";
import { OperationResult } from "../loan-schemas.js";
import { unwrap } from "../problems.js";
import { IdParams, List, PageOf, PageQuery, problemResponses } from "../schemas.js";
import { pageOf, pageRequest } from "./paging.js";

const choiceTags = ["choices"];
const contactTags = ["contacts"];

/**
 * Access (docs/api.md "Access"): a borrower makes their own choices and reads their own log,
 * inbox and forecast; agents and supervisors record choices on a borrower's behalf and make the
 * contacts; staff read; holds are decided by a supervisor or compliance, late charges waived by
 * a supervisor. The checkout's key has no business here.
 */
const ownChoices: RouteAccess = access({
  roles: ["borrower", "agent", "supervisor"],
  owner: ownerIsIdParam,
});
const loanChoices: RouteAccess = access({
  roles: ["borrower", "agent", "supervisor"],
  owner: ownerOfLoanParam,
});
const ownReaders: RouteAccess = access({
  roles: ["borrower", ...staffReaders],
  owner: ownerIsIdParam,
});
const loanReaders: RouteAccess = access({
  roles: ["borrower", ...staffReaders],
  owner: ownerOfLoanParam,
});
const collectors: RouteAccess = access({ roles: ["agent", "supervisor"] });
const holdDeciders: RouteAccess = access({ roles: ["supervisor", "compliance"] });
const waivers: RouteAccess = access({ roles: ["supervisor"] });

/** A short list answered whole: a borrower's consents or holds (few, and not paged by the use case). */
const ItemsOf = <T extends TSchema>(item: T) => Type.Object({ items: List(item) });

/**
 * Overdue handling (DESIGN.md "Overdue handling: strategy proposes, policy disposes"): the
 * borrower's choices, which take effect at once for every later decision; the agent's contact
 * attempts, each judged by the policy engine and logged whatever the answer — a deny is a normal
 * 201, the attempt was judged and recorded; and what the borrower is shown (contact log, inbox).
 * URLs carry ids alone; recipients are `borrower` or an emergency-contact id, never a number.
 */
export const contactRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/borrowers/:id/consents",
    {
      config: { access: ownChoices },
      schema: {
        tags: choiceTags,
        summary: "Grant or withdraw the separate consent to contact an emergency contact",
        description:
          "Answers the receipt the borrower keeps. A withdrawal takes the same fields, takes " +
          "effect for every later decision at once, and is a 409 when no consent stands.",
        params: IdParams,
        body: ConsentBody,
        response: { 201: ConsentReceiptView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const receipt = unwrap(await recordConsent(ctx, request.params.id, request.body));
      return reply.status(201).send(receipt);
    },
  );

  app.get(
    "/borrowers/:id/consents",
    {
      config: { access: ownReaders },
      schema: {
        tags: choiceTags,
        summary: "The borrower's consents, standing and withdrawn",
        params: IdParams,
        response: { 200: ItemsOf(ConsentView), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: unwrap(await listConsents(ctx, request.params.id)) }),
  );

  app.post(
    "/borrowers/:id/preferences",
    {
      config: { access: ownChoices },
      schema: {
        tags: choiceTags,
        summary: "Record a contact preference (opt-out, agreed window, cease ...)",
        params: IdParams,
        body: PreferenceBody,
        response: { 201: PreferenceView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const preference = unwrap(await recordPreference(ctx, request.params.id, request.body));
      return reply.status(201).send(preference);
    },
  );

  app.post(
    "/loans/:id/promises",
    {
      config: { access: loanChoices },
      schema: {
        tags: choiceTags,
        summary: "Record a promise to pay: automatic contact waits until its date",
        description: "A new promise replaces the loan's open one.",
        params: IdParams,
        body: PromiseBody,
        response: { 201: PromiseView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const promise = unwrap(await recordPromise(ctx, request.params.id, request.body));
      return reply.status(201).send(promise);
    },
  );

  app.post(
    "/borrowers/:id/holds",
    {
      config: { access: ownChoices },
      schema: {
        tags: choiceTags,
        summary: "Open a complaint or hardship hold: collection contact pauses until decided",
        params: IdParams,
        body: HoldBody,
        response: { 201: HoldView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const hold = unwrap(await openHold(ctx, request.params.id, request.body));
      return reply.status(201).send(hold);
    },
  );

  app.get(
    "/borrowers/:id/holds",
    {
      config: { access: ownReaders },
      schema: {
        tags: choiceTags,
        summary: "The borrower's holds, open and decided",
        params: IdParams,
        response: { 200: ItemsOf(HoldView), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: unwrap(await listHolds(ctx, request.params.id)) }),
  );

  app.post(
    "/borrowers/:id/holds/:holdId/decision",
    {
      config: { access: holdDeciders },
      schema: {
        tags: choiceTags,
        summary: "Decide a hold (a reason code): collection contact may resume",
        description: "A hold is decided once; deciding it again is a 409.",
        params: HoldParams,
        body: HoldDecisionBody,
        response: { 200: HoldDecisionView, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id, holdId } = request.params;
      return unwrap(await decideHold(ctx, id, holdId, request.body));
    },
  );

  app.post(
    "/loans/:id/contact-attempts",
    {
      config: { access: collectors },
      schema: {
        tags: contactTags,
        summary: "Propose a contact now: judged by the policy engine and logged",
        description:
          "Answers 201 with the decision whatever it is: `allow` (a phone call becomes a call " +
          "task, a message goes to the outbox), `defer` with `until`, or `deny`, naming the " +
          "rule ids and the pack. A recipient that is neither `borrower` nor one of the " +
          "borrower's emergency contacts is judged as unregistered (and denied).",
        params: IdParams,
        body: ContactAttemptBody,
        response: { 201: ContactLogEntryView, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const decision = unwrap(await proposeContact(ctx, request.params.id, request.body));
      return reply.status(201).send(decision);
    },
  );

  app.post(
    "/contact-attempts/:id/outcome",
    {
      config: { access: collectors },
      schema: {
        tags: contactTags,
        summary: "Record what became of an allowed attempt (closes its call task)",
        description:
          "Once per attempt; an attempt that was not allowed has no outcome (409). A contact " +
          "person who refuses is never contacted again (CN-CONTACT-REFUSED).",
        params: IdParams,
        body: OutcomeBody,
        response: { 200: ContactLogEntryView, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => unwrap(await recordOutcome(ctx, request.params.id, request.body)),
  );

  app.get(
    "/call-tasks",
    {
      config: { access: collectors },
      schema: {
        tags: contactTags,
        summary: "The agents' call tasks (allowed phone attempts), by id",
        querystring: CallTaskQuery,
        response: { 200: PageOf(CallTaskView), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { status } = request.query;
      const tasks = await listCallTasks(ctx, { ...(status ? { status } : {}), ...page });
      return pageOf(tasks, page.limit);
    },
  );

  app.get(
    "/borrowers/:id/contact-log",
    {
      config: { access: ownReaders },
      schema: {
        tags: contactTags,
        summary: "Every attempt about the borrower, to them or a contact, in decision order",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: PageOf(ContactLogEntryView), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      return pageOf(unwrap(await contactLog(ctx, request.params.id, page)), page.limit);
    },
  );

  app.get(
    "/borrowers/:id/inbox",
    {
      config: { access: ownReaders },
      schema: {
        tags: contactTags,
        summary: "The borrower's in-app messages, by id",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: PageOf(InboxMessageView), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      return pageOf(unwrap(await inbox(ctx, request.params.id, page)), page.limit);
    },
  );

  app.get(
    "/loans/:id/forecast",
    {
      config: { access: loanReaders },
      schema: {
        tags: contactTags,
        summary: "What will happen to the loan if nothing is paid: fees, buckets, contacts",
        description:
          "Runs the daily close, the pack's default ladder and the policy engine forward from " +
          "today's business date for `days` dates (1–366, default 30), assuming no payment and " +
          "no answered call, on the facts on file now. Each emergency contact is probed daily " +
          "(the pack's limited template by SMS at 10:00 local): `contacts` says when a contact " +
          "would first be allowed, or which rules forbid it on the last day. Nothing is written.",
        params: IdParams,
        querystring: ForecastQuery,
        response: { 200: ForecastView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => unwrap(await forecastLoan(ctx, request.params.id, request.query.days)),
  );

  app.post(
    "/loans/:id/late-charge-waivers",
    {
      config: { access: waivers },
      schema: {
        tags: ["servicing"],
        summary: "Waive the late charges the loan owes today (a hardship measure)",
        description:
          "Reverses every unpaid late charge as of today's business date; paid ones stand and " +
          "later closes charge again as the product says. Answers the operation like a payment.",
        params: IdParams,
        body: WaiverBody,
        response: { 201: OperationResult, ...problemResponses(400, 401, 404, 409, 422) },
      },
      // A waiver has no fields: an empty request means "waive what is owed now".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const result = unwrap(await waiveLateCharges(ctx, request.params.id));
      return reply.status(201).send(result);
    },
  );
};
