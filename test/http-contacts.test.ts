import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import { type Dispatch, dispatchDue } from "../src/app/contacts/dispatch.js";
import type { AppContext } from "../src/app/context.js";
import { newApiSecret, openApp } from "../src/cli/compose.js";
import { buildServer } from "../src/http/server.js";
import { cnFlatProduct, expectProblem, json, logIn, loginAs } from "./support/http.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/**
 * The overdue-handling routes (docs/api.md "Overdue handling") on both stores: a CN borrower
 * with one emergency contact and a loan 20 days overdue, worked by an agent through the API.
 * The clock is the test's: each step sets the instant it happens at, always forward.
 */

/** Instants in Shanghai (UTC+8, no DST). */
const shanghai = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
/** An instant as the API writes it: UTC, whole seconds. */
const iso = (at: number) => new Date(at).toISOString().replace(".000Z", "Z");

const product = cnFlatProduct;
const borrower = {
  id: "b1",
  timezone: "Asia/Shanghai",
  name: "张三",
  phone: "+8613800000001",
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
};

/** The routes the checkout's service key calls here; every other call is a logged-in supervisor's. */
const checkoutRoute = /^\/api\/v1\/(products|borrowers|loans)(\/[^/?]+)?(\?|$)/;

/** Every route of this file, for the 401 and OpenAPI checks. */
const contactRoutes = [
  { method: "POST", url: "/api/v1/borrowers/b1/consents", path: "/borrowers/{id}/consents" },
  { method: "GET", url: "/api/v1/borrowers/b1/consents", path: "/borrowers/{id}/consents" },
  { method: "POST", url: "/api/v1/borrowers/b1/preferences", path: "/borrowers/{id}/preferences" },
  { method: "POST", url: "/api/v1/loans/L/promises", path: "/loans/{id}/promises" },
  { method: "POST", url: "/api/v1/borrowers/b1/holds", path: "/borrowers/{id}/holds" },
  { method: "GET", url: "/api/v1/borrowers/b1/holds", path: "/borrowers/{id}/holds" },
  {
    method: "POST",
    url: "/api/v1/borrowers/b1/holds/h/decision",
    path: "/borrowers/{id}/holds/{holdId}/decision",
  },
  { method: "POST", url: "/api/v1/loans/L/contact-attempts", path: "/loans/{id}/contact-attempts" },
  {
    method: "POST",
    url: "/api/v1/contact-attempts/a/outcome",
    path: "/contact-attempts/{id}/outcome",
  },
  { method: "GET", url: "/api/v1/call-tasks", path: "/call-tasks" },
  { method: "GET", url: "/api/v1/borrowers/b1/contact-log", path: "/borrowers/{id}/contact-log" },
  { method: "GET", url: "/api/v1/borrowers/b1/inbox", path: "/borrowers/{id}/inbox" },
  {
    method: "POST",
    url: "/api/v1/loans/L/late-charge-waivers",
    path: "/loans/{id}/late-charge-waivers",
  },
] as const;

interface Entry {
  id: string;
  at: string;
  loan: string;
  channel: string;
  recipient: string;
  contact: string | null;
  template: string;
  source: string;
  outcome: string;
  until: string | null;
  rules: string[];
  pack: string;
  inputHash: string;
  result: string | null;
}
interface Page<T> {
  items: T[];
  nextAfter: string | null;
}

/** A message renderer that needs no catalogue: the inbox shows what was sealed. */
const dispatch: Dispatch = {
  senders: new Map(),
  renderer: {
    render: (template) => ({ subject: `subject ${template}`, body: `body ${template}` }),
    templates: () => [],
  },
  lender: { name: "fenqi", callbackNumber: "+864000000000", optOutUrl: "https://fenqi.dev/o" },
};

/** The service API on a fresh store of `kind`, with a clock the test moves. */
async function openHarness(kind: StoreKind) {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-contacts-"));
  const database = testDatabase(kind);
  let counter = 0;
  const clock = { at: shanghai("2026-03-01", "12:00") };
  const ctx: AppContext = await openApp(
    {
      databaseUrl: await database.url(),
      sqlitePath: join(dir, "api.db"),
      keyFile: join(dir, "api.key"),
    },
    { clock: { now: () => clock.at }, ids: { next: (p) => `${p}_${++counter}` } },
  );
  const key = await createApiKey(ctx, "console", newApiSecret());
  if (!key.ok) throw new Error(key.error.message);
  const app = await buildServer(ctx);
  const auth = { authorization: `Bearer ${key.value.secret}` };
  // The checkout's key sets up products, borrowers and loans; a supervisor works the case.
  let supervisor = await loginAs(app, ctx, "supervisor.li", "supervisor");
  const session = async () => {
    // The test's clock runs for days; a session lasts a working day.
    if (supervisor.expiresAt <= clock.at) supervisor = await logIn(app, "supervisor.li");
    return supervisor.headers;
  };
  return {
    app,
    ctx,
    clock,
    call: async (options: InjectOptions): Promise<LightMyRequestResponse> => {
      const headers = checkoutRoute.test(String(options.url ?? "")) ? auth : await session();
      return app.inject({ ...options, headers: { ...headers, ...(options.headers ?? {}) } });
    },
    async close() {
      await app.close();
      await ctx.store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(storeKinds)("the overdue-handling API on %s", (kind: StoreKind) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let loanId: string;
  const attempts: Record<string, Entry> = {};

  async function created<T = Record<string, unknown>>(options: InjectOptions): Promise<T> {
    const response = await h.call(options);
    expect(response.statusCode, response.body).toBe(201);
    return json<T>(response);
  }
  const attempt = (payload: Record<string, unknown>) =>
    created<Entry>({ method: "POST", url: `/api/v1/loans/${loanId}/contact-attempts`, payload });
  async function contactLog(): Promise<Entry[]> {
    const response = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/contact-log" });
    expect(response.statusCode, response.body).toBe(200);
    return json<Page<Entry>>(response).items;
  }

  beforeAll(async () => {
    h = await openHarness(kind);
    await created({ method: "POST", url: "/api/v1/products", payload: product });
    await created({ method: "POST", url: "/api/v1/borrowers", payload: borrower });
    const origination = await created<{ loan: { id: string } }>({
      method: "POST",
      url: "/api/v1/loans",
      payload: {
        orderId: "order-1",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      },
    });
    loanId = origination.loan.id;
    // The first installment fell due on 2026-02-10; the close of 02-28 ages it to 18 days.
    const closed = await closeBusinessDay(h.ctx, "2026-02-28");
    expect(closed.ok).toBe(true);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts from an overdue loan with a late fee charged", async () => {
    const loan = json<{ dpd: number; bucket: string; charged: { late: string } }>(
      await h.call({ method: "GET", url: `/api/v1/loans/${loanId}` }),
    );
    expect(loan).toMatchObject({ dpd: 18, bucket: "M1", charged: { late: "30.00" } });
  });

  it("allows an agent's call to the borrower at 10:00 local and lists it as a call task", async () => {
    h.clock.at = shanghai("2026-03-02", "10:00");
    const call = await attempt({ channel: "phone", to: "borrower" });
    expect(call).toMatchObject({
      loan: loanId,
      channel: "phone",
      recipient: "borrower",
      contact: null,
      source: "agent",
      outcome: "allow",
      until: null,
      rules: [],
      pack: "CN@1",
      template: "collection_call",
      result: null,
    });
    expect(call.inputHash).toMatch(/^[0-9a-f]{64}$/);
    attempts.call = call;
    const tasks = json<Page<{ attempt: string; status: string; loan: string }>>(
      await h.call({ method: "GET", url: "/api/v1/call-tasks?status=open" }),
    );
    expect(tasks.items).toEqual([
      expect.objectContaining({ attempt: call.id, status: "open", loan: loanId }),
    ]);
    expect(tasks.nextAfter).toBeNull();
  });

  it("defers the same call at 22:30 local to 08:00 the next morning (CN-TIME-WINDOW)", async () => {
    h.clock.at = shanghai("2026-03-02", "22:30");
    const late = await attempt({ channel: "phone", to: "borrower" });
    expect(late).toMatchObject({ outcome: "defer", rules: ["CN-TIME-WINDOW"] });
    expect(late.until).toBe(iso(shanghai("2026-03-03", "08:00")));
    attempts.late = late;
    const open = json<Page<{ attempt: string }>>(
      await h.call({ method: "GET", url: "/api/v1/call-tasks?status=open" }),
    );
    expect(open.items.map((t) => t.attempt)).toEqual([attempts.call?.id]);
  });

  it("denies an SMS to the emergency contact without consent, and with it while the debtor is reachable", async () => {
    h.clock.at = shanghai("2026-03-03", "11:00");
    const without = await attempt({ channel: "sms", to: "ec1" });
    expect(without).toMatchObject({ outcome: "deny", recipient: "contact", contact: "ec1" });
    expect(without.rules).toContain("CN-CONTACT-CONSENT");
    expect(without.template).toBe("callback_request");
    attempts.without = without;

    const receipt = await created<Record<string, unknown>>({
      method: "POST",
      url: "/api/v1/borrowers/b1/consents",
      payload: { action: "grant", contact: "ec1", noticeVersion: "2026-01", channel: "app" },
    });
    expect(receipt).toMatchObject({
      action: "grant",
      borrower: "b1",
      contact: "ec1",
      purpose: "emergency_contact",
      noticeVersion: "2026-01",
      channel: "app",
      at: iso(h.clock.at),
    });
    expect(receipt.digest).toMatch(/^[0-9a-f]{64}$/);

    h.clock.at = shanghai("2026-03-03", "11:05");
    const reachable = await attempt({ channel: "sms", to: "ec1", template: "callback_request" });
    expect(reachable.outcome).toBe("deny");
    expect(reachable.rules).toContain("CN-CONTACT-PERSON");
    expect(reachable.rules).not.toContain("CN-CONTACT-CONSENT");
    attempts.reachable = reachable;
  });

  it("shows every attempt on the borrower's contact log with its rules and template, paged", async () => {
    const log = await contactLog();
    const ours = [attempts.call, attempts.late, attempts.without, attempts.reachable];
    expect(log.map((e) => e.id)).toEqual(ours.map((a) => a?.id));
    for (const [i, entry] of log.entries()) {
      expect(entry).toMatchObject({
        outcome: ours[i]?.outcome,
        rules: ours[i]?.rules,
        template: ours[i]?.template,
        inputHash: ours[i]?.inputHash,
      });
    }
    const first = json<Page<Entry>>(
      await h.call({ method: "GET", url: "/api/v1/borrowers/b1/contact-log?limit=3" }),
    );
    expect(first.items).toHaveLength(3);
    expect(first.nextAfter).toBe(log[2]?.id);
    const rest = json<Page<Entry>>(
      await h.call({
        method: "GET",
        url: `/api/v1/borrowers/b1/contact-log?limit=3&after=${first.nextAfter}`,
      }),
    );
    expect(rest.items.map((e) => e.id)).toEqual([log[3]?.id]);
    expect(rest.nextAfter).toBeNull();
  });

  it("records a refused outcome once, closing the call task; a denied attempt has none", async () => {
    h.clock.at = shanghai("2026-03-03", "11:10");
    const id = attempts.call?.id;
    const outcome = await h.call({
      method: "POST",
      url: `/api/v1/contact-attempts/${id}/outcome`,
      payload: { result: "refused" },
    });
    expect(outcome.statusCode, outcome.body).toBe(200);
    expect(json(outcome)).toMatchObject({ id, outcome: "allow", result: "refused" });
    const again = await h.call({
      method: "POST",
      url: `/api/v1/contact-attempts/${id}/outcome`,
      payload: { result: "answered" },
    });
    expectProblem(again, 409, "conflict");
    expectProblem(
      await h.call({
        method: "POST",
        url: `/api/v1/contact-attempts/${attempts.without?.id}/outcome`,
        payload: { result: "answered" },
      }),
      409,
      "conflict",
    );
    const done = json<Page<{ attempt: string }>>(
      await h.call({ method: "GET", url: "/api/v1/call-tasks?status=done" }),
    );
    expect(done.items.map((t) => t.attempt)).toEqual([id]);
    const open = json<Page<unknown>>(
      await h.call({ method: "GET", url: "/api/v1/call-tasks?status=open" }),
    );
    expect(open.items).toEqual([]);
    expect((await contactLog()).find((e) => e.id === id)?.result).toBe("refused");
  });

  it("withdraws the consent with a receipt, as easily as it was granted", async () => {
    const receipt = await created({
      method: "POST",
      url: "/api/v1/borrowers/b1/consents",
      payload: { action: "withdraw", contact: "ec1", channel: "app" },
    });
    expect(receipt).toMatchObject({ action: "withdraw", contact: "ec1", noticeVersion: "2026-01" });
    const consents = json<{ items: { contact: string; standing: boolean; withdrawnAt: string }[] }>(
      await h.call({ method: "GET", url: "/api/v1/borrowers/b1/consents" }),
    );
    expect(consents.items).toEqual([
      expect.objectContaining({ contact: "ec1", standing: false, withdrawnAt: receipt.at }),
    ]);
    expectProblem(
      await h.call({
        method: "POST",
        url: "/api/v1/borrowers/b1/consents",
        payload: { action: "withdraw", contact: "ec1" },
      }),
      409,
      "conflict",
    );
  });

  it("refuses bad bodies naming the field, and logs nothing for them", async () => {
    const before = await contactLog();
    const consentsBefore = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/consents" });
    const bad: [InjectOptions, number, string, string][] = [
      [
        {
          method: "POST",
          url: `/api/v1/loans/${loanId}/contact-attempts`,
          payload: { channel: "fax", to: "borrower" },
        },
        400,
        "invalid_request",
        "channel",
      ],
      [
        {
          method: "POST",
          url: `/api/v1/loans/${loanId}/contact-attempts`,
          payload: { channel: "sms", to: "borrower", phone: "+8613800000001" },
        },
        400,
        "invalid_request",
        "phone",
      ],
      [
        {
          method: "POST",
          url: `/api/v1/loans/${loanId}/contact-attempts`,
          payload: { channel: "sms", to: "borrower", template: "threat" },
        },
        400,
        "invalid_request",
        "template",
      ],
      [
        {
          method: "POST",
          url: "/api/v1/borrowers/b1/preferences",
          payload: { action: "window", window: { from: "25:00", to: "21:00" } },
        },
        400,
        "invalid_request",
        "window.from",
      ],
      [
        {
          method: "POST",
          url: "/api/v1/borrowers/b1/preferences",
          payload: { action: "window", window: { from: "21:00", to: "09:00" } },
        },
        422,
        "invalid_input",
        "window.to",
      ],
      [
        {
          method: "POST",
          url: "/api/v1/contact-attempts/att_1/outcome",
          payload: { result: "maybe" },
        },
        400,
        "invalid_request",
        "result",
      ],
      // Well formed, but the borrower has no such contact: a refused value (422), as elsewhere.
      [
        {
          method: "POST",
          url: "/api/v1/borrowers/b1/consents",
          payload: { action: "grant", contact: "ec9" },
        },
        422,
        "invalid_input",
        "contact",
      ],
      [
        {
          method: "POST",
          url: "/api/v1/borrowers/b1/preferences",
          payload: { action: "opt_out", to: "ec9", channel: "sms" },
        },
        422,
        "invalid_input",
        "to",
      ],
      [
        {
          method: "POST",
          url: "/api/v1/borrowers/b1/holds",
          payload: { kind: "complaint", detail: "He called my mother!" },
        },
        400,
        "invalid_request",
        "detail",
      ],
      [
        { method: "POST", url: `/api/v1/loans/${loanId}/promises`, payload: { until: "soon" } },
        400,
        "invalid_request",
        "until",
      ],
    ];
    for (const [request, status, code, field] of bad) {
      const response = await h.call(request);
      expect(expectProblem(response, status, code), request.url as string).toContain(field);
      expect(response.body).not.toContain("+86");
    }
    expect(await contactLog()).toEqual(before);
    const consentsAfter = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/consents" });
    expect(consentsAfter.body).toBe(consentsBefore.body);
    const holds = json<{ items: unknown[] }>(
      await h.call({ method: "GET", url: "/api/v1/borrowers/b1/holds" }),
    );
    expect(holds.items).toEqual([]);
  });

  it("answers unknown loans, borrowers, attempts and holds with 404", async () => {
    const missing: InjectOptions[] = [
      {
        method: "POST",
        url: "/api/v1/loans/L_nope/contact-attempts",
        payload: { channel: "phone", to: "borrower" },
      },
      { method: "POST", url: "/api/v1/loans/L_nope/promises", payload: { until: "2026-03-10" } },
      { method: "POST", url: "/api/v1/loans/L_nope/late-charge-waivers" },
      {
        method: "POST",
        url: "/api/v1/contact-attempts/att_nope/outcome",
        payload: { result: "answered" },
      },
      { method: "GET", url: "/api/v1/borrowers/b_nope/contact-log" },
      { method: "GET", url: "/api/v1/borrowers/b_nope/inbox" },
      { method: "GET", url: "/api/v1/borrowers/b_nope/consents" },
      { method: "GET", url: "/api/v1/borrowers/b_nope/holds" },
      {
        method: "POST",
        url: "/api/v1/borrowers/b_nope/consents",
        payload: { action: "grant", contact: "ec1" },
      },
      {
        method: "POST",
        url: "/api/v1/borrowers/b1/holds/hold_nope/decision",
        payload: { decision: "upheld" },
      },
    ];
    const before = await contactLog();
    for (const request of missing) expectProblem(await h.call(request), 404, "not_found");
    expect(await contactLog()).toEqual(before);
  });

  it("refuses every route without a valid key", async () => {
    for (const route of contactRoutes) {
      for (const headers of [{ authorization: "" }, { authorization: "Bearer fq_wrong" }]) {
        const response = await h.app.inject({
          method: route.method,
          url: route.url,
          headers,
          payload: route.method === "POST" ? {} : undefined,
        });
        expectProblem(response, 401, "unauthorized");
      }
    }
  });

  it("delivers an allowed in-app message to the borrower's inbox", async () => {
    h.clock.at = shanghai("2026-03-03", "12:00");
    const message = await attempt({ channel: "in_app", to: "borrower", template: "reminder" });
    expect(message.outcome).toBe("allow");
    expect(await dispatchDue(h.ctx, dispatch)).toMatchObject({ sent: 1 });
    const box = json<Page<Record<string, unknown>>>(
      await h.call({ method: "GET", url: "/api/v1/borrowers/b1/inbox" }),
    );
    expect(box.items).toEqual([
      expect.objectContaining({
        loan: loanId,
        template: "reminder",
        subject: "subject reminder",
        body: "body reminder",
      }),
    ]);
    expect(box.nextAfter).toBeNull();
  });

  it("records preferences and a promise to pay", async () => {
    const window = await created({
      method: "POST",
      url: "/api/v1/borrowers/b1/preferences",
      payload: { action: "window", window: { from: "09:00", to: "20:00" } },
    });
    expect(window).toMatchObject({ action: "window", to: "borrower", channel: null });
    const optOut = await created({
      method: "POST",
      url: "/api/v1/borrowers/b1/preferences",
      payload: { action: "opt_out", to: "ec1", channel: "sms" },
    });
    expect(optOut).toMatchObject({ action: "opt_out", to: "ec1", channel: "sms" });
    const promise = await created({
      method: "POST",
      url: `/api/v1/loans/${loanId}/promises`,
      payload: { until: "2026-03-10" },
    });
    expect(promise).toMatchObject({ loan: loanId, until: "2026-03-10", status: "open" });
  });

  it("opens a hardship hold that pauses contact, decides it once, then waives the late charges", async () => {
    h.clock.at = shanghai("2026-03-03", "14:00");
    const hold = await created<{ id: string }>({
      method: "POST",
      url: "/api/v1/borrowers/b1/holds",
      payload: { kind: "hardship", loan: loanId, detail: "income_loss" },
    });
    expect(hold).toMatchObject({ kind: "hardship", loan: loanId, decision: null });
    const paused = await attempt({ channel: "sms", to: "borrower" });
    expect(paused.rules).toContain("CN-HOLD");

    const decide = (decision: string) =>
      h.call({
        method: "POST",
        url: `/api/v1/borrowers/b1/holds/${hold.id}/decision`,
        payload: { decision },
      });
    const decided = await decide("waived");
    expect(decided.statusCode, decided.body).toBe(200);
    expect(json(decided)).toEqual({ id: hold.id, decision: "waived" });
    expectProblem(await decide("upheld"), 409, "conflict");
    const holds = json<{ items: { id: string; decision: string | null }[] }>(
      await h.call({ method: "GET", url: "/api/v1/borrowers/b1/holds" }),
    );
    expect(holds.items).toEqual([expect.objectContaining({ id: hold.id, decision: "waived" })]);

    const waiver = await created<{
      operation: { kind: string; amount: string };
      loan: { outstanding: { late: string }; charged: { late: string } };
    }>({ method: "POST", url: `/api/v1/loans/${loanId}/late-charge-waivers` });
    expect(waiver.operation).toMatchObject({ kind: "waiver", amount: "30.00" });
    expect(waiver.loan.outstanding.late).toBe("0.00");
  });

  it("lists every route in the OpenAPI document with its schemas and the session", async () => {
    const doc = json<{
      paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
    }>(await h.app.inject({ method: "GET", url: "/docs/json" }));
    for (const route of contactRoutes) {
      const operation = doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.security).toEqual([{ session: [] }]);
      if (route.method === "POST") expect(operation?.requestBody).toBeDefined();
    }
  });
});
