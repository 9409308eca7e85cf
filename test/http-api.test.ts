import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../src/app/context.js";
import { apikeyCommand } from "../src/cli/commands/apikey.js";
import { serveCommand } from "../src/cli/commands/serve.js";
import type { CommandIo } from "../src/cli/io.js";
import { buildServer } from "../src/http/server.js";
import { expectProblem, type HttpHarness, json, openHttpHarness } from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

const flatProduct = {
  id: "flat",
  method: "flat_fee",
  periodFeeRate: "0.006",
  installments: [3, 12],
};
const borrowerB1 = {
  id: "b1",
  timezone: "Asia/Shanghai",
  name: "张三",
  phone: "+8613800000001",
  email: "zhang.san@example.com",
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
};

/** Every service route, with a request that would succeed given a key: for the 401 checks. */
const serviceRoutes = [
  { method: "POST", url: "/api/v1/products", route: "/api/v1/products" },
  { method: "GET", url: "/api/v1/products", route: "/api/v1/products" },
  { method: "GET", url: "/api/v1/products/flat", route: "/api/v1/products/:id" },
  { method: "POST", url: "/api/v1/borrowers", route: "/api/v1/borrowers" },
  { method: "GET", url: "/api/v1/borrowers", route: "/api/v1/borrowers" },
  { method: "GET", url: "/api/v1/borrowers/b1", route: "/api/v1/borrowers/:id" },
  { method: "POST", url: "/api/v1/loans", route: "/api/v1/loans" },
  { method: "GET", url: "/api/v1/loans", route: "/api/v1/loans" },
  { method: "GET", url: "/api/v1/loans/L_1", route: "/api/v1/loans/:id" },
  { method: "POST", url: "/api/v1/loans/L_1/payments", route: "/api/v1/loans/:id/payments" },
  {
    method: "GET",
    url: "/api/v1/loans/L_1/settlement-quote",
    route: "/api/v1/loans/:id/settlement-quote",
  },
  { method: "POST", url: "/api/v1/loans/L_1/settlement", route: "/api/v1/loans/:id/settlement" },
  { method: "POST", url: "/api/v1/loans/L_1/refunds", route: "/api/v1/loans/:id/refunds" },
] as const;

type Loan = { id: string; status: string; paid: Record<string, string>; credit: string };
type Operation = {
  operation: { id: string; kind: string; amount: string; allocated: Record<string, string> };
  loan: Loan;
  replayed: boolean;
};

describe.each(storeKinds)("the service API on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  let orders = 0;

  beforeAll(async () => {
    h = await openHttpHarness(kind);
    expect(h.ctx.store.dialect).toBe(kind);
    expect(
      (await h.call({ method: "POST", url: "/api/v1/products", payload: flatProduct })).statusCode,
    ).toBe(201);
    expect(
      (await h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrowerB1 })).statusCode,
    ).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Originates a fresh 12-installment flat-fee loan of 6000.00 on 2026-01-10 for b1. */
  async function newLoan(borrowerId = "b1"): Promise<Loan> {
    const response = await h.call({
      method: "POST",
      url: "/api/v1/loans",
      payload: {
        orderId: `order-${++orders}`,
        borrowerId,
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return json<{ loan: Loan }>(response).loan;
  }

  async function loanNow(id: string): Promise<unknown> {
    const response = await h.call({ method: "GET", url: `/api/v1/loans/${id}` });
    expect(response.statusCode).toBe(200);
    return json(response);
  }

  describe("access", () => {
    it("answers /healthz and the docs without a key", async () => {
      const health = await h.app.inject({ method: "GET", url: "/healthz" });
      expect(health.statusCode).toBe(200);
      expect(json(health)).toEqual({ status: "ok" });
      expect((await h.app.inject({ method: "GET", url: "/docs/json" })).statusCode).toBe(200);
      expect((await h.app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
    });

    it("refuses every /api/v1 route without a key, with a wrong key or another scheme", async () => {
      const wrong = [
        {},
        { authorization: "Bearer fq_not-a-real-key" },
        { authorization: "Bearer nonsense" },
        { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
      ];
      for (const route of serviceRoutes) {
        for (const headers of wrong) {
          const response = await h.app.inject({
            method: route.method,
            url: route.url,
            headers,
            payload: route.method === "POST" ? {} : undefined,
          });
          expectProblem(response, 401, "unauthorized");
          expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
        }
      }
    });

    it("records each refused request on the audit log under its route pattern", async () => {
      await h.app.inject({ method: "GET", url: "/api/v1/loans/L_secret-id/settlement-quote" });
      const leaves = await h.ctx.store.transaction((tx) => tx.audit.list(0, 10_000));
      const routes = leaves.filter((l) => l.kind === "auth.failed").map((l) => l.data.route);
      expect(routes).toContain("/api/v1/loans/:id/settlement-quote");
      expect(routes.every((r) => typeof r === "string" && !r.includes("L_secret-id"))).toBe(true);
      for (const route of serviceRoutes) expect(routes).toContain(route.route);
    });

    it("answers an unknown route with a 404 problem", async () => {
      expectProblem(
        await h.call({ method: "GET", url: "/api/v1/nothing?x=1" }),
        404,
        "route_not_found",
      );
      expectProblem(
        await h.call({ method: "DELETE", url: "/api/v1/loans/L_1" }),
        404,
        "route_not_found",
      );
    });
  });

  describe("the OpenAPI document", () => {
    it("lists every route, with each /api/v1 operation's declared credentials", async () => {
      const doc = json<{
        openapi: string;
        info: { title: string };
        paths: Record<string, Record<string, { security?: unknown }>>;
      }>(await h.app.inject({ method: "GET", url: "/docs/json" }));
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info.title).toBe("fenqi service API");
      const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const expected = serviceRoutes.map((r) => `${r.method} ${r.route.replace(/:id/, "{id}")}`);
      // Other suites check the routes they own (overdue handling: http-contacts.test.ts); the
      // credentials are checked below on every operation the document lists.
      expect(operations).toEqual(expect.arrayContaining([...new Set(expected), "GET /healthz"]));
      for (const route of serviceRoutes) {
        const op = doc.paths[route.route.replace(/:id/, "{id}")]?.[route.method.toLowerCase()];
        expect(op?.security, route.route).toContainEqual({ serviceKey: [] });
      }
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const open =
            !path.startsWith("/api/v1") || `${method} ${path}` === "post /api/v1/session";
          if (open) expect(op.security).toBeUndefined();
          else expect(op.security).toEqual(expect.arrayContaining([expect.any(Object)]));
        }
      }
      const payments = doc.paths["/api/v1/loans/{id}/payments"]?.post as unknown as {
        parameters: { in: string; name: string; required: boolean }[];
        responses: Record<string, { content: Record<string, unknown> }>;
      };
      expect(payments.parameters).toContainEqual(
        expect.objectContaining({ in: "header", name: "idempotency-key", required: true }),
      );
      expect(Object.keys(payments.responses["409"]?.content ?? {})).toEqual([
        "application/problem+json",
      ]);
    });
  });

  describe("products", () => {
    it("defines a product, answers 201 with a Location, and reads it back", async () => {
      const body = {
        id: "loan10",
        method: "equal_installment",
        annualRate: "0.10",
        installments: [4],
        jurisdiction: "CN",
      };
      const created = await h.call({ method: "POST", url: "/api/v1/products", payload: body });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe("/api/v1/products/loan10");
      expect(json(created)).toMatchObject({
        id: "loan10",
        jurisdiction: "CN",
        definition: { annualRate: "0.10" },
      });
      const read = await h.call({ method: "GET", url: "/api/v1/products/loan10" });
      expect(json(read)).toEqual(json(created));
    });

    it("pages the product list by id", async () => {
      const first = json<{ items: { id: string }[]; nextAfter: string | null }>(
        await h.call({ method: "GET", url: "/api/v1/products?limit=1" }),
      );
      expect(first.items.map((p) => p.id)).toEqual(["flat"]);
      expect(first.nextAfter).toBe("flat");
      const rest = json<{ items: { id: string }[]; nextAfter: string | null }>(
        await h.call({ method: "GET", url: "/api/v1/products?after=flat&limit=500" }),
      );
      expect(rest.items.map((p) => p.id)).not.toContain("flat");
      expect(rest.nextAfter).toBeNull();
    });

    it("refuses a malformed definition with 400, naming each field", async () => {
      const response = await h.call({
        method: "POST",
        url: "/api/v1/products",
        payload: { id: "bad id", method: "balloon", installments: "12", colour: "red" },
      });
      expect(expectProblem(response, 400, "invalid_request").sort()).toEqual(
        ["colour", "id", "installments", "method"].sort(),
      );
    });

    it("refuses a product above the cost cap with 422, naming the count", async () => {
      const response = await h.call({
        method: "POST",
        url: "/api/v1/products",
        payload: { id: "greedy", method: "flat_fee", periodFeeRate: "0.05", installments: [12] },
      });
      expect(expectProblem(response, 422, "invalid_input")).toEqual(["installments[0]"]);
      expectProblem(
        await h.call({ method: "GET", url: "/api/v1/products/greedy" }),
        404,
        "not_found",
      );
    });

    it("refuses a duplicate id with 409, an unknown id with 404 and a bad id or limit with 400", async () => {
      expectProblem(
        await h.call({ method: "POST", url: "/api/v1/products", payload: flatProduct }),
        409,
        "already_exists",
      );
      expectProblem(
        await h.call({ method: "GET", url: "/api/v1/products/nope" }),
        404,
        "not_found",
      );
      expect(
        expectProblem(
          await h.call({ method: "GET", url: "/api/v1/products/-x" }),
          400,
          "invalid_request",
        ),
      ).toEqual(["id"]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: "/api/v1/products?limit=0" }),
          400,
          "invalid_request",
        ),
      ).toEqual(["limit"]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: "/api/v1/products?limit=501" }),
          400,
          "invalid_request",
        ),
      ).toEqual(["limit"]);
    });
  });

  describe("borrowers and personal data", () => {
    it("answers a registration masked, and reads and lists borrowers masked", async () => {
      const created = await h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: { ...borrowerB1, id: "b-pii", emergencyContacts: [] },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe("/api/v1/borrowers/b-pii");
      const masked = {
        id: "b-pii",
        timezone: "Asia/Shanghai",
        name: "张*",
        phone: "138****0001",
        email: "z***@example.com",
        emergencyContacts: [],
      };
      expect(json(created)).toEqual(masked);
      expect(json(await h.call({ method: "GET", url: "/api/v1/borrowers/b-pii" }))).toEqual(masked);
      expect(json(await h.call({ method: "GET", url: "/api/v1/borrowers/b1" }))).toMatchObject({
        emergencyContacts: [{ id: "ec1", relation: "parent", phone: "139****0001" }],
      });
      const list = json<{ items: { id: string; phone: string }[] }>(
        await h.call({ method: "GET", url: "/api/v1/borrowers?limit=500" }),
      );
      expect(list.items.map((b) => b.id)).toEqual(expect.arrayContaining(["b1", "b-pii"]));
      for (const response of [created, ...list.items.map((b) => ({ body: JSON.stringify(b) }))]) {
        expect(response.body).not.toContain("13800000001");
        expect(response.body).not.toContain("张三");
      }
    });

    it("refuses bad borrowers without echoing their personal data", async () => {
      const schema = await h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: {
          id: "b-x",
          name: "张三",
          phone: "+8613800000001",
          emergencyContacts: [{ id: "ec1", relation: "boss", phone: "+8613800000001" }],
        },
      });
      expect(expectProblem(schema, 400, "invalid_request").sort()).toEqual([
        "emergencyContacts[0].relation",
        "timezone",
      ]);
      const semantic = await h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: { id: "b-y", timezone: "Mars/Olympus", phone: "13800000001x" },
      });
      expect(expectProblem(semantic, 422, "invalid_input").sort()).toEqual(["phone", "timezone"]);
      const malformed = await h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        headers: { "content-type": "application/json" },
        payload: '{"id":"b-z","phone":"+8613800000001","name":"张三",',
      });
      expectProblem(malformed, 400, "invalid_request");
      for (const response of [schema, semantic, malformed]) {
        expect(response.body).not.toContain("13800000001");
        expect(response.body).not.toContain("张三");
      }
      expectProblem(
        await h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrowerB1 }),
        409,
        "already_exists",
      );
      expectProblem(
        await h.call({ method: "GET", url: "/api/v1/borrowers/nobody" }),
        404,
        "not_found",
      );
    });
  });

  describe("loans", () => {
    it("originates with 201, replays the same order with 200 and refuses other terms with 409", async () => {
      const payload = {
        orderId: "o-replay",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      };
      const created = await h.call({ method: "POST", url: "/api/v1/loans", payload });
      expect(created.statusCode).toBe(201);
      const body = json<{ loan: Loan; apr: string; ear: string; replayed: boolean }>(created);
      expect(body).toMatchObject({ apr: "13.03", ear: "13.84", replayed: false });
      expect(created.headers.location).toBe(`/api/v1/loans/${body.loan.id}`);
      const again = await h.call({ method: "POST", url: "/api/v1/loans", payload });
      expect(again.statusCode).toBe(200);
      expect(json(again)).toEqual({ ...body, replayed: true });
      const other = await h.call({
        method: "POST",
        url: "/api/v1/loans",
        payload: { ...payload, principal: "6001.00" },
      });
      expectProblem(other, 409, "conflict");
      expect(await loanNow(body.loan.id)).toEqual(body.loan);
    });

    it("refuses malformed terms with 400, refused values with 422 and unknown parties with 404", async () => {
      const missing = await h.call({
        method: "POST",
        url: "/api/v1/loans",
        payload: { borrowerId: "b1", productId: "flat", principal: 6000, installments: "12" },
      });
      expect(expectProblem(missing, 400, "invalid_request").sort()).toEqual([
        "installments",
        "orderId",
        "principal",
      ]);
      const base = {
        orderId: "o-bad",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
      };
      expect(
        expectProblem(
          await h.call({
            method: "POST",
            url: "/api/v1/loans",
            payload: { ...base, principal: "1.234" },
          }),
          422,
          "invalid_input",
        ),
      ).toEqual(["principal"]);
      expect(
        expectProblem(
          await h.call({
            method: "POST",
            url: "/api/v1/loans",
            payload: { ...base, installments: 5 },
          }),
          422,
          "invalid_input",
        ),
      ).toEqual(["installments"]);
      expect(
        expectProblem(
          await h.call({
            method: "POST",
            url: "/api/v1/loans",
            payload: { ...base, date: "2026-03-02" },
          }),
          422,
          "invalid_input",
        ),
      ).toEqual(["date"]);
      expectProblem(
        await h.call({
          method: "POST",
          url: "/api/v1/loans",
          payload: { ...base, borrowerId: "nobody" },
        }),
        404,
        "not_found",
      );
      expectProblem(
        await h.call({
          method: "POST",
          url: "/api/v1/loans",
          payload: { ...base, productId: "nothing" },
        }),
        404,
        "not_found",
      );
      expectProblem(await h.call({ method: "GET", url: "/api/v1/loans/L_none" }), 404, "not_found");
      const list = json<{ items: Loan[] }>(
        await h.call({ method: "GET", url: "/api/v1/loans?limit=500" }),
      );
      expect(
        list.items.some((l) => (l as unknown as { orderId: string }).orderId === "o-bad"),
      ).toBe(false);
    });

    it("lists loans by status and borrower, paged", async () => {
      await h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: { id: "b2", timezone: "Asia/Shanghai" },
      });
      const a = await newLoan("b2");
      const b = await newLoan("b2");
      const mine = json<{ items: Loan[]; nextAfter: string | null }>(
        await h.call({ method: "GET", url: "/api/v1/loans?borrowerId=b2&status=open&limit=1" }),
      );
      expect(mine.items.map((l) => l.id)).toEqual([[a.id, b.id].sort()[0]]);
      const next = json<{ items: Loan[]; nextAfter: string | null }>(
        await h.call({
          method: "GET",
          url: `/api/v1/loans?borrowerId=b2&status=open&limit=1&after=${mine.nextAfter}`,
        }),
      );
      expect(next.items.map((l) => l.id)).toEqual([[a.id, b.id].sort()[1]]);
      const settled = json<{ items: Loan[] }>(
        await h.call({ method: "GET", url: "/api/v1/loans?borrowerId=b2&status=settled" }),
      );
      expect(settled.items).toEqual([]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: "/api/v1/loans?status=late" }),
          400,
          "invalid_request",
        ),
      ).toEqual(["status"]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: "/api/v1/loans?borrowerId=%2B86" }),
          400,
          "invalid_request",
        ),
      ).toEqual(["borrowerId"]);
    });
  });

  describe("payments", () => {
    const pay = (loanId: string, payload: unknown, key?: string) =>
      h.call({
        method: "POST",
        url: `/api/v1/loans/${loanId}/payments`,
        payload: payload as object,
        headers: key === undefined ? {} : { "idempotency-key": key },
      });

    it("posts a payment once per key: a replay answers 200 with the same operation and posts nothing", async () => {
      const loan = await newLoan();
      const body = { amount: "536.00", at: "2026-02-10T01:00:00Z" };
      const first = await pay(loan.id, body, "pay-1");
      expect(first.statusCode, first.body).toBe(201);
      const result = json<Operation>(first);
      expect(result.operation.allocated).toEqual({
        late: "0.00",
        fee: "36.00",
        interest: "0.00",
        principal: "500.00",
        credit: "0.00",
      });
      const paidOnce = await loanNow(loan.id);
      const again = await pay(loan.id, body, "pay-1");
      expect(again.statusCode).toBe(200);
      expect(json<Operation>(again)).toMatchObject({
        replayed: true,
        operation: { id: result.operation.id },
      });
      expect(await loanNow(loan.id)).toEqual(paidOnce);
      expect((paidOnce as Loan).paid).toEqual({
        late: "0.00",
        fee: "36.00",
        interest: "0.00",
        principal: "500.00",
      });
      const ops = await h.ctx.store.transaction((tx) => tx.operations.listByLoan(loan.id));
      expect(ops).toHaveLength(1);
    });

    it("refuses the key with another body with 409 and changes nothing", async () => {
      const loan = await newLoan();
      expect((await pay(loan.id, { amount: "536.00" }, "pay-2")).statusCode).toBe(201);
      const before = await loanNow(loan.id);
      expectProblem(await pay(loan.id, { amount: "537.00" }, "pay-2"), 409, "idempotency_conflict");
      expect(await loanNow(loan.id)).toEqual(before);
    });

    it("refuses an amount with too many decimals with 422 and changes nothing", async () => {
      const loan = await newLoan();
      const before = await loanNow(loan.id);
      expect(
        expectProblem(await pay(loan.id, { amount: "1.234" }, "pay-3"), 422, "invalid_input"),
      ).toEqual(["amount"]);
      expect(
        expectProblem(await pay(loan.id, { amount: "0.00" }, "pay-3"), 422, "invalid_input"),
      ).toEqual(["amount"]);
      expect(
        expectProblem(
          await pay(loan.id, { amount: "1.00", at: "2027-01-01T00:00:00Z" }, "pay-3"),
          422,
          "invalid_input",
        ),
      ).toEqual(["at"]);
      expect(await loanNow(loan.id)).toEqual(before);
      // The key was not used up by the refused requests.
      expect((await pay(loan.id, { amount: "1.00" }, "pay-3")).statusCode).toBe(201);
    });

    it("requires an Idempotency-Key of visible ASCII and a well-formed body (400)", async () => {
      const loan = await newLoan();
      expect(expectProblem(await pay(loan.id, { amount: "1.00" }), 400, "invalid_request")).toEqual(
        ["Idempotency-Key"],
      );
      expect(
        expectProblem(
          await pay(loan.id, { amount: "1.00" }, "k".repeat(256)),
          400,
          "invalid_request",
        ),
      ).toEqual(["Idempotency-Key"]);
      expect(
        expectProblem(await pay(loan.id, { amount: "1.00" }, "with space"), 400, "invalid_request"),
      ).toEqual(["Idempotency-Key"]);
      expect(
        expectProblem(await pay(loan.id, { amount: 1 }, "k1"), 400, "invalid_request"),
      ).toEqual(["amount"]);
      expect(
        expectProblem(await pay(loan.id, { amount: "1e3" }, "k1"), 400, "invalid_request"),
      ).toEqual(["amount"]);
      expect(expectProblem(await pay(loan.id, {}, "k1"), 400, "invalid_request")).toEqual([
        "amount",
      ]);
      expect(
        expectProblem(
          await pay(loan.id, { amount: "1.00", tip: "1.00" }, "k1"),
          400,
          "invalid_request",
        ),
      ).toEqual(["tip"]);
      expectProblem(await pay("L_none", { amount: "1.00" }, "k1"), 404, "not_found");
      expect(
        json<Loan>(await h.call({ method: "GET", url: `/api/v1/loans/${loan.id}` })).paid.principal,
      ).toBe("0.00");
    });

    it("keeps each client's keys apart from the same key on another loan", async () => {
      const one = await newLoan();
      const two = await newLoan();
      const a = json<Operation>(await pay(one.id, { amount: "10.00" }, "shared"));
      const b = json<Operation>(await pay(two.id, { amount: "10.00" }, "shared"));
      expect(a.operation.id).not.toBe(b.operation.id);
      expect(b.replayed).toBe(false);
    });
  });

  describe("settlement", () => {
    it("quotes early settlement for a date, changing nothing", async () => {
      const loan = await newLoan();
      const before = await loanNow(loan.id);
      const quote = await h.call({
        method: "GET",
        url: `/api/v1/loans/${loan.id}/settlement-quote?date=2026-02-25`,
      });
      expect(quote.statusCode).toBe(200);
      expect(json(quote)).toMatchObject({
        loanId: loan.id,
        date: "2026-02-25",
        principal: "5500.00",
      });
      const today = json<{ date: string }>(
        await h.call({ method: "GET", url: `/api/v1/loans/${loan.id}/settlement-quote` }),
      );
      expect(today.date).toBe("2026-03-01");
      expect(await loanNow(loan.id)).toEqual(before);
    });

    it("refuses a bad quote date (400 format, 422 impossible or early) and an unknown loan (404)", async () => {
      const loan = await newLoan();
      const url = `/api/v1/loans/${loan.id}/settlement-quote`;
      expect(
        expectProblem(
          await h.call({ method: "GET", url: `${url}?date=1%2F2%2F2026` }),
          400,
          "invalid_request",
        ),
      ).toEqual(["date"]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: `${url}?date=2026-02-30` }),
          422,
          "invalid_input",
        ),
      ).toEqual(["date"]);
      expect(
        expectProblem(
          await h.call({ method: "GET", url: `${url}?date=2025-12-31` }),
          422,
          "invalid_input",
        ),
      ).toEqual(["date"]);
      expectProblem(
        await h.call({ method: "GET", url: "/api/v1/loans/L_none/settlement-quote" }),
        404,
        "not_found",
      );
    });

    it("settles with 201 (no body needed), replays the key with 200, and refuses a closed loan with 409", async () => {
      const loan = await newLoan();
      const url = `/api/v1/loans/${loan.id}/settlement`;
      const quote = json<{ total: string }>(
        await h.call({ method: "GET", url: `/api/v1/loans/${loan.id}/settlement-quote` }),
      );
      const settled = await h.call({
        method: "POST",
        url,
        headers: { "idempotency-key": "settle-1" },
      });
      expect(settled.statusCode, settled.body).toBe(201);
      const result = json<Operation>(settled);
      expect(result.operation.amount).toBe(quote.total);
      expect(result.loan.status).toBe("settled");
      const again = await h.call({
        method: "POST",
        url,
        headers: { "idempotency-key": "settle-1" },
        payload: {},
      });
      expect(again.statusCode).toBe(200);
      expect(json<Operation>(again).operation.id).toBe(result.operation.id);
      expectProblem(await h.call({ method: "POST", url, payload: {} }), 409, "loan_not_open");
      expectProblem(
        await h.call({
          method: "POST",
          url,
          headers: { "idempotency-key": "settle-1" },
          payload: { at: "2026-02-01T00:00:00Z" },
        }),
        409,
        "idempotency_conflict",
      );
      expectProblem(
        await h.call({ method: "GET", url: `/api/v1/loans/${loan.id}/settlement-quote` }),
        409,
        "loan_not_open",
      );
    });

    it("refuses a malformed settlement (400) and an unknown loan (404)", async () => {
      const loan = await newLoan();
      const url = `/api/v1/loans/${loan.id}/settlement`;
      expect(
        expectProblem(
          await h.call({ method: "POST", url, payload: { amount: "1.00" } }),
          400,
          "invalid_request",
        ),
      ).toEqual(["amount"]);
      expect(
        expectProblem(
          await h.call({ method: "POST", url, payload: { at: "yesterday" } }),
          422,
          "invalid_input",
        ),
      ).toEqual(["at"]);
      expectProblem(
        await h.call({ method: "POST", url: "/api/v1/loans/L_none/settlement" }),
        404,
        "not_found",
      );
      expect(
        json<Loan>(await h.call({ method: "GET", url: `/api/v1/loans/${loan.id}` })).status,
      ).toBe("open");
    });
  });

  describe("refunds", () => {
    const refund = (loanId: string, payload: unknown, key?: string) =>
      h.call({
        method: "POST",
        url: `/api/v1/loans/${loanId}/refunds`,
        payload: payload as object,
        headers: key === undefined ? {} : { "idempotency-key": key },
      });

    it("reports a refund with 201 and replays its key with 200", async () => {
      const loan = await newLoan();
      const first = await refund(
        loan.id,
        { amount: "1000.00", at: "2026-02-20T02:00:00Z" },
        "refund-1",
      );
      expect(first.statusCode, first.body).toBe(201);
      const result = json<Operation>(first);
      expect(result.operation).toMatchObject({ kind: "refund", amount: "1000.00" });
      const after = await loanNow(loan.id);
      const again = await refund(
        loan.id,
        { amount: "1000.00", at: "2026-02-20T02:00:00Z" },
        "refund-1",
      );
      expect(again.statusCode).toBe(200);
      expect(json<Operation>(again).operation.id).toBe(result.operation.id);
      expect(await loanNow(loan.id)).toEqual(after);
      expectProblem(
        await refund(loan.id, { amount: "999.00" }, "refund-1"),
        409,
        "idempotency_conflict",
      );
    });

    it("refuses bad refunds (400, 422) and unknown loans (404), changing nothing", async () => {
      const loan = await newLoan();
      const before = await loanNow(loan.id);
      expect(expectProblem(await refund(loan.id, {}), 400, "invalid_request")).toEqual(["amount"]);
      expect(
        expectProblem(await refund(loan.id, { amount: "1.234" }), 422, "invalid_input"),
      ).toEqual(["amount"]);
      expect(
        expectProblem(await refund(loan.id, { amount: "1.00" }, "é"), 400, "invalid_request"),
      ).toEqual(["Idempotency-Key"]);
      expectProblem(await refund("L_none", { amount: "1.00" }), 404, "not_found");
      expect(await loanNow(loan.id)).toEqual(before);
    });
  });

  describe("the edge", () => {
    it("refuses a body that is too large (413), not JSON (415) or malformed (400)", async () => {
      const big = { ...flatProduct, id: "big", note: "x".repeat(70 * 1024) };
      expectProblem(
        await h.call({ method: "POST", url: "/api/v1/products", payload: big }),
        413,
        "payload_too_large",
      );
      expectProblem(
        await h.call({
          method: "POST",
          url: "/api/v1/products",
          headers: { "content-type": "text/plain" },
          payload: "flat",
        }),
        415,
        "unsupported_media_type",
      );
      expectProblem(
        await h.call({
          method: "POST",
          url: "/api/v1/products",
          headers: { "content-type": "application/json" },
          payload: "{",
        }),
        400,
        "invalid_request",
      );
    });

    it("answers an unexpected exception with a bare 500 problem and logs no message", async () => {
      const lines: string[] = [];
      const broken: AppContext = {
        ...h.ctx,
        store: {
          dialect: h.ctx.store.dialect,
          transaction: () =>
            Promise.reject(new Error("SELECT * FROM borrowers WHERE phone = '+8613800000001'")),
          close: async () => {},
        },
      };
      const app = await buildServer(broken, {
        logger: { stream: { write: (l: string) => lines.push(l) } },
      });
      const response = await app.inject({
        method: "GET",
        url: "/api/v1/products",
        headers: h.auth,
      });
      await app.close();
      expectProblem(response, 500, "internal");
      expect(response.body).not.toContain("13800000001");
      const log = lines.join("");
      expect(log).toContain("internal error");
      expect(log).not.toContain("13800000001");
      expect(log).not.toMatch(/SELECT/);
    });

    it("never writes personal data, keys or bodies to the log", async () => {
      const log = h.logLines.join("");
      expect(log).toContain("request completed");
      expect(log).toContain("/api/v1/borrowers");
      for (const secret of [
        "13800000001",
        "13900000001",
        "张三",
        "zhang.san",
        h.auth.authorization.slice(7),
      ]) {
        expect(log).not.toContain(secret);
      }
    });
  });
});

describe("fenqi apikey create and fenqi serve", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-serve-"));
  const saved = { ...process.env };
  const output = () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CommandIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
    return { io, out, err };
  };

  beforeAll(() => {
    delete process.env.DATABASE_URL;
    delete process.env.PORT;
    process.env.FENQI_DB = join(dir, "serve.db");
    process.env.FENQI_KEY_FILE = join(dir, "serve.key");
    process.env.LOG_LEVEL = "silent";
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a key, serves the API with it until stopped, then closes", async () => {
    const key = output();
    expect(await apikeyCommand(["create", "checkout"], key.io)).toBe(0);
    const secret = key.out.join("").trim();
    expect(secret).toMatch(/^fq_[A-Za-z0-9_-]{43}$/);
    expect(key.err.join("")).toContain("shown once");

    const served = output();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const exit = serveCommand(["--port", "0"], served.io, stopped);
    const deadline = Date.now() + 10_000;
    while (served.out.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const match = /^fenqi serving on (http:\/\/127\.0\.0\.1:\d+) \(docs at \/docs\)\n/.exec(
      served.out.join(""),
    );
    expect(match, served.out.join("") + served.err.join("")).not.toBeNull();
    const base = match?.[1] ?? "";
    const authorized = await fetch(`${base}/api/v1/products`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(authorized.status).toBe(200);
    const refused = await fetch(`${base}/api/v1/products`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${base}/docs/json`)).status).toBe(200);
    stop();
    expect(await exit).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it("refuses bad usage with exit code 2", async () => {
    for (const args of [["--port", "http"], ["--port", "70000"], ["--port"], ["--verbose", "1"]]) {
      const { io, err } = output();
      expect(await serveCommand(args, io, Promise.resolve())).toBe(2);
      expect(err.join("")).toMatch(/^fenqi serve: /);
    }
    for (const args of [
      [],
      ["create"],
      ["delete", "x"],
      ["create", "bad name!"],
      ["create", "a", "b"],
    ]) {
      const { io, err } = output();
      expect(await apikeyCommand(args, io)).toBe(2);
      expect(err.join("")).toMatch(/^fenqi apikey: /);
    }
  });
});
