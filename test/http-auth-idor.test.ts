import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cnFlatProduct,
  type HttpHarness,
  json,
  openHttpHarness,
  type UserSession,
} from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * Insecure direct object references: borrower user B, logged in, addresses borrower A's records
 * by id — reads and writes, with bodies that would succeed for A — and gets 403/404 every time,
 * while nothing of A's changes. The owner check uses the stored owner (the loan's borrower),
 * not anything B sends.
 */

const product = cnFlatProduct;
const borrowerOf = (id: string, n: number) => ({
  id,
  timezone: "Asia/Shanghai",
  name: "测试",
  phone: `+861380000000${n}`,
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: `+861390000000${n}` }],
});

describe.each(storeKinds)("borrower isolation (IDOR) on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  let a: UserSession;
  let b: UserSession;
  let supervisor: UserSession;
  const loans = { a: "", b: "" };
  let holdA = "";
  let attemptA = "";

  async function ok(response: Promise<{ statusCode: number; body: string }>, status: number) {
    const r = await response;
    expect(r.statusCode, r.body).toBe(status);
    return JSON.parse(r.body) as Record<string, unknown>;
  }

  /** Everything of A's a breach could change, read by the checkout's key and a supervisor. */
  async function stateOfA() {
    const get = (url: string, as: "service" | "staff") =>
      (as === "service"
        ? h.call({ method: "GET", url })
        : supervisor.call({ method: "GET", url })
      ).then((r) => `${r.statusCode} ${r.body}`);
    const leaves = await h.ctx.store.transaction((tx) => tx.audit.list(0, 100_000));
    return {
      borrower: await get("/api/v1/borrowers/b1", "service"),
      loan: await get(`/api/v1/loans/${loans.a}`, "service"),
      consents: await get("/api/v1/borrowers/b1/consents", "staff"),
      holds: await get("/api/v1/borrowers/b1/holds", "staff"),
      log: await get("/api/v1/borrowers/b1/contact-log", "staff"),
      inbox: await get("/api/v1/borrowers/b1/inbox", "staff"),
      requests: await get("/api/v1/borrowers/b1/privacy-requests", "service"),
      // Refusals are audited (auth.*); nothing else may be appended.
      leaves: leaves.filter((l) => !l.kind.startsWith("auth.")).map((l) => l.hash),
    };
  }

  beforeAll(async () => {
    h = await openHttpHarness(kind);
    await ok(h.call({ method: "POST", url: "/api/v1/products", payload: product }), 201);
    for (const [id, n] of [
      ["b1", 1],
      ["b2", 2],
    ] as const) {
      await ok(
        h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrowerOf(id, n) }),
        201,
      );
      const loan = await ok(
        h.call({
          method: "POST",
          url: "/api/v1/loans",
          payload: {
            orderId: `order-${id}`,
            borrowerId: id,
            productId: "flat",
            principal: "6000.00",
            installments: 12,
            date: "2026-01-10",
          },
        }),
        201,
      );
      loans[id === "b1" ? "a" : "b"] = (loan.loan as { id: string }).id;
    }
    a = await h.as("borrower", "b1");
    b = await h.as("borrower", "b2");
    supervisor = await h.as("supervisor");
    // A has records of every kind: a consent, a hold, a contact attempt.
    const consent = { action: "grant", contact: "ec1" };
    await ok(
      a.call({ method: "POST", url: "/api/v1/borrowers/b1/consents", payload: consent }),
      201,
    );
    const hold = await ok(
      a.call({ method: "POST", url: "/api/v1/borrowers/b1/holds", payload: { kind: "hardship" } }),
      201,
    );
    holdA = String(hold.id);
    const attempt = await ok(
      supervisor.call({
        method: "POST",
        url: `/api/v1/loans/${loans.a}/contact-attempts`,
        payload: { channel: "in_app", to: "borrower", template: "reminder" },
      }),
      201,
    );
    attemptA = String(attempt.id);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lets each borrower reach their own records", async () => {
    for (const [session, id, loan] of [
      [a, "b1", loans.a],
      [b, "b2", loans.b],
    ] as const) {
      for (const url of [
        `/api/v1/borrowers/${id}`,
        `/api/v1/loans/${loan}`,
        `/api/v1/loans?borrowerId=${id}`,
        `/api/v1/loans/${loan}/settlement-quote`,
        `/api/v1/borrowers/${id}/consents`,
        `/api/v1/borrowers/${id}/holds`,
        `/api/v1/borrowers/${id}/contact-log`,
        `/api/v1/borrowers/${id}/inbox`,
        `/api/v1/borrowers/${id}/processing-rules`,
      ]) {
        const response = await session.call({ method: "GET", url });
        expect(response.statusCode, `${url} ${response.body}`).toBe(200);
      }
    }
  });

  it("refuses B every read and write of A's records, and changes nothing of A's", async () => {
    const before = await stateOfA();
    const idem = (key: string) => ({ "idempotency-key": key });
    const attacks: InjectOptions[] = [
      { method: "GET", url: "/api/v1/borrowers/b1" },
      { method: "GET", url: `/api/v1/loans/${loans.a}` },
      { method: "GET", url: "/api/v1/loans?borrowerId=b1" },
      { method: "GET", url: "/api/v1/loans" },
      { method: "GET", url: `/api/v1/loans/${loans.a}/settlement-quote` },
      { method: "GET", url: `/api/v1/loans/${loans.a}/forecast` },
      { method: "GET", url: "/api/v1/borrowers/b1/consents" },
      { method: "GET", url: "/api/v1/borrowers/b1/holds" },
      { method: "GET", url: "/api/v1/borrowers/b1/contact-log" },
      { method: "GET", url: `/api/v1/borrowers/b1/contact-log/${attemptA}/proof` },
      { method: "GET", url: "/api/v1/borrowers/b1/inbox" },
      { method: "GET", url: "/api/v1/borrowers/b1/export" },
      { method: "GET", url: "/api/v1/borrowers/b1/processing-rules" },
      { method: "GET", url: "/api/v1/borrowers/b1/privacy-requests" },
      {
        method: "POST",
        url: "/api/v1/borrowers/b1/consents",
        payload: { action: "withdraw", contact: "ec1" },
      },
      { method: "POST", url: "/api/v1/borrowers/b1/preferences", payload: { action: "cease" } },
      { method: "POST", url: "/api/v1/borrowers/b1/holds", payload: { kind: "complaint" } },
      {
        method: "POST",
        url: `/api/v1/borrowers/b1/holds/${holdA}/decision`,
        payload: { decision: "waived" },
      },
      {
        method: "POST",
        url: `/api/v1/loans/${loans.a}/promises`,
        payload: { until: "2026-03-10" },
      },
      {
        method: "POST",
        url: `/api/v1/loans/${loans.a}/payments`,
        headers: idem("k1"),
        payload: { amount: "10.00" },
      },
      {
        method: "POST",
        url: `/api/v1/loans/${loans.a}/settlement`,
        headers: idem("k2"),
        payload: {},
      },
      {
        method: "POST",
        url: `/api/v1/loans/${loans.a}/contact-attempts`,
        payload: { channel: "sms", to: "ec1" },
      },
      {
        method: "POST",
        url: `/api/v1/contact-attempts/${attemptA}/outcome`,
        payload: { result: "refused" },
      },
      {
        method: "POST",
        url: "/api/v1/borrowers/b1/correction-requests",
        payload: { name: "李四" },
      },
      { method: "POST", url: "/api/v1/borrowers/b1/deletion-requests" },
    ];
    for (const attack of attacks) {
      const response = await b.call(attack);
      expect([403, 404], `${attack.method} ${attack.url}: ${response.body}`).toContain(
        response.statusCode,
      );
    }
    expect(await stateOfA()).toEqual(before);
  });

  it("answers B the same for A's loan as for a loan that does not exist (no existence oracle)", async () => {
    const theirs = await b.call({ method: "GET", url: `/api/v1/loans/${loans.a}` });
    const none = await b.call({ method: "GET", url: "/api/v1/loans/L_does_not_exist" });
    expect(theirs.statusCode).toBe(404);
    expect(none.statusCode).toBe(404);
    expect(json<{ detail: string }>(theirs).detail).toBe(json<{ detail: string }>(none).detail);
  });

  it("finds nothing of anyone else's by guessing ids", async () => {
    const prefix = loans.a.replace(/\d+$/, "");
    const reached: string[] = [];
    for (let n = 0; n <= 40; n++) {
      for (const url of [`/api/v1/loans/${prefix}${n}`, `/api/v1/borrowers/b${n}`]) {
        const response = await b.call({ method: "GET", url });
        if (response.statusCode === 200) reached.push(url);
        else expect([403, 404]).toContain(response.statusCode);
      }
    }
    expect(reached.sort()).toEqual([`/api/v1/borrowers/b2`, `/api/v1/loans/${loans.b}`].sort());
  });

  it("audits B's refused attempts as owner refusals under B's id and the route pattern", async () => {
    const leaves = await h.ctx.store.transaction((tx) => tx.audit.list(0, 100_000));
    const denied = leaves.filter((l) => l.kind === "auth.denied" && l.subject === b.userId);
    expect(denied.length).toBeGreaterThan(10);
    expect(denied.some((l) => l.data.reason === "owner")).toBe(true);
    expect(denied.every((l) => !String(l.data.route).includes("b1"))).toBe(true);
  });
});
