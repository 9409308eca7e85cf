import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../src/app/context.js";
import { buildServer } from "../src/http/server.js";
import {
  cnFlatProduct,
  type HttpHarness,
  json,
  openHttpHarness,
  testPassword,
  type UserSession,
} from "./support/http.js";
import { personalValuesIn } from "./support/log-scan.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * Logs never contain personal data (DESIGN.md "Privacy"). A realistic session — borrowers
 * registered with names, phones, e-mails and emergency contacts, every role logged in, consents,
 * contact attempts, a reveal, an export, a correction request, and errors on purpose (a wrong
 * password, a phone typed as a username, malformed and oversized bodies, refused values, an
 * unexpected exception quoting a phone) — runs against a server logging at `trace`, and none of
 * the personal values, passwords, session cookies, CSRF tokens or the API key may be in what it
 * logged. Every other suite built on the HTTP harness gets the same check for its own data when
 * it closes (test/support/log-scan.ts); this one runs at the most verbose level and names every
 * value it expects to be checked.
 */

const borrowers = [
  {
    id: "b1",
    timezone: "Asia/Shanghai",
    name: "王小明",
    phone: "+8613812345671",
    email: "wang.xiaoming@example.cn",
    emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613987654321" }],
  },
  {
    id: "b2",
    timezone: "Asia/Shanghai",
    name: "Li Hualan",
    phone: "+8615011112222",
    email: "hualan.li@example.com",
    emergencyContacts: [{ id: "ec1", relation: "spouse", phone: "+8618633334444" }],
  },
];
const product = cnFlatProduct;
/** Values sent only in refused requests. */
const refused = {
  wrongPassword: "hunter2-错误的密码-2026",
  phoneAsUsername: "+8613700001111",
  badPhone: "138-0000-9999 call me",
  correction: { phone: "+8613566667777", email: "new.address@example.org", name: "王晓明" },
  malformedPhone: "+8613244445555",
  oversizedEmail: "oversized.body@example.net",
  exceptionPhone: "+8613100002222",
  reason: "借款人来电要求核实 case-77",
};

describe.each(storeKinds)("the log of a realistic session on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const extraLines: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await openHttpHarness(kind, { logLevel: "trace" });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  async function expectStatus(
    response: Promise<LightMyRequestResponse>,
    status: number,
  ): Promise<LightMyRequestResponse> {
    const answered = await response;
    expect(answered.statusCode, answered.body).toBe(status);
    return answered;
  }

  it("logs requests at trace level without one personal value, password, cookie or token", async () => {
    await expectStatus(h.call({ method: "POST", url: "/api/v1/products", payload: product }), 201);
    const loans: string[] = [];
    for (const borrower of borrowers) {
      await expectStatus(
        h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrower }),
        201,
      );
      const loan = await expectStatus(
        h.call({
          method: "POST",
          url: "/api/v1/loans",
          payload: {
            orderId: `order-${borrower.id}`,
            borrowerId: borrower.id,
            productId: "flat",
            principal: "6000.00",
            installments: 12,
            date: "2026-01-10",
          },
        }),
        201,
      );
      loans.push(json<{ loan: { id: string } }>(loan).loan.id);
    }
    const me = await h.as("borrower", "b1");
    const agent = await h.as("agent");
    const supervisor = await h.as("supervisor");
    const compliance = await h.as("compliance");
    const sessions: UserSession[] = [me, agent, supervisor, compliance, await h.as("admin")];
    for (const session of sessions) {
      secrets.push(session.headers.cookie.split("=", 2)[1] ?? "", session.headers["x-csrf-token"]);
    }
    secrets.push(h.auth.authorization.slice("Bearer ".length), testPassword);

    // The borrower's own business: consent for their emergency contact, their data, a correction.
    const call = (who: UserSession, options: InjectOptions) => who.call(options);
    await expectStatus(
      call(me, {
        method: "POST",
        url: "/api/v1/borrowers/b1/consents",
        payload: { action: "grant", contact: "ec1" },
      }),
      201,
    );
    await expectStatus(call(me, { method: "GET", url: "/api/v1/borrowers/b1" }), 200);
    await expectStatus(call(me, { method: "GET", url: "/api/v1/me/export" }), 200);
    await expectStatus(
      call(me, {
        method: "POST",
        url: "/api/v1/borrowers/b1/correction-requests",
        payload: refused.correction,
      }),
      201,
    );
    // Collections: attempts to the borrower and the emergency contact, an outcome, a reveal.
    const attempt = await expectStatus(
      call(agent, {
        method: "POST",
        url: `/api/v1/loans/${loans[0]}/contact-attempts`,
        payload: { channel: "phone", to: "borrower" },
      }),
      201,
    );
    const attemptBody = json<{ id: string; outcome: string }>(attempt);
    if (attemptBody.outcome === "allow") {
      await expectStatus(
        call(agent, {
          method: "POST",
          url: `/api/v1/contact-attempts/${attemptBody.id}/outcome`,
          payload: { result: "no_answer" },
        }),
        200,
      );
    }
    await expectStatus(
      call(agent, {
        method: "POST",
        url: `/api/v1/loans/${loans[0]}/contact-attempts`,
        payload: { channel: "sms", to: "ec1" },
      }),
      201,
    );
    await expectStatus(
      call(agent, { method: "GET", url: "/api/v1/borrowers/b1/contact-log" }),
      200,
    );
    for (const field of ["phone", "email", "name", "contact:ec1"]) {
      await expectStatus(
        call(agent, {
          method: "POST",
          url: "/api/v1/borrowers/b1/reveal",
          payload: { field, reason: refused.reason },
        }),
        200,
      );
    }
    await expectStatus(
      call(compliance, { method: "GET", url: "/api/v1/borrowers/b2/export" }),
      200,
    );
    await expectStatus(call(supervisor, { method: "GET", url: "/api/v1/borrowers?limit=10" }), 200);

    // Errors on purpose.
    const login = (username: string, password: string) =>
      h.app.inject({ method: "POST", url: "/api/v1/session", payload: { username, password } });
    await expectStatus(login("agent.test", refused.wrongPassword), 401);
    await expectStatus(login(refused.phoneAsUsername, testPassword), 401);
    await expectStatus(
      h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: { ...borrowers[0], id: "b9", phone: refused.badPhone, emergencyContacts: [] },
      }),
      422,
    );
    await expectStatus(
      h.call({ method: "POST", url: "/api/v1/borrowers", payload: borrowers[1] }),
      409,
    );
    await expectStatus(
      h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        headers: { "content-type": "application/json" },
        payload: `{"id":"b8","phone":"${refused.malformedPhone}"`,
      }),
      400,
    );
    await expectStatus(
      h.call({
        method: "POST",
        url: "/api/v1/borrowers",
        payload: {
          id: "b7",
          timezone: "UTC",
          email: refused.oversizedEmail,
          pad: "x".repeat(70_000),
        },
      }),
      413,
    );
    await expectStatus(
      call(agent, {
        method: "POST",
        url: "/api/v1/borrowers/b1/reveal",
        payload: { field: "phone" },
      }),
      422,
    );
    await expectStatus(
      h.app.inject({
        method: "GET",
        url: "/api/v1/borrowers/b1",
        headers: {
          authorization: `Bearer ${borrowers[0]?.phone}`,
          cookie: `x=${borrowers[1]?.email}`,
        },
      }),
      401,
    );
    await expectStatus(call(me, { method: "GET", url: "/api/v1/borrowers/b2" }), 404);

    // An unexpected exception whose message quotes a phone, on a server writing the same log.
    const broken: AppContext = {
      ...h.ctx,
      store: {
        dialect: h.ctx.store.dialect,
        transaction: () =>
          Promise.reject(new Error(`duplicate key (phone)=(${refused.exceptionPhone})`)),
        close: async () => {},
      },
    };
    const brokenApp = await buildServer(broken, {
      logger: { level: "trace", stream: { write: (l: string) => extraLines.push(l) } },
    });
    await expectStatus(
      brokenApp.inject({ method: "GET", url: "/api/v1/products", headers: h.auth }),
      500,
    );
    await brokenApp.close();

    const log = [...h.logLines, ...extraLines].join("");
    expect(h.app.log.level).toBe("trace");
    expect(log).toContain("request completed");
    expect(log).toContain("request refused");
    expect(log).toContain("internal error");
    const personal = [
      ...borrowers.flatMap((b) => [
        b.name,
        b.phone,
        b.email,
        ...b.emergencyContacts.map((c) => c.phone),
      ]),
      ...Object.values(refused).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v))),
      ...secrets,
    ];
    expect(personal.every((v) => v.length >= 6 || /[^ -~]/.test(v))).toBe(true);
    expect(personalValuesIn(log, personal)).toEqual([]);
    // Their digits alone, too: a phone logged without its + is still a phone.
    const digits = personal.filter((v) => /^\+\d+$/.test(v)).map((v) => v.slice(3));
    expect(personalValuesIn(log, digits)).toEqual([]);
    // The harness's own scan (run again when it closes) saw what this test seeded.
    for (const value of [...borrowers.flatMap((b) => [b.name, b.phone, b.email]), ...secrets]) {
      expect(h.personalValues.has(value), value.slice(0, 2)).toBe(true);
    }
  });

  it("redacts personal keys and credentials wherever a log line holds them", () => {
    const before = h.logLines.length;
    h.app.log.info(
      {
        borrower: borrowers[0],
        user: { username: "wang.xm", password: refused.wrongPassword },
        headers: { cookie: "session=s3cr3t-cookie", "set-cookie": "session=s3cr3t-cookie" },
        deep: { a: { b: { c: { email: "deep.nested@example.com" } } } },
        body: { anything: "bodies are never logged" },
        csrfToken: "s3cr3t-csrf-token",
      },
      "a careless log line",
    );
    const line = h.logLines.slice(before).join("");
    expect(line).toContain("a careless log line");
    expect(line).toContain("[redacted]");
    for (const value of [
      borrowers[0]?.name ?? "",
      borrowers[0]?.phone ?? "",
      borrowers[0]?.email ?? "",
      borrowers[0]?.emergencyContacts[0]?.phone ?? "",
      "wang.xm",
      refused.wrongPassword,
      "s3cr3t-cookie",
      "s3cr3t-csrf-token",
      "deep.nested@example.com",
      "bodies are never logged",
    ]) {
      expect(line).not.toContain(value);
    }
  });
});
