import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, json, openHttpHarness, testPassword } from "./support/http.js";

const phone = "+8613812340000";
const reason = "回访核实 case-9";

describe("privacy routes", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await openHttpHarness("sqlite");
    const created = await h.call({
      method: "POST",
      url: "/api/v1/borrowers",
      payload: { id: "b1", timezone: "Asia/Shanghai", name: "陈七", phone, emergencyContacts: [] },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(() => h?.close());

  it("reveals with a reason (never cached, never logged) and refuses without one by name", async () => {
    const agent = await h.as("agent");
    // The checkout's service key never reveals personal data.
    const checkout = await h.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/reveal",
      payload: { field: "phone", reason },
    });
    expect(checkout.statusCode).toBe(403);
    const refused = await agent.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/reveal",
      payload: { field: "phone" },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: "reason" })]);
    const shown = await agent.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/reveal",
      payload: { field: "phone", reason },
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers["cache-control"]).toBe("no-store");
    expect(shown.json()).toEqual({ borrower: "b1", field: "phone", value: phone });
    const log = h.logLines.join("\n");
    expect(log.includes(phone) || log.includes(reason)).toBe(false);
    const unauthorized = await h.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/reveal",
      headers: { authorization: "Bearer nope" },
      payload: { field: "phone", reason },
    });
    expect(unauthorized.statusCode).toBe(401);
  });

  it("serves the logged-in borrower's export and processing rules at /me, and no one else's", async () => {
    const me = await h.as("borrower", "b1");
    const bundle = await me.call({ method: "GET", url: "/api/v1/me/export" });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.json()).toMatchObject({ format: "fenqi-export/1", borrower: { phone } });
    const rules = await me.call({ method: "GET", url: "/api/v1/me/processing-rules" });
    expect(rules.json()).toMatchObject({ borrower: "b1" });
    const staff = await h.as("compliance");
    expect((await staff.call({ method: "GET", url: "/api/v1/me/export" })).statusCode).toBe(403);
    expect((await h.call({ method: "GET", url: "/api/v1/me/export" })).statusCode).toBe(403);
  });

  it("serves export, processing rules, correction and deletion requests by borrower id", async () => {
    const bundle = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/export" });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.json()).toMatchObject({ format: "fenqi-export/1", borrower: { phone } });
    const rules = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/processing-rules" });
    expect(rules.json()).toMatchObject({ borrower: "b1", restricted: false });
    const correction = await h.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/correction-requests",
      payload: { email: "chen.qi@example.com" },
    });
    expect(correction.statusCode).toBe(201);
    const applied = await h.call({
      method: "POST",
      url: `/api/v1/privacy-requests/${correction.json().id}/answer`,
      payload: { decision: "apply" },
    });
    expect(applied.json()).toMatchObject({ status: "done", fields: ["email"] });
    const deletion = await h.call({
      method: "POST",
      url: "/api/v1/borrowers/b1/deletion-requests",
    });
    expect(deletion.statusCode).toBe(201);
    expect(deletion.json()).toMatchObject({ kind: "deletion", status: "erased" });
    const view = await h.call({ method: "GET", url: "/api/v1/borrowers/b1" });
    expect(view.json()).toMatchObject({ name: "[erased]", phone: "[erased]" });
    const listed = await h.call({ method: "GET", url: "/api/v1/borrowers/b1/privacy-requests" });
    // The /me export of the test before is an access request too.
    expect(listed.json().map((r: { kind: string }) => r.kind)).toEqual([
      "access",
      "access",
      "correction",
      "deletion",
    ]);
  });

  it("ends an erased borrower's session; their login gets a wrong password's 401, as documented", async () => {
    // b1 was erased by the test before, with the session of /me still open.
    const me = await h.as("borrower", "b1");
    expect((await me.call({ method: "GET", url: "/api/v1/me" })).statusCode).toBe(401);
    const sessionId = me.headers.cookie.split("=")[1] ?? "";
    const [user, session] = await h.ctx.store.transaction(async (tx) => [
      await tx.users.get(me.userId),
      await tx.sessions.get(h.ctx.keyring.digest(sessionId)),
    ]);
    expect(user?.disabledAt).toBeDefined();
    // Ended in the store, not merely refused because its user is disabled.
    expect(session?.endedAt).toBeDefined();
    const logIn = (password: string) =>
      h.app.inject({
        method: "POST",
        url: "/api/v1/session",
        payload: { username: "borrower.b1", password },
      });
    const refused = await logIn(testPassword);
    const wrong = await logIn("not-the-password-0000");
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toBe(wrong.body);
    const doc = json<{ paths: Record<string, { post?: { description?: string } }> }>(
      await h.app.inject({ method: "GET", url: "/docs/json" }),
    );
    expect(doc.paths["/api/v1/session"]?.post?.description).toContain(
      "A disabled user's login gets the same 401 as a wrong password",
    );
  });
});
