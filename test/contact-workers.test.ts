import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmsHttpSender } from "../src/adapters/channels/sms-http-sender.js";
import { IcuMessageRenderer } from "../src/adapters/channels/templates/icu-renderer.js";
import { PgBossContactQueue } from "../src/adapters/jobs/pg-boss-contact-queue.js";
import { registerBorrower } from "../src/app/borrowers.js";
import { proposeContact } from "../src/app/contacts/agent-contact.js";
import type { Dispatch } from "../src/app/contacts/dispatch.js";
import type { AppContext } from "../src/app/context.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { startQueuedContactRunner } from "../src/jobs/contact-runner.js";
import type { ChannelSender } from "../src/ports/channel.js";
import { type SmsProvider, startSmsProvider } from "./support/sms-provider.js";
import { testDatabase } from "./support/stores.js";

/** 10:00 in Shanghai: inside the window. */
const now = Date.UTC(2026, 1, 15, 2);
const messages = 12;

/**
 * Two workers on one PostgreSQL database share the overdue-handling passes through pg-boss: each
 * offers the pass of every slot, one pass per slot runs, and every message reaches the provider
 * once however the passes fall between the workers.
 */
describe("overdue-handling passes shared by workers on PostgreSQL", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-contact-workers-"));
  const db = testDatabase("postgres");
  let provider: SmsProvider;
  const contexts: AppContext[] = [];
  const queues: PgBossContactQueue[] = [];
  let clock = now;

  beforeAll(async () => {
    provider = await startSmsProvider();
    const url = await db.url();
    for (let i = 0; i < 2; i++) {
      let counter = 0;
      contexts.push(
        await openApp(
          { databaseUrl: url, sqlitePath: join(dir, "unused.db"), keyFile: join(dir, "k.key") },
          { clock: { now: () => clock }, ids: { next: (p) => `${p}_w${i}_${++counter}` } },
        ),
      );
    }
    const ctx = contexts[0] as AppContext;
    await createProduct(ctx, {
      id: "flat",
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [12],
    });
    await registerBorrower(ctx, { id: "b1", timezone: "Asia/Shanghai", phone: "+8613800000001" });
    const loan = await originate(ctx, {
      orderId: "o1",
      borrowerId: "b1",
      productId: "flat",
      principal: "1200.00",
      installments: 12,
      date: "2026-01-10",
    });
    if (!loan.ok) throw new Error(loan.error.message);
    for (let i = 0; i < messages; i++) {
      clock += 1000;
      const decided = await proposeContact(ctx, loan.value.loan.id, {
        channel: "sms",
        to: "borrower",
        template: "reminder",
      });
      if (!decided.ok || decided.value.outcome !== "allow")
        throw new Error("expected an allowed SMS");
    }
  }, 60_000);

  afterAll(async () => {
    for (const queue of queues) await queue.close();
    for (const ctx of contexts) await ctx.store.close();
    await provider?.close();
    await db.drop();
  });

  it("sends every message once", async () => {
    const url = (await db.url()) as string;
    const runners = [];
    for (const ctx of contexts) {
      const queue = await PgBossContactQueue.open(url, {
        expireInSeconds: 30,
        retryLimit: 2,
        pollingIntervalSeconds: 0.5,
      });
      queues.push(queue);
      const dispatch: Dispatch = {
        senders: new Map<ChannelSender["channel"], ChannelSender>([
          ["sms", createSmsHttpSender({ url: provider.url })],
        ]),
        renderer: new IcuMessageRenderer(),
        lender: {
          name: "fenqi",
          callbackNumber: "400-000-0000",
          optOutUrl: "https://fenqi.local/td",
        },
      };
      runners.push(
        await startQueuedContactRunner(ctx, queue, {
          strategy: undefined,
          dispatch,
          timeZone: "Asia/Shanghai",
          pollMs: 500,
          report: () => {},
        }),
      );
    }
    const deadline = Date.now() + 20_000;
    while (provider.delivered.length < messages && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const runner of runners) await runner.stop();
    expect(provider.delivered).toHaveLength(messages);
    // No message went out twice: every request the provider saw carried a distinct key.
    expect(new Set(provider.requests.map((r) => r.idempotencyKey)).size).toBe(
      provider.requests.length,
    );
    const counts = await contexts[0]?.store.transaction((tx) => tx.outbox.countByStatus());
    expect(counts).toMatchObject({ pending: 0, sent: messages, failed: 0 });
  }, 40_000);
});
