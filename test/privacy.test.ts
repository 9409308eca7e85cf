import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IcuMessageRenderer } from "../src/adapters/channels/templates/icu-renderer.js";
import { checkpointSignerOf } from "../src/adapters/crypto/checkpoint-signer.js";
import { loadKeyMaterial } from "../src/adapters/crypto/key-file.js";
import { createKeyring } from "../src/adapters/crypto/keyring.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import { getBorrower, openBorrower, registerBorrower } from "../src/app/borrowers.js";
import { proposeContact } from "../src/app/contacts/agent-contact.js";
import {
  openHold,
  recordConsent,
  recordPreference,
  recordPromise,
} from "../src/app/contacts/choices.js";
import { dispatchDue } from "../src/app/contacts/dispatch.js";
import { inbox } from "../src/app/contacts/inbox.js";
import type { AppContext } from "../src/app/context.js";
import { originate, settle } from "../src/app/loans/loans.js";
import { runDueErasures } from "../src/app/privacy/erase.js";
import { exportBorrower } from "../src/app/privacy/export.js";
import { processingRules } from "../src/app/privacy/processing-rules.js";
import {
  answerCorrection,
  requestCorrection,
  requestDeletion,
} from "../src/app/privacy/requests.js";
import { revealBorrower } from "../src/app/privacy/reveal.js";
import { createProduct } from "../src/app/products.js";
import { issueCheckpoint } from "../src/app/transparency/checkpoints.js";
import { verifyAudit } from "../src/app/transparency/verify-audit.js";
import { parseInstant } from "../src/domain/calendar/instant.js";
import { piplResponseDays } from "../src/domain/privacy/requests.js";
import { restrictedRule } from "../src/domain/privacy/restriction.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

function instant(text: string): number {
  const parsed = parseInstant(text, "at");
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const dayMs = 86_400_000;

/** b1 keeps a settled loan (retention applies); b2 never borrowed (erased at once). */
const people = {
  b1: {
    name: "李四",
    phone: "+8613811112222",
    email: "li.si@example.com",
    contact: "+8613933334444",
  },
  b2: {
    name: "王五",
    phone: "+8613855556666",
    email: "wang.wu@example.com",
    contact: "+8613977778888",
  },
  b3: {
    name: "赵六",
    phone: "+8613800009999",
    email: "zhao.liu@example.com",
    contact: "+8613900001111",
  },
} as const;

describe.each(storeKinds)("privacy rights on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-privacy-"));
  const database = testDatabase(kind);
  const keyFile = join(dir, "p.key");
  const material = loadKeyMaterial(keyFile, {});
  const signer = checkpointSignerOf(material);
  let store: SqlStore;
  let ctx: AppContext;
  let now = instant("2026-01-10T02:00:00Z");
  let counter = 0;
  let loanId = "";
  const dispatch = {
    senders: new Map(),
    renderer: new IcuMessageRenderer(),
    lender: { name: "好分期", callbackNumber: "400-800-1234", optOutUrl: "https://fenqi.local/td" },
  };

  beforeAll(async () => {
    store = await openStore({ databaseUrl: await database.url(), sqlitePath: join(dir, "p.db") });
    ctx = {
      store,
      keyring: createKeyring(material),
      clock: { now: () => now },
      ids: { next: (p) => `${p}_${String(++counter).padStart(6, "0")}` },
    };
    must(
      await createProduct(ctx, {
        id: "flat",
        method: "flat_fee",
        periodFeeRate: "0.006",
        installments: [12],
        graceDays: 3,
      }),
    );
    for (const [id, p] of Object.entries(people))
      must(
        await registerBorrower(ctx, {
          id,
          timezone: "Asia/Shanghai",
          name: p.name,
          phone: p.phone,
          email: p.email,
          emergencyContacts: [{ id: "ec1", relation: "parent", phone: p.contact }],
        }),
      );
    // b1: a loan, choices, an in-app message and a contact, then the loan is settled.
    loanId = must(
      await originate(ctx, {
        orderId: "o1",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      }),
    ).loan.id;
    must(
      await originate(ctx, {
        orderId: "o3",
        borrowerId: "b3",
        productId: "flat",
        principal: "1200.00",
        installments: 12,
        date: "2026-01-10",
      }),
    );
    must(await recordConsent(ctx, "b1", { action: "grant", contact: "ec1" }));
    must(await recordPreference(ctx, "b1", { action: "opt_out", channel: "email" }));
    must(await recordPromise(ctx, loanId, { until: "2026-01-25" }));
    must(await openHold(ctx, "b1", { kind: "hardship", loan: loanId }));
    now = instant("2026-01-15T02:00:00Z");
    must(
      await proposeContact(ctx, loanId, {
        channel: "in_app",
        to: "borrower",
        template: "reminder",
      }),
    );
    await dispatchDue(ctx, dispatch);
    now = instant("2026-01-20T02:00:00Z");
    must(await settle(ctx, loanId, {}));
    now = instant("2026-02-15T02:00:00Z");
    // The last collection record about the loan: retention runs from its day.
    must(
      await proposeContact(ctx, loanId, { channel: "sms", to: "borrower", template: "reminder" }),
    );
    expect((await issueCheckpoint(ctx, signer)).ok).toBe(true);
  });

  afterAll(async () => {
    await store?.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reveals a masked value only with a reason, and audits the reveal without the value or the reason", async () => {
    const reason = "身份核实 ticket 42";
    const refused = await revealBorrower(ctx, {
      borrowerId: "b1",
      field: "phone",
      reason: " ",
      actor: "agent7",
    });
    expect(refused.ok || refused.error).toMatchObject({
      code: "invalid_input",
      problems: [{ field: "reason" }],
    });
    const missing = await revealBorrower(ctx, {
      borrowerId: "b1",
      field: "phone",
      reason: undefined,
      actor: "agent7",
    });
    expect(missing.ok).toBe(false);
    const before = await store.transaction((tx) => tx.audit.count());
    const phone = must(
      await revealBorrower(ctx, { borrowerId: "b1", field: "phone", reason, actor: "agent7" }),
    );
    expect(phone).toEqual({ borrower: "b1", field: "phone", value: people.b1.phone });
    const contact = must(
      await revealBorrower(ctx, {
        borrowerId: "b1",
        field: "contact:ec1",
        reason,
        actor: "agent7",
      }),
    );
    expect(contact.value).toBe(people.b1.contact);
    const leaves = await store.transaction((tx) => tx.audit.list(before, 10));
    expect(leaves.map((l) => l.kind)).toEqual(["personal_data.revealed", "personal_data.revealed"]);
    expect(leaves[0]).toMatchObject({
      subject: "b1",
      data: {
        actor: "agent7",
        field: "phone",
        reasonDigest: ctx.keyring.lookupHash("reason", reason),
      },
    });
    const text = JSON.stringify(leaves);
    for (const secret of [people.b1.phone, people.b1.contact, reason, "身份核实"])
      expect(text.includes(secret)).toBe(false);
    // Refusals wrote nothing.
    expect(await store.transaction((tx) => tx.audit.count())).toBe(before + 2);
  });

  it("exports every section held about the borrower, with proofs for the checkpointed leaves", async () => {
    const bundle = must(await exportBorrower(ctx, "b1"));
    expect(bundle.borrower).toMatchObject({
      name: people.b1.name,
      phone: people.b1.phone,
      erased: false,
    });
    expect(bundle.borrower.emergencyContacts).toEqual([
      { id: "ec1", relation: "parent", phone: people.b1.contact },
    ]);
    expect(bundle.loans).toHaveLength(1);
    expect(bundle.loans[0]?.installments.length).toBeGreaterThan(0);
    expect(bundle.operations.map((o) => o.kind)).toEqual(["settlement"]);
    expect(bundle.ledger.length).toBeGreaterThanOrEqual(2);
    expect(bundle.ledger.every((e) => e.loan === loanId)).toBe(true);
    expect(bundle.consents).toHaveLength(1);
    expect(bundle.preferences).toHaveLength(1);
    expect(bundle.promises).toHaveLength(1);
    expect(bundle.holds).toHaveLength(1);
    expect(bundle.contactLog).toHaveLength(2);
    expect(bundle.inbox).toHaveLength(1);
    expect(String(bundle.inbox[0]?.subject).length).toBeGreaterThan(0);
    expect(bundle.privacyRequests.map((r) => r.kind)).toEqual(["access"]);
    expect(bundle.request).toMatchObject({ kind: "access", status: "done" });
    const kinds = new Set(bundle.audit.leaves.map((l) => l.kind));
    for (const k of [
      "borrower.registered",
      "contact.decided",
      "privacy.exported",
      "personal_data.revealed",
    ])
      expect(kinds.has(k)).toBe(true);
    expect(bundle.audit.checkpoint).not.toBeNull();
    expect(bundle.audit.leaves.filter((l) => l.proof !== null).length).toBeGreaterThan(3);
    // The access request's own leaf came after the checkpoint: listed, not yet proven.
    expect(bundle.audit.leaves.find((l) => l.kind === "privacy.exported")?.proof).toBeNull();
    expect(bundle.retention).toMatchObject({
      until: "2031-02-15",
      loans: [{ loanId, ruleId: "CN-RETENTION", years: 5, from: "2026-02-15", final: true }],
    });
    expect(bundle.processing.map((p) => p.basis)).toEqual(
      expect.arrayContaining(["contract", "legal_obligation", "consent"]),
    );
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(bundle);
  });

  it("applies a correction: the profile is re-sealed and the lookup hashes follow", async () => {
    const newPhone = "+8613822223333";
    const bad = await requestCorrection(ctx, "b3", { phone: "13822223333" });
    expect(bad.ok || bad.error.problems?.[0]?.field).toBe("phone");
    const asked = must(await requestCorrection(ctx, "b3", { phone: newPhone, name: "赵六六" }));
    expect(asked).toMatchObject({ kind: "correction", status: "open", fields: ["name", "phone"] });
    expect(Date.parse(asked.dueAt) - Date.parse(asked.receivedAt)).toBe(piplResponseDays * dayMs);
    const oldHash = ctx.keyring.lookupHash("phone", people.b3.phone);
    const before = await store.transaction((tx) => tx.borrowers.get("b3"));
    must(await answerCorrection(ctx, asked.id, { actor: "staff1", decision: "apply" }));
    const after = await store.transaction((tx) => tx.borrowers.get("b3"));
    if (!before || !after) throw new Error("b3 is gone");
    expect(after.sealed).not.toBe(before.sealed);
    expect(after.wrappedDataKey).toBe(before.wrappedDataKey);
    expect(openBorrower(ctx, after)).toMatchObject({
      name: "赵六六",
      phone: newPhone,
      email: people.b3.email,
    });
    const found = await store.transaction((tx) =>
      tx.borrowers.findByPhoneHash(ctx.keyring.lookupHash("phone", newPhone)),
    );
    expect(found?.id).toBe("b3");
    expect(await store.transaction((tx) => tx.borrowers.findByPhoneHash(oldHash))).toBeUndefined();
    const again = await answerCorrection(ctx, asked.id, { actor: "staff1", decision: "apply" });
    expect(again.ok || again.error.code).toBe("conflict");
    const leaves = await store.transaction((tx) => tx.audit.bySubjects(undefined, [asked.id], 10));
    expect(leaves.map((l) => l.kind)).toEqual([
      "privacy.correction_requested",
      "privacy.correction_applied",
    ]);
    expect(JSON.stringify(leaves).includes(newPhone)).toBe(false);
  });

  it("erases a borrower without retention at once: nothing readable of theirs remains, the books and the log still verify", async () => {
    const record = await store.transaction((tx) => tx.borrowers.get("b2"));
    if (!record) throw new Error("b2 is gone");
    const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
    const hashes = [
      ctx.keyring.lookupHash("phone", people.b2.phone),
      ctx.keyring.lookupHash("email", people.b2.email),
      ctx.keyring.lookupHash("phone", people.b2.contact),
    ];
    // The scan finds what it looks for: before erasure, the lookup hashes are there.
    const held = await allText(store);
    for (const hash of hashes) expect(held.some((r) => r.value === hash)).toBe(true);
    const login = { id: "usr-b2" };
    // b2 has two logins with sessions open; b3's login is someone else's and stays as it is.
    const logins = [
      { id: login.id, username: "b2.login", borrowerId: "b2" },
      { id: "usr-b2-app", username: "b2.app", borrowerId: "b2" },
      { id: "usr-b3", username: "b3.login", borrowerId: "b3" },
    ];
    const hourMs = 3_600_000;
    const session = (idHash: string, userId: string, endedAt?: number) => ({
      idHash,
      userId,
      csrfHash: `csrf-${idHash}`,
      createdAt: now - hourMs,
      expiresAt: now + hourMs,
      endedAt,
    });
    const sessions = [
      session("s-b2-open", login.id),
      session("s-b2-app-open", "usr-b2-app"),
      session("s-b2-logged-out", login.id, now - 60_000),
      session("s-b3-open", "usr-b3"),
    ];
    await store.transaction(async (tx) => {
      for (const l of logins)
        await tx.users.insert({
          id: l.id,
          usernameHash: ctx.keyring.lookupHash("username", l.username),
          role: "borrower",
          borrowerId: l.borrowerId,
          passwordHash: "scrypt$unused",
          createdAt: 0,
          disabledAt: undefined,
        });
      for (const s of sessions) await tx.sessions.insert(s);
    });
    const answer = must(await requestDeletion(ctx, "b2", { actor: "b2" }));
    expect(answer).toMatchObject({ kind: "deletion", status: "erased", eraseOn: null });
    // Their login is closed and no longer findable by the username's keyed hash.
    const user = await store.transaction((tx) => tx.users.get(login.id));
    expect(user?.disabledAt).toBeDefined();
    expect(user?.usernameHash).toBe(`erased:${login.id}`);
    // Their open sessions are ended at the erasure, not merely refused; a logout keeps its instant.
    const ended = await store.transaction(async (tx) =>
      Promise.all(
        sessions.map(async (s) => [s.idHash, (await tx.sessions.get(s.idHash))?.endedAt]),
      ),
    );
    expect(Object.fromEntries(ended)).toEqual({
      "s-b2-open": now,
      "s-b2-app-open": now,
      "s-b2-logged-out": now - 60_000,
      "s-b3-open": undefined,
    });
    const [erasedLeaf] = await store.transaction((tx) =>
      tx.audit.bySubjects("borrower.erased", ["b2"]),
    );
    expect(erasedLeaf?.data).toMatchObject({ loginsClosed: 2, sessionsEnded: 2 });

    const rows = await allText(store);
    expect(rows.length).toBeGreaterThan(50);
    for (const needle of [
      people.b2.name,
      people.b2.phone,
      people.b2.phone.slice(3),
      people.b2.email,
      people.b2.contact,
      ...hashes,
    ]) {
      const hit = rows.find((r) => r.value.includes(needle));
      expect(hit, `found personal data of b2 in ${hit?.table}.${hit?.column}`).toBeUndefined();
    }
    // The sealed columns are still there, and no key opens them.
    const erased = await store.transaction((tx) => tx.borrowers.get("b2"));
    if (!erased) throw new Error("b2 row is gone");
    expect(erased.sealed).toBe(record.sealed);
    expect(() => ctx.keyring.unwrapDataKey(erased.masterKeyId, erased.wrappedDataKey)).toThrow();
    // (Only the destroyed key would open them.)
    expect(ctx.keyring.open(dataKey, erased.sealed, "borrower:b2:profile")).toContain(
      people.b2.name,
    );
    expect(must(await getBorrower(ctx, "b2"))).toMatchObject({
      name: "[erased]",
      phone: "[erased]",
      email: "[erased]",
      emergencyContacts: [{ id: "ec1", phone: "[erased]" }],
    });
    const reveal = must(
      await revealBorrower(ctx, {
        borrowerId: "b2",
        field: "phone",
        reason: "check",
        actor: "agent7",
      }),
    );
    expect(reveal.value).toBe("[erased]");
    const bundle = must(await exportBorrower(ctx, "b2"));
    expect(bundle.borrower).toMatchObject({ erased: true, name: "[erased]" });

    expect(await store.transaction((tx) => tx.ledger.total())).toBe(0n);
    const report = await verifyAudit(ctx, signer);
    expect(report.problems).toEqual([]);
    expect(report.sound).toBe(true);
  });

  it("restricts a borrower under retention, denies contact, and erases when retention ends", async () => {
    now = instant("2026-03-01T02:00:00Z");
    const answer = must(await requestDeletion(ctx, "b1", { actor: "b1" }));
    expect(answer).toMatchObject({ kind: "deletion", status: "restricted", eraseOn: "2031-02-15" });
    expect(Date.parse(answer.dueAt) - now).toBe(piplResponseDays * dayMs);
    // Asking again answers with the pending request.
    expect(must(await requestDeletion(ctx, "b1", { actor: "b1" })).id).toBe(answer.id);

    const denied = must(
      await proposeContact(ctx, loanId, { channel: "sms", to: "borrower", template: "reminder" }),
    );
    expect(denied.outcome).toBe("deny");
    expect(denied.rules).toContain(restrictedRule);
    expect(must(await processingRules(ctx, "b1"))).toMatchObject({
      restricted: true,
      erased: false,
      retention: { until: "2031-02-15" },
    });
    // Still held, still readable by staff with a reason.
    expect(must(await getBorrower(ctx, "b1")).name).toBe("李*");

    now = instant("2031-02-14T12:00:00Z"); // 20:00 on the 14th in Shanghai: one day early
    expect(await runDueErasures(ctx)).toEqual({ erased: 0, postponed: 0 });
    now = instant("2031-02-14T16:30:00Z"); // 00:30 on the 15th in Shanghai
    expect(await runDueErasures(ctx)).toEqual({ erased: 1, postponed: 0 });
    expect(await runDueErasures(ctx)).toEqual({ erased: 0, postponed: 0 });
    expect(must(await getBorrower(ctx, "b1"))).toMatchObject({
      name: "[erased]",
      phone: "[erased]",
    });
    const messages = must(await inbox(ctx, "b1", { limit: 10 }));
    expect(messages[0]).toMatchObject({ subject: "[erased]" });
    const requests = await store.transaction((tx) => tx.privacy.requests("b1"));
    expect(requests.find((r) => r.id === answer.id)).toMatchObject({
      status: "erased",
      answeredBy: "system",
    });
    // The loan and its books stay.
    expect(await store.transaction((tx) => tx.loans.get(loanId))).toMatchObject({
      status: "settled",
    });
    expect((await verifyAudit(ctx, signer)).sound).toBe(true);
  });

  it("postpones a due erasure whose borrower has an open loan", async () => {
    now = instant("2031-03-01T02:00:00Z");
    const answer = must(await requestDeletion(ctx, "b3", { actor: "b3" }));
    expect(answer.status).toBe("restricted");
    // An open loan has not ended: its retention is provisional and runs at least from today.
    expect(answer.eraseOn).toBe("2036-03-01");
    now = instant("2036-03-02T02:00:00Z");
    expect(await runDueErasures(ctx)).toEqual({ erased: 0, postponed: 1 });
    const request = await store.transaction((tx) => tx.privacy.getRequest(answer.id));
    expect(request).toMatchObject({ status: "restricted", eraseOn: "2041-03-02" });
  });
});

/** Every text value of every table, with where it was found. */
async function allText(
  store: SqlStore,
): Promise<{ table: string; column: string; value: string }[]> {
  const tables =
    store.dialect === "postgres"
      ? (
          await sql<{
            name: string;
          }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(store.db)
        ).rows
      : (
          await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
            store.db,
          )
        ).rows;
  const out: { table: string; column: string; value: string }[] = [];
  for (const { name } of tables) {
    const rows = (
      await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(store.db)
    ).rows;
    for (const row of rows)
      for (const [column, value] of Object.entries(row))
        if (typeof value === "string") out.push({ table: name, column, value });
  }
  return out;
}
