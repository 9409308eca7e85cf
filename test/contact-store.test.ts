import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlStore } from "../src/adapters/store/open-store.js";
import type { LoanState } from "../src/domain/loan/loan.js";
import type {
  ContactAttemptRecord,
  ContactPlanRecord,
  OutboxRecord,
} from "../src/ports/contact-store.js";
import { at, borrowerRecord, loanState, productRecord } from "./support/store-fixtures.js";
import { openTestStore, type StoreKind, storeKinds, type TestStore } from "./support/stores.js";

const minute = 60_000;

describe.each(storeKinds)("overdue-handling store contract on %s", (kind: StoreKind) => {
  let handle: TestStore;
  let store: SqlStore;
  let counter = 0;
  const uid = (prefix: string) => `${prefix}-${String(++counter).padStart(4, "0")}`;

  beforeAll(async () => {
    handle = await openTestStore(kind);
    store = handle.store;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  async function seedLoan(): Promise<LoanState> {
    const product = productRecord(uid("P"));
    const borrower = borrowerRecord(uid("B"));
    const loan = loanState(uid("L"), borrower.id, product.id, 3);
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      await tx.loans.insert(loan, at);
    });
    return loan;
  }

  function attempt(
    loan: LoanState,
    over: Partial<ContactAttemptRecord> = {},
  ): ContactAttemptRecord {
    return {
      id: uid("att"),
      borrowerId: loan.borrowerId,
      loanId: loan.id,
      recipientKind: "borrower",
      contactId: undefined,
      channel: "sms",
      template: "reminder",
      source: "strategy",
      at,
      decidedAt: at,
      outcome: "allow",
      until: undefined,
      rules: [],
      pack: "CN@1",
      house: undefined,
      inputHash: "ab".repeat(32),
      inputs: "{}",
      numberId: undefined,
      result: undefined,
      resultAt: undefined,
      planId: undefined,
      ...over,
    };
  }

  it("keeps every attempt with its rules, reads histories per borrower and records one result", async () => {
    const loan = await seedLoan();
    const other = await seedLoan();
    const first = attempt(loan, {
      decidedAt: at,
      outcome: "deny",
      rules: ["CN-CONTACT-CONSENT", "CN-CONTACT-PERSON"],
      recipientKind: "contact",
      contactId: "ec1",
    });
    const second = attempt(loan, {
      decidedAt: at + minute,
      until: at + 2 * minute,
      outcome: "defer",
      rules: ["CN-TIME-WINDOW"],
    });
    const third = attempt(loan, {
      decidedAt: at + 2 * minute,
      channel: "phone",
      numberId: "borrower:phone",
    });
    const elsewhere = attempt(other);
    await store.transaction(async (tx) => {
      for (const a of [third, first, second, elsewhere]) await tx.contactAttempts.insert(a);
    });
    const history = await store.transaction((tx) =>
      tx.contactAttempts.history(loan.borrowerId, at, 100),
    );
    expect(history.map((a) => a.id)).toEqual([first.id, second.id, third.id]);
    expect(history[0]).toEqual(first);
    expect(history[1]?.until).toBe(at + 2 * minute);
    const since = await store.transaction((tx) =>
      tx.contactAttempts.history(loan.borrowerId, at + minute, 100),
    );
    expect(since.map((a) => a.id)).toEqual([second.id, third.id]);
    const many = await store.transaction((tx) =>
      tx.contactAttempts.historyMany([loan.borrowerId, other.borrowerId, "nobody"], at),
    );
    expect(many.get(loan.borrowerId)?.length).toBe(3);
    expect(many.get(other.borrowerId)?.map((a) => a.id)).toEqual([elsewhere.id]);
    expect(many.get("nobody")).toEqual([]);

    expect(
      await store.transaction((tx) =>
        tx.contactAttempts.setResult(third.id, "no_answer", at + 3 * minute),
      ),
    ).toBe(true);
    expect(
      await store.transaction((tx) =>
        tx.contactAttempts.setResult(third.id, "answered", at + 4 * minute),
      ),
    ).toBe(false);
    const stored = await store.transaction((tx) => tx.contactAttempts.get(third.id));
    expect(stored?.result).toBe("no_answer");
    expect(stored?.resultAt).toBe(at + 3 * minute);
  });

  it("pages a contact log in time order", async () => {
    const loan = await seedLoan();
    const attempts = Array.from({ length: 5 }, (_, i) =>
      attempt(loan, { decidedAt: at + (i % 2) * minute }),
    );
    await store.transaction(async (tx) => {
      for (const a of attempts) await tx.contactAttempts.insert(a);
    });
    const expected = [...attempts]
      .sort((a, b) => a.decidedAt - b.decidedAt || (a.id < b.id ? -1 : 1))
      .map((a) => a.id);
    const seen: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.transaction((tx) =>
        tx.contactAttempts.listByBorrower(loan.borrowerId, { after, limit: 2 }),
      );
      seen.push(...page.map((a) => a.id));
      if (page.length < 2) break;
      after = page.at(-1)?.id;
    }
    expect(seen).toEqual(expected);
  });

  it("plans once per key, hands out due plans in order and lets only one runner take each", async () => {
    const loan = await seedLoan();
    const plan = (over: Partial<ContactPlanRecord>): ContactPlanRecord => ({
      id: uid("plan"),
      key: uid("key"),
      borrowerId: loan.borrowerId,
      loanId: loan.id,
      stepDate: "2026-02-10",
      channel: "sms",
      template: "reminder",
      dueAt: at,
      strategy: "CN-default@1",
      status: "pending",
      ...over,
    });
    const late = plan({ dueAt: at + 10 * minute });
    const early = plan({ dueAt: at + minute });
    expect(await store.transaction((tx) => tx.contactPlans.insertMany([late, early]))).toBe(2);
    expect(
      await store.transaction((tx) => tx.contactPlans.insertMany([{ ...late, id: uid("plan") }])),
    ).toBe(0);
    const due = await store.transaction((tx) => tx.contactPlans.due(at + 5 * minute, 100));
    expect(due.filter((p) => p.loanId === loan.id).map((p) => p.id)).toEqual([early.id]);
    expect(await store.transaction((tx) => tx.contactPlans.setStatus(early.id, "judged"))).toBe(
      true,
    );
    expect(await store.transaction((tx) => tx.contactPlans.setStatus(early.id, "dropped"))).toBe(
      false,
    );
    expect(await store.transaction((tx) => tx.contactPlans.listPendingByLoan(loan.id))).toEqual([
      late,
    ]);
  });

  it("sends each outbox message through one dispatcher at a time and counts what happened", async () => {
    const loan = await seedLoan();
    const decided = attempt(loan);
    await store.transaction((tx) => tx.contactAttempts.insert(decided));
    const message: OutboxRecord = {
      id: uid("msg"),
      attemptId: decided.id,
      borrowerId: loan.borrowerId,
      loanId: loan.id,
      recipientKind: "borrower",
      contactId: undefined,
      channel: "sms",
      template: "reminder",
      language: "zh-CN",
      values: '{"amount":"536.00"}',
      status: "pending",
      tries: 0,
      nextTryAt: at,
      lastError: undefined,
      createdAt: at,
      sentAt: undefined,
    };
    const before = await store.transaction((tx) => tx.outbox.countByStatus());
    await store.transaction((tx) => tx.outbox.insert(message));
    expect(await store.transaction((tx) => tx.outbox.get(message.id))).toEqual(message);
    expect((await store.transaction((tx) => tx.outbox.due(at, 100))).map((m) => m.id)).toContain(
      message.id,
    );
    expect(await store.transaction((tx) => tx.outbox.claim(message.id, at, at + 5 * minute))).toBe(
      true,
    );
    expect(await store.transaction((tx) => tx.outbox.claim(message.id, at, at + 5 * minute))).toBe(
      false,
    );
    expect(
      (await store.transaction((tx) => tx.outbox.due(at + minute, 100))).map((m) => m.id),
    ).not.toContain(message.id);
    await store.transaction((tx) =>
      tx.outbox.markTry(message.id, {
        tries: 1,
        nextTryAt: at + 2 * minute,
        lastError: "provider 503",
        status: "pending",
      }),
    );
    expect(
      (await store.transaction((tx) => tx.outbox.due(at + 2 * minute, 100))).map((m) => m.id),
    ).toContain(message.id);
    await store.transaction((tx) => tx.outbox.markSent(message.id, at + 3 * minute));
    const sent = await store.transaction((tx) => tx.outbox.get(message.id));
    expect(sent).toMatchObject({
      status: "sent",
      tries: 1,
      sentAt: at + 3 * minute,
      lastError: "provider 503",
    });
    const after = await store.transaction((tx) => tx.outbox.countByStatus());
    expect(after.sent).toBe(before.sent + 1);
  });

  it("keeps consents, withdrawals, preferences, promises and holds", async () => {
    const loan = await seedLoan();
    const b = loan.borrowerId;
    await store.transaction(async (tx) => {
      await tx.choices.insertConsent({
        id: "con-1",
        borrowerId: b,
        purpose: "emergency_contact",
        contactId: "ec1",
        noticeVersion: "notice-1",
        channel: "app",
        grantedAt: at,
        withdrawnAt: undefined,
        withdrawChannel: undefined,
      });
      await tx.choices.insertPreference({
        id: uid("pref"),
        borrowerId: b,
        kind: "channel_opt_out",
        recipientKind: "borrower",
        contactId: undefined,
        channel: "sms",
        value: "true",
        at,
      });
      await tx.choices.insertPromise({
        id: uid("prom"),
        borrowerId: b,
        loanId: loan.id,
        until: "2026-03-01",
        createdAt: at,
        status: "open",
      });
      await tx.choices.insertHold({
        id: "hold-1",
        borrowerId: b,
        kind: "complaint",
        loanId: undefined,
        detail: "collection_conduct",
        since: at,
        decidedAt: undefined,
        decision: undefined,
      });
    });
    expect(
      await store.transaction((tx) => tx.choices.withdrawConsent("con-1", at + minute, "web")),
    ).toBe(true);
    expect(
      await store.transaction((tx) => tx.choices.withdrawConsent("con-1", at + 2 * minute, "web")),
    ).toBe(false);
    const consents = await store.transaction((tx) => tx.choices.consents(b));
    expect(consents).toEqual([
      {
        id: "con-1",
        borrowerId: b,
        purpose: "emergency_contact",
        contactId: "ec1",
        noticeVersion: "notice-1",
        channel: "app",
        grantedAt: at,
        withdrawnAt: at + minute,
        withdrawChannel: "web",
      },
    ]);
    expect((await store.transaction((tx) => tx.choices.preferences(b)))[0]).toMatchObject({
      kind: "channel_opt_out",
      channel: "sms",
    });
    const [promise] = await store.transaction((tx) => tx.choices.promises(b));
    await store.transaction((tx) => tx.choices.setPromiseStatus(promise?.id ?? "", "kept"));
    expect((await store.transaction((tx) => tx.choices.promises(b)))[0]?.status).toBe("kept");
    expect(
      await store.transaction((tx) => tx.choices.decideHold("hold-1", at + minute, "upheld")),
    ).toBe(true);
    expect(
      await store.transaction((tx) => tx.choices.decideHold("hold-1", at + minute, "upheld")),
    ).toBe(false);
    expect((await store.transaction((tx) => tx.choices.holds(b)))[0]).toMatchObject({
      decidedAt: at + minute,
      decision: "upheld",
    });
  });

  it("delivers an inbox message or call task once per message id", async () => {
    const loan = await seedLoan();
    const delivery = {
      id: uid("msg"),
      kind: "call_task" as const,
      attemptId: uid("att"),
      borrowerId: loan.borrowerId,
      loanId: loan.id,
      recipientKind: "borrower" as const,
      contactId: undefined,
      template: "collection_call",
      sealed: "",
      createdAt: at,
      status: "open" as const,
    };
    expect(await store.transaction((tx) => tx.deliveries.insert(delivery))).toBe(true);
    expect(await store.transaction((tx) => tx.deliveries.insert(delivery))).toBe(false);
    const open = await store.transaction((tx) =>
      tx.deliveries.list(
        { kind: "call_task", borrowerId: loan.borrowerId, status: "open" },
        { limit: 10 },
      ),
    );
    expect(open).toEqual([delivery]);
    await store.transaction((tx) => tx.deliveries.closeCallTask(delivery.attemptId));
    const done = await store.transaction((tx) =>
      tx.deliveries.list(
        { kind: "call_task", borrowerId: loan.borrowerId, status: "done" },
        { limit: 10 },
      ),
    );
    expect(done.map((d) => d.id)).toEqual([delivery.id]);
  });
});
