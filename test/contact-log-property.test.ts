import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { proposeContact, recordOutcome } from "../src/app/contacts/agent-contact.js";
import { recordConsent } from "../src/app/contacts/choices.js";
import type { ContactLogEntry } from "../src/app/contacts/contact-log.js";
import { contactLog } from "../src/app/contacts/contact-log.js";
import type { AppContext } from "../src/app/context.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { channels } from "../src/domain/policy/attempt.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/** Random histories per store: each one a fresh borrower and loan in the same store. */
const runs = 12;
const hour = 3_600_000;

type Action =
  | {
      kind: "contact";
      channel: (typeof channels)[number];
      to: "borrower" | "ec1" | "stranger";
      hours: number;
    }
  | { kind: "consent"; action: "grant" | "withdraw"; hours: number }
  | {
      kind: "outcome";
      result: "answered" | "no_answer" | "refused" | "wrong_number";
      hours: number;
    };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("contact" as const),
    channel: fc.constantFrom(...channels),
    to: fc.constantFrom("borrower" as const, "ec1" as const, "stranger" as const),
    hours: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({
    kind: fc.constant("consent" as const),
    action: fc.constantFrom("grant" as const, "withdraw" as const),
    hours: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({
    kind: fc.constant("outcome" as const),
    result: fc.constantFrom(
      "answered" as const,
      "no_answer" as const,
      "refused" as const,
      "wrong_number" as const,
    ),
    hours: fc.integer({ min: 0, max: 30 }),
  }),
);

describe.each(storeKinds)("the contact log on %s (property)", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-log-prop-"));
  const db = testDatabase(kind);
  let now = Date.UTC(2026, 1, 15, 2);
  let ctx: AppContext;
  let counter = 0;
  let run = 0;

  beforeAll(async () => {
    ctx = await openApp(
      { databaseUrl: await db.url(), sqlitePath: join(dir, "p.db"), keyFile: join(dir, "p.key") },
      {
        clock: { now: () => now },
        ids: { next: (p) => `${p}_${String(++counter).padStart(7, "0")}` },
      },
    );
    const product = await createProduct(ctx, {
      id: "flat",
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [12],
    });
    expect(product.ok).toBe(true);
  });
  afterAll(async () => {
    await ctx?.store.close();
    await db.drop();
  });

  it("has exactly one entry per decision; only allowed ones leave, each once, through the outbox or as a call task", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const borrower = `pb${++run}`;
        await registerBorrower(ctx, {
          id: borrower,
          timezone: "Asia/Shanghai",
          phone: "+8613800000009",
          emergencyContacts: [{ id: "ec1", relation: "sibling", phone: "+8613900000009" }],
        });
        const loan = await originate(ctx, {
          orderId: `o-${borrower}`,
          borrowerId: borrower,
          productId: "flat",
          principal: "1200.00",
          installments: 12,
          date: "2026-01-10",
        });
        if (!loan.ok) throw new Error(loan.error.message);
        const loanId = loan.value.loan.id;
        const decisions: ContactLogEntry[] = [];
        let lastAllowed: ContactLogEntry | undefined;
        let consent = false;
        for (const a of actions) {
          now += a.hours * hour;
          if (a.kind === "contact") {
            const decided = await proposeContact(ctx, loanId, { channel: a.channel, to: a.to });
            if (!decided.ok) throw new Error(decided.error.message);
            decisions.push(decided.value);
            if (decided.value.outcome !== "allow") continue;
            lastAllowed = decided.value;
            // The family only with a standing consent (unreachability is the engine's own
            // property tests' business); a stranger never.
            if (a.to !== "borrower") expect(a.to === "ec1" && consent).toBe(true);
          } else if (a.kind === "consent") {
            const done = await recordConsent(ctx, borrower, { action: a.action, contact: "ec1" });
            if (done.ok) consent = a.action === "grant";
          } else if (lastAllowed) {
            await recordOutcome(ctx, lastAllowed.id, { result: a.result });
          }
        }
        const log = await contactLog(ctx, borrower, { limit: 500 });
        if (!log.ok) throw new Error(log.error.message);
        expect(log.value.map((e) => e.id).sort()).toEqual(decisions.map((d) => d.id).sort());
        const [outbox, tasks] = await ctx.store.transaction(async (tx) => [
          (await tx.outbox.due(Number.MAX_SAFE_INTEGER, 100_000)).filter(
            (m) => m.borrowerId === borrower,
          ),
          await tx.deliveries.list({ kind: "call_task", borrowerId: borrower }, { limit: 500 }),
        ]);
        const allowed = decisions.filter((d) => d.outcome === "allow");
        expect(outbox.map((m) => m.attemptId).sort()).toEqual(
          allowed
            .filter((d) => d.channel !== "phone")
            .map((d) => d.id)
            .sort(),
        );
        expect(tasks.map((t) => t.attemptId).sort()).toEqual(
          allowed
            .filter((d) => d.channel === "phone")
            .map((d) => d.id)
            .sort(),
        );
      }),
      { numRuns: runs },
    );
  }, 120_000);
});
