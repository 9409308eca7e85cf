import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmsHttpSender } from "../src/adapters/channels/sms-http-sender.js";
import { createSmtpSender, smtpFromDefault } from "../src/adapters/channels/smtp-sender.js";
import { IcuMessageRenderer } from "../src/adapters/channels/templates/icu-renderer.js";
import { registerBorrower } from "../src/app/borrowers.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import { proposeContact, recordOutcome } from "../src/app/contacts/agent-contact.js";
import { recordConsent } from "../src/app/contacts/choices.js";
import { contactLog } from "../src/app/contacts/contact-log.js";
import { type Dispatch, dispatchDue, dispatchLeaseMs } from "../src/app/contacts/dispatch.js";
import { inbox } from "../src/app/contacts/inbox.js";
import type { AppContext } from "../src/app/context.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { addDays } from "../src/domain/calendar/civil-date.js";
import { parseInstant } from "../src/domain/calendar/instant.js";
import type { ChannelSender } from "../src/ports/channel.js";
import { type SmsProvider, startSmsProvider } from "./support/sms-provider.js";
import { type SmtpSink, startSmtpSink } from "./support/smtp-sink.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

function instant(text: string): number {
  const parsed = parseInstant(text, "at");
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
}

const phone = "+8613800000001";
const email = "b1@example.com";
const contactPhone = "+8613900000001";

describe.each(storeKinds)("contacts from decision to channel on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-contacts-"));
  const db = testDatabase(kind);
  let now = instant("2026-01-10T02:00:00Z");
  let ctx: AppContext;
  let counter = 0;
  let sink: SmtpSink;
  let provider: SmsProvider;
  let dispatch: Dispatch;
  let loanId = "";

  const renderer = new IcuMessageRenderer();
  const lender = {
    name: "好分期",
    callbackNumber: "400-800-1234",
    optOutUrl: "https://fenqi.local/td",
  };

  beforeAll(async () => {
    [sink, provider] = await Promise.all([startSmtpSink(), startSmsProvider()]);
    dispatch = {
      senders: new Map<ChannelSender["channel"], ChannelSender>([
        ["email", createSmtpSender({ url: sink.url, from: smtpFromDefault })],
        ["sms", createSmsHttpSender({ url: provider.url })],
      ]),
      renderer,
      lender,
    };
    ctx = await openApp(
      { databaseUrl: await db.url(), sqlitePath: join(dir, "c.db"), keyFile: join(dir, "c.key") },
      {
        clock: { now: () => now },
        ids: { next: (p) => `${p}_${String(++counter).padStart(6, "0")}` },
      },
    );
    const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
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
    must(
      await registerBorrower(ctx, {
        id: "b1",
        timezone: "Asia/Shanghai",
        name: "王小明",
        phone,
        email,
        emergencyContacts: [{ id: "ec1", relation: "parent", phone: contactPhone }],
      }),
    );
    const created = must(
      await originate(ctx, {
        orderId: "o1",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      }),
    );
    loanId = created.loan.id;
    // Unpaid: the first installment (536.00, due 2026-02-10) is 5 days late on 2026-02-15.
    for (let date = "2026-01-10"; date <= "2026-02-14"; date = addDays(date, 1))
      must(await closeBusinessDay(ctx, date));
    now = instant("2026-02-15T02:00:00Z"); // 10:00 in Shanghai
  });

  afterAll(async () => {
    for (const sender of dispatch?.senders.values() ?? []) await sender.close();
    await ctx?.store.close();
    await Promise.all([sink?.close(), provider?.close()]);
    await db.drop();
  });

  it("sends an allowed SMS and e-mail to the borrower with the overdue amount, in zh-CN, with the opt-out line", async () => {
    const sms = await proposeContact(ctx, loanId, {
      channel: "sms",
      to: "borrower",
      template: "overdue_notice",
    });
    const mail = await proposeContact(ctx, loanId, {
      channel: "email",
      to: "borrower",
      template: "overdue_consequences",
    });
    expect(sms.ok && sms.value.outcome).toBe("allow");
    expect(mail.ok && mail.value.outcome).toBe("allow");
    const run = await dispatchDue(ctx, dispatch);
    expect(run).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(provider.delivered).toHaveLength(1);
    const text = provider.delivered[0];
    expect(text?.to).toBe(phone);
    expect(text?.lang).toBe("zh-CN");
    expect(text?.text).toContain("536.00");
    expect(text?.text).toContain("回复TD退订");
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]?.envelopeTo).toEqual([email]);
    expect(sink.messages[0]?.language).toBe("zh-CN");
    expect(sink.messages[0]?.text).toContain("536.00");
    expect(sink.messages[0]?.text).toContain("https://fenqi.local/td");
    // Sent once: a second pass finds nothing due.
    expect(await dispatchDue(ctx, dispatch)).toEqual({ sent: 0, retried: 0, failed: 0 });
  });

  it("delivers an in-app message into the borrower's inbox exactly once", async () => {
    const decided = await proposeContact(ctx, loanId, {
      channel: "in_app",
      to: "borrower",
      template: "overdue_notice",
    });
    expect(decided.ok && decided.value.outcome).toBe("allow");
    await dispatchDue(ctx, dispatch);
    const box = await inbox(ctx, "b1", { limit: 10 });
    expect(box.ok && box.value).toHaveLength(1);
    expect(box.ok && box.value[0]?.body).toContain("536.00");
  });

  it("re-sends a message whose dispatcher died mid-send, and the provider delivers it once", async () => {
    const decided = await proposeContact(ctx, loanId, {
      channel: "sms",
      to: "borrower",
      template: "overdue_notice",
    });
    expect(decided.ok && decided.value.outcome).toBe("allow");
    const before = provider.delivered.length;
    const requestsBefore = provider.requests.length;
    // This dispatcher reaches the provider and then never hears back (the process is killed).
    const real = dispatch.senders.get("sms") as ChannelSender;
    const dying: ChannelSender = {
      channel: "sms",
      send: async (message) => {
        await real.send(message);
        return new Promise(() => {});
      },
      close: async () => {},
    };
    void dispatchDue(ctx, { ...dispatch, senders: new Map([["sms", dying]]) });
    await vitestWaitFor(() => provider.requests.length > requestsBefore);
    // Until its lease ends nobody else takes the message.
    expect(await dispatchDue(ctx, dispatch)).toEqual({ sent: 0, retried: 0, failed: 0 });
    now += dispatchLeaseMs + 1;
    expect(await dispatchDue(ctx, dispatch)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(provider.requests.length).toBe(requestsBefore + 2);
    expect(provider.delivered.length).toBe(before + 1);
  });

  it("retries a failing provider with backoff and ends the message as failed after the last try", async () => {
    const decided = await proposeContact(ctx, loanId, {
      channel: "sms",
      to: "borrower",
      template: "overdue_notice",
    });
    expect(decided.ok && decided.value.outcome).toBe("allow");
    provider.failNext(1, 503);
    expect((await dispatchDue(ctx, dispatch)).retried).toBe(1);
    provider.failNext(1, 400);
    now += 3_600_000;
    expect((await dispatchDue(ctx, dispatch)).failed).toBe(1);
  });

  it("refuses the family without consent and without unreachability, logs every decision, and sends nothing", async () => {
    const sentBefore = provider.requests.length;
    const noConsent = await proposeContact(ctx, loanId, { channel: "sms", to: "ec1" });
    expect(noConsent.ok && noConsent.value.outcome).toBe("deny");
    expect(noConsent.ok && noConsent.value.rules).toContain("CN-CONTACT-CONSENT");
    const receipt = await recordConsent(ctx, "b1", {
      action: "grant",
      contact: "ec1",
      channel: "app",
    });
    expect(receipt.ok && receipt.value.digest).toMatch(/^[0-9a-f]{64}$/);
    const reachable = await proposeContact(ctx, loanId, { channel: "sms", to: "ec1" });
    expect(reachable.ok && reachable.value.outcome).toBe("deny");
    expect(reachable.ok && reachable.value.rules).toEqual(["CN-CONTACT-PERSON"]);
    await dispatchDue(ctx, dispatch);
    expect(provider.requests.length).toBe(sentBefore);
    const log = await contactLog(ctx, "b1", { limit: 500 });
    expect(
      log.ok && log.value.filter((e) => e.recipient === "contact").map((e) => e.outcome),
    ).toEqual(["deny", "deny"]);
    expect(log.ok && log.value.every((e) => e.inputHash.length === 64)).toBe(true);
  });

  it("turns an allowed call into a call task and records its outcome once", async () => {
    const call = await proposeContact(ctx, loanId, { channel: "phone", to: "borrower" });
    expect(call.ok && call.value.outcome).toBe("allow");
    const id = call.ok ? call.value.id : "";
    expect((await recordOutcome(ctx, id, { result: "answered" })).ok).toBe(true);
    const again = await recordOutcome(ctx, id, { result: "no_answer" });
    expect(!again.ok && again.error.code).toBe("conflict");
    const late = await proposeContact(ctx, loanId, { channel: "phone", to: "borrower" });
    now = instant("2026-02-15T14:30:00Z"); // 22:30 in Shanghai
    const night = await proposeContact(ctx, loanId, { channel: "phone", to: "borrower" });
    expect(late.ok && late.value.outcome).toBe("allow");
    expect(night.ok && night.value).toMatchObject({
      outcome: "defer",
      until: "2026-02-16T00:00:00Z",
      rules: ["CN-TIME-WINDOW"],
    });
  });
});

async function vitestWaitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
