import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { addDays } from "../src/domain/calendar/civil-date.js";
import { civilDateAt } from "../src/domain/calendar/instant.js";
import {
  cnFlatProduct,
  json,
  logIn,
  loginAs,
  openHttpHarness,
  type UserSession,
} from "./support/http.js";
import { runFenqi } from "./support/run-cli.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * The forecast (`GET /loans/{id}/forecast`, `fenqi forecast`): a CN borrower with one emergency
 * contact and a loan whose first installment fell due on 2026-02-10, asked on 2026-03-01 "will
 * you call my family?" — before consent, with consent, and once the debtor is unreachable.
 */

const shanghai = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);

const product = cnFlatProduct;
const borrower = {
  id: "b1",
  timezone: "Asia/Shanghai",
  name: "张三",
  phone: "+8613800000001",
  emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
};

interface ForecastBody {
  from: string;
  through: string;
  pack: string;
  ladder: string | null;
  days: {
    date: string;
    dpd: number;
    bucket: string;
    charges: { installment: number; kind: string; amount: string }[];
    events: { type: string; date: string }[];
    contacts: { source: string; outcome: string; rules: string[]; at: string }[];
  }[];
  contacts: {
    contactId: string;
    firstAllowed: string | null;
    dpd: number | null;
    rules: string[];
    answer: string;
  }[];
}

async function openHarness(kind: StoreKind) {
  const clock = { at: shanghai("2026-03-01", "12:00") };
  const base = await openHttpHarness(kind, { now: () => clock.at });
  // The checkout registers products, borrowers and loans with its key; everything else is a
  // supervisor's work through a session (logged in again when the test clock passes its expiry).
  let staff: UserSession | undefined;
  const checkout = /^\/api\/v1\/(products|borrowers|loans)$/;
  const asStaff = async (options: InjectOptions) => {
    staff =
      staff === undefined
        ? await loginAs(base.app, base.ctx, "supervisor.forecast", "supervisor")
        : staff.expiresAt <= clock.at
          ? await logIn(base.app, "supervisor.forecast")
          : staff;
    return staff.call(options);
  };
  return {
    clock,
    call: (options: InjectOptions): Promise<LightMyRequestResponse> =>
      options.method === "POST" && checkout.test(String(options.url))
        ? base.call(options)
        : asStaff(options),
    anonymous: (options: InjectOptions) => base.app.inject(options),
    close: () => base.close(),
  };
}

describe.each(storeKinds)("GET /loans/{id}/forecast on %s", (kind: StoreKind) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let loanId: string;

  async function created<T = Record<string, unknown>>(options: InjectOptions): Promise<T> {
    const response = await h.call(options);
    expect(response.statusCode, response.body).toBe(201);
    return json<T>(response);
  }
  async function forecastOf(query = ""): Promise<ForecastBody> {
    const response = await h.call({
      method: "GET",
      url: `/api/v1/loans/${loanId}/forecast${query}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    return json<ForecastBody>(response);
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
  });
  afterAll(async () => {
    await h?.close();
  });

  it("forecasts 30 days from today by default, catching up the closes not yet run", async () => {
    const f = await forecastOf();
    expect(f).toMatchObject({
      from: "2026-03-01",
      through: "2026-03-30",
      pack: "CN@1",
      ladder: "cn-default@1",
    });
    expect(f.days).toHaveLength(30);
    expect(f.days[0]).toMatchObject({ date: "2026-03-01", dpd: 19, bucket: "M1" });
    // The closes since origination run first; their events keep their own dates.
    expect(
      f.days[0]?.events
        .filter((e) => e.type !== "due" || e.date !== "2026-03-01")
        .map((e) => [e.date, e.type]),
    ).toEqual([
      ["2026-02-10", "due"],
      ["2026-02-11", "bucket"],
      ["2026-02-14", "late_charge"],
      ["2026-02-14", "report"],
    ]);
    // 03-10 falls due unpaid; past its grace on 03-14 its own late fee is charged.
    expect(f.days.find((d) => d.date === "2026-03-14")?.charges).toEqual([
      { installment: 2, kind: "late_fee_fixed", amount: "30.00" },
    ]);
    expect(f.days.find((d) => d.date === "2026-03-13")).toMatchObject({
      contacts: [
        { source: "strategy", outcome: "allow", at: "2026-03-13T01:00:00Z" },
        { source: "probe", outcome: "deny" },
      ],
    });
    expect(f.contacts).toEqual([
      expect.objectContaining({
        contactId: "ec1",
        firstAllowed: null,
        dpd: null,
        rules: ["CN-CONTACT-CONSENT", "CN-CONTACT-PERSON"],
      }),
    ]);
    expect(f.contacts[0]?.answer).toMatch(
      /^ec1 would not be contacted from 2026-03-01 through 2026-03-30/,
    );
  });

  it("with a consent, still never while the debtor is reachable (CN-CONTACT-PERSON)", async () => {
    h.clock.at = shanghai("2026-03-01", "12:10");
    await created({
      method: "POST",
      url: "/api/v1/borrowers/b1/consents",
      payload: { action: "grant", contact: "ec1" },
    });
    const f = await forecastOf("?days=7");
    expect(f.days).toHaveLength(7);
    expect(f.contacts).toMatchObject([{ firstAllowed: null, rules: ["CN-CONTACT-PERSON"] }]);
  });

  it("once six attempts on two channels went unanswered, allows the contact now, and writes nothing", async () => {
    const attempt = async (channel: string, minute: number) => {
      h.clock.at = shanghai("2026-03-01", `12:${minute}`);
      const a = await created<{ id: string; outcome: string }>({
        method: "POST",
        url: `/api/v1/loans/${loanId}/contact-attempts`,
        payload: { channel, to: "borrower" },
      });
      expect(a.outcome).toBe("allow");
      if (channel === "phone") {
        const r = await h.call({
          method: "POST",
          url: `/api/v1/contact-attempts/${a.id}/outcome`,
          payload: { result: "no_answer" },
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    };
    for (const [channel, minute] of [
      ["phone", 20],
      ["phone", 21],
      ["phone", 22],
      ["phone", 23],
      ["sms", 24],
      ["email", 25],
    ] as const)
      await attempt(channel, minute);
    const log = async () =>
      json<{ items: unknown[] }>(
        await h.call({ method: "GET", url: "/api/v1/borrowers/b1/contact-log?limit=100" }),
      ).items.length;
    const before = await log();
    h.clock.at = shanghai("2026-03-01", "13:00");
    const f = await forecastOf("?days=3");
    expect(f.contacts).toEqual([
      {
        contactId: "ec1",
        firstAllowed: "2026-03-01T05:00:00Z",
        dpd: 19,
        rules: [],
        answer:
          "ec1 could first be contacted on 2026-03-01 at 13:00 (Asia/Shanghai), 19 days past due, " +
          "by sms with the limited-content template callback_request only (lender's name and a " +
          "call-back request).",
      },
    ]);
    expect(await log()).toBe(before);
  });

  it("is in the OpenAPI document with its `days` parameter", async () => {
    const doc = json<{
      paths: Record<string, { get?: { parameters: { in: string; name: string }[] } }>;
    }>(await h.anonymous({ method: "GET", url: "/docs/json" }));
    expect(doc.paths["/api/v1/loans/{id}/forecast"]?.get?.parameters).toContainEqual(
      expect.objectContaining({ in: "query", name: "days" }),
    );
  });

  it("refuses a bad `days` (400, the field named) and an unknown loan (404)", async () => {
    for (const query of ["?days=0", "?days=367", "?days=ten", "?weeks=2"]) {
      const r = await h.call({ method: "GET", url: `/api/v1/loans/${loanId}/forecast${query}` });
      expect(r.statusCode, query).toBe(400);
      expect(r.headers["content-type"]).toMatch(/problem\+json/);
    }
    const bad = json<{ detail: string }>(
      await h.call({ method: "GET", url: `/api/v1/loans/${loanId}/forecast?days=0` }),
    );
    expect(bad.detail).toMatch(/days/);
    const missing = await h.call({ method: "GET", url: "/api/v1/loans/nope/forecast" });
    expect(missing.statusCode).toBe(404);
    const anonymous = await h.anonymous({ method: "GET", url: `/api/v1/loans/${loanId}/forecast` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("fenqi forecast", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-forecast-cli-"));
  const env = { FENQI_DB: join(dir, "fenqi.db"), FENQI_KEY_FILE: join(dir, "fenqi.key") };
  const saved = { FENQI_DB: process.env.FENQI_DB, FENQI_KEY_FILE: process.env.FENQI_KEY_FILE };
  let loanId = "";

  beforeAll(async () => {
    Object.assign(process.env, env);
    // The command reads the real clock: the loan is originated 40 days before today, so its
    // first installment is about ten days overdue whatever day the test runs.
    const ctx = await openApp({
      databaseUrl: undefined,
      sqlitePath: env.FENQI_DB,
      keyFile: env.FENQI_KEY_FILE,
    });
    try {
      const today = civilDateAt(Date.now(), "Asia/Shanghai");
      expect((await createProduct(ctx, product)).ok).toBe(true);
      expect((await registerBorrower(ctx, borrower)).ok).toBe(true);
      const loan = await originate(ctx, {
        orderId: "order-1",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: addDays(today, -40),
      });
      if (!loan.ok) throw new Error(loan.error.message);
      loanId = loan.value.loan.id;
    } finally {
      await ctx.store.close();
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints a table of the days and the answer for each emergency contact", async () => {
    const r = await runFenqi(["forecast", loanId, "--days", "5"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`^forecast of ${loanId} from \\d{4}-\\d{2}-\\d{2} through`),
    );
    expect(r.stdout).toMatch(/date\s+dpd\s+bucket\s+late charges\s+events\s+contacts/);
    expect(lines.filter((l) => /^\d{4}-\d{2}-\d{2}\s/.test(l))).toHaveLength(5);
    expect(r.stdout).toContain("ec1 would not be contacted");
    expect(r.stdout).toContain("CN-CONTACT-CONSENT");
  });

  it("prints the API's document with --json", async () => {
    const r = await runFenqi(["forecast", loanId, "--json", "--days", "3"]);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as ForecastBody;
    expect(f.days).toHaveLength(3);
    expect(f.contacts[0]).toMatchObject({ contactId: "ec1", firstAllowed: null });
  });

  it("refuses a bad --days and an unknown loan with exit 2, naming the field", async () => {
    const bad = await runFenqi(["forecast", loanId, "--days", "400"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fenqi forecast: --days: /);
    const missing = await runFenqi(["forecast", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^fenqi forecast: LOAN: /);
    const usage = await runFenqi(["forecast"]);
    expect(usage.code).toBe(2);
  });
});
