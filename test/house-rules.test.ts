import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import type { AppContext } from "../src/app/context.js";
import { replayDecisions } from "../src/app/transparency/replay-decisions.js";
import { newApiSecret, openApp } from "../src/cli/compose.js";
import { type HouseRuleSet, readHouseRuleSet } from "../src/domain/policy/house-rules-file.js";
import { buildServer } from "../src/http/server.js";
import {
  cnFlatProduct,
  json,
  loginAs,
  testRateLimitPerMinute,
  type UserSession,
} from "./support/http.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/**
 * House rules loaded as an operator loads them (the file's shape, read by the domain reader and
 * handed to the app as `FENQI_HOUSE_RULES` does) on both stores: an agent's contact at a time
 * the pack allows but the house forbids is deferred, one on a channel the house closed is
 * denied, each decision names the house rules on the contact log and in its audit leaf, and
 * `fenqi audit replay`'s use case re-judges them with the same rules. The same store served
 * without house rules allows the same contact.
 */

/** Instants in Shanghai (UTC+8, no DST). */
const shanghai = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
const iso = (at: number) => new Date(at).toISOString().replace(".000Z", "Z");

/** The file as an operator writes it. */
const houseFile = {
  CN: { ref: "acme-cn@1", window: { from: "09:00", to: "21:00" }, deniedChannels: ["email"] },
};

function houseRules(document: unknown): HouseRuleSet {
  const read = readHouseRuleSet(document);
  if (!read.ok) throw new Error(JSON.stringify(read.error));
  return read.value;
}

const product = cnFlatProduct;
const borrower = {
  id: "b1",
  timezone: "Asia/Shanghai",
  phone: "+8613800000001",
  email: "b1@example.com",
};

interface Entry {
  id: string;
  outcome: string;
  until: string | null;
  rules: string[];
  pack: string;
  house: string | null;
}

describe.each(storeKinds)("house rules from the operator's file on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-house-"));
  const database = testDatabase(kind);
  const clock = { at: shanghai("2026-03-02", "08:30") };
  let ctx: AppContext;
  let housed: FastifyInstance;
  let bare: FastifyInstance;
  let auth: { authorization: string };
  let supervisor: UserSession;
  let loanId: string;
  const decided: Record<string, Entry> = {};

  async function attempt(app: FastifyInstance, payload: Record<string, unknown>): Promise<Entry> {
    const options: InjectOptions = {
      method: "POST",
      url: `/api/v1/loans/${loanId}/contact-attempts`,
      payload,
      headers: supervisor.headers,
    };
    const response = await app.inject(options);
    expect(response.statusCode, response.body).toBe(201);
    return json<Entry>(response);
  }

  beforeAll(async () => {
    let counter = 0;
    ctx = await openApp(
      {
        databaseUrl: await database.url(),
        sqlitePath: join(dir, "api.db"),
        keyFile: join(dir, "api.key"),
        houseRules: houseRules(houseFile),
      },
      { clock: { now: () => clock.at }, ids: { next: (p) => `${p}_${++counter}` } },
    );
    const edge = { rateLimitPerMinute: testRateLimitPerMinute };
    housed = await buildServer(ctx, edge);
    // The same store and clock, served as a process started without FENQI_HOUSE_RULES.
    bare = await buildServer({ ...ctx, houseRules: undefined }, edge);
    const key = await createApiKey(ctx, "checkout", newApiSecret());
    if (!key.ok) throw new Error(key.error.message);
    auth = { authorization: `Bearer ${key.value.secret}` };
    supervisor = await loginAs(housed, ctx, "supervisor.li", "supervisor");
    const post = async (url: string, payload: Record<string, unknown>) => {
      const response = await housed.inject({ method: "POST", url, payload, headers: auth });
      expect(response.statusCode, response.body).toBe(201);
      return json<Record<string, unknown>>(response);
    };
    await post("/api/v1/products", product);
    await post("/api/v1/borrowers", borrower);
    const origination = await post("/api/v1/loans", {
      orderId: "order-1",
      borrowerId: "b1",
      productId: "flat",
      principal: "6000.00",
      installments: 12,
      date: "2026-01-10",
    });
    loanId = (origination.loan as { id: string }).id;
  });
  afterAll(async () => {
    await housed?.close();
    await bare?.close();
    await ctx?.store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("defers a call at 08:30 local, which CN@1 allows, to the house's 09:00, naming the house", async () => {
    const call = await attempt(housed, { channel: "phone", to: "borrower" });
    expect(call).toMatchObject({
      outcome: "defer",
      until: iso(shanghai("2026-03-02", "09:00")),
      rules: ["CN-TIME-WINDOW"],
      pack: "CN@1",
      house: "acme-cn@1",
    });
    decided.deferred = call;
  });

  it("allows the same call at the same instant without house rules", async () => {
    const call = await attempt(bare, { channel: "phone", to: "borrower" });
    expect(call).toMatchObject({
      outcome: "allow",
      until: null,
      rules: [],
      pack: "CN@1",
      house: null,
    });
    decided.bare = call;
  });

  it("denies an e-mail at 10:00 local because the house closed the channel (HOUSE-CHANNEL)", async () => {
    clock.at = shanghai("2026-03-02", "10:00");
    const mail = await attempt(housed, { channel: "email", to: "borrower" });
    expect(mail).toMatchObject({ outcome: "deny", rules: ["HOUSE-CHANNEL"], house: "acme-cn@1" });
    decided.denied = mail;
    expect(await attempt(bare, { channel: "email", to: "borrower" })).toMatchObject({
      outcome: "allow",
      house: null,
    });
    // Inside the house window and on an open channel, the house changes nothing.
    expect(await attempt(housed, { channel: "sms", to: "borrower" })).toMatchObject({
      outcome: "allow",
      rules: [],
      house: "acme-cn@1",
    });
  });

  it("shows the house on the contact log and records it in the decision's audit leaf", async () => {
    const response = await housed.inject({
      method: "GET",
      url: "/api/v1/borrowers/b1/contact-log",
      headers: supervisor.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const log = json<{ items: Entry[] }>(response).items;
    const houseOf = new Map(log.map((e) => [e.id, e.house]));
    expect(houseOf.get(decided.deferred?.id ?? "")).toBe("acme-cn@1");
    expect(houseOf.get(decided.denied?.id ?? "")).toBe("acme-cn@1");
    expect(houseOf.get(decided.bare?.id ?? "")).toBeNull();
    const leaves = await ctx.store.transaction((tx) =>
      tx.audit.bySubjects("contact.decided", [decided.deferred?.id ?? "", decided.bare?.id ?? ""]),
    );
    const leafOf = new Map(leaves.map((leaf) => [leaf.subject, leaf.data]));
    expect(leafOf.get(decided.deferred?.id ?? "")).toMatchObject({
      pack: "CN@1",
      house: "acme-cn@1",
    });
    // A decision without house rules writes the leaf it always wrote: no `house` at all.
    expect(leafOf.get(decided.bare?.id ?? "")).not.toHaveProperty("house");
  });

  it("replays every decision, with and without house rules, given the same file", async () => {
    const report = await replayDecisions(ctx);
    expect(report).toMatchObject({ decisions: 5, disagreeing: 0, disagreements: [] });
  });

  it("replays decisions under a retired version once new rules are in force", async () => {
    const next = {
      CN: { ref: "acme-cn@2", window: { from: "10:00", to: "20:00" } },
      retired: [{ jurisdiction: "CN", ...houseFile.CN }],
    };
    const report = await replayDecisions({ ...ctx, houseRules: houseRules(next) });
    expect(report).toMatchObject({ decisions: 5, disagreeing: 0 });
  });

  it("reports the decisions whose house rules are not loaded, or were edited under the same ref", async () => {
    const without = await replayDecisions({ ...ctx, houseRules: undefined });
    expect(without.disagreeing).toBe(3);
    expect(without.disagreements).toContainEqual({
      attemptId: decided.deferred?.id,
      field: "house",
      stored: "acme-cn@1",
      replayed: "house rules not loaded",
    });
    const edited = { CN: { ...houseFile.CN, window: { from: "08:45", to: "21:00" } } };
    const report = await replayDecisions({ ...ctx, houseRules: houseRules(edited) });
    expect(report.disagreeing).toBe(3);
    expect(report.disagreements).toContainEqual({
      attemptId: decided.deferred?.id,
      field: "until",
      stored: String(shanghai("2026-03-02", "09:00")),
      replayed: String(shanghai("2026-03-02", "08:45")),
    });
  });
});
