import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createSmsHttpSender,
  isRetryableStatus,
  smsConfigFromEnv,
} from "../src/adapters/channels/sms-http-sender.js";
import {
  classifySmtpError,
  createSmtpSender,
  smtpConfigFromEnv,
  smtpFromDefault,
} from "../src/adapters/channels/smtp-sender.js";
import { IcuMessageRenderer } from "../src/adapters/channels/templates/icu-renderer.js";
import type {
  ChannelSender,
  Language,
  MessageValues,
  OutboundMessage,
  SendResult,
} from "../src/ports/channel.js";
import { type SmsProvider, startSmsProvider } from "./support/sms-provider.js";
import { type SmtpSink, startSmtpSink } from "./support/smtp-sink.js";

const renderer = new IcuMessageRenderer();

const values: MessageValues = {
  lenderName: "安心消费金融",
  callbackNumber: "400-820-0000",
  borrowerName: "张伟",
  amount: "1234.56",
  currency: "CNY",
  dueDate: "2026-03-05",
  daysPastDue: 12,
  loanId: "L-7f3a",
  optOutUrl: "https://fenqi.local/opt-out/abc123",
};

function message(
  channel: "email" | "sms",
  messageId: string,
  to: string,
  language: Language,
  template = "overdue_consequences",
  extra: Partial<MessageValues> = {},
): OutboundMessage {
  const rendered = renderer.render(template, language, channel, { ...values, ...extra });
  return { messageId, channel, to, language, subject: rendered.subject, body: rendered.body };
}

/** A failure, with a reason that holds neither the address nor any of the text. */
function expectFailure(result: SendResult, sent: OutboundMessage): { retryable: boolean } {
  if (result.ok) throw new Error("expected the send to fail");
  expect(result.reason).not.toContain(sent.to);
  expect(result.reason).not.toContain("@");
  for (const line of sent.body.split("\n").filter((l) => l.length > 3)) {
    expect(result.reason).not.toContain(line);
  }
  return { retryable: result.retryable };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("e-mail through SMTP", () => {
  let sink: SmtpSink;
  let sender: ChannelSender;

  beforeAll(async () => {
    sink = await startSmtpSink();
    sender = createSmtpSender({ url: sink.url, from: smtpFromDefault });
  });
  afterAll(async () => {
    await sender.close();
    await sink.close();
  });

  it("delivers a zh-CN message with its subject, amount, language and Message-ID", async () => {
    const sent = message("email", "m-zh-1", "zhang.wei@example.cn", "zh-CN");
    expect(await sender.send(sent)).toEqual({ ok: true, providerId: undefined });
    const got = sink.messages.find((m) => m.messageId === "<m-zh-1@fenqi>");
    expect(got?.subject).toBe("安心消费金融：逾期12天的影响说明");
    expect(got?.text).toContain("待还金额¥1,234.56。");
    expect(got?.text).toContain("请访问 https://fenqi.local/opt-out/abc123 退订。");
    expect(got?.language).toBe("zh-CN");
    expect(got?.envelopeTo).toEqual(["zhang.wei@example.cn"]);
    expect(got?.envelopeFrom).toBe("no-reply@fenqi.local");
    expect(got?.from).toContain("no-reply@fenqi.local");
  });

  it("delivers an en message with the dollar amount", async () => {
    const sent = message("email", "m-en-1", "jane@example.com", "en", "overdue_consequences", {
      lenderName: "Acme Finance",
      borrowerName: "Jane Roe",
      currency: "USD",
    });
    expect((await sender.send(sent)).ok).toBe(true);
    const got = sink.messages.find((m) => m.messageId === "<m-en-1@fenqi>");
    expect(got?.subject).toBe("Acme Finance: what happens if your installment stays unpaid");
    expect(got?.text).toContain("The amount outstanding is $1,234.56.");
    expect(got?.text).toContain("To stop receiving e-mails from us, visit https://fenqi.local/");
    expect(got?.language).toBe("en");
  });

  it("re-sends a message under the same Message-ID, so the sink counts it once", async () => {
    const sent = message("email", "m-repeat", "zhang.wei@example.cn", "zh-CN", "reminder");
    const before = sink.messages.length;
    expect((await sender.send(sent)).ok).toBe(true);
    expect((await sender.send(sent)).ok).toBe(true);
    const copies = sink.messages.slice(before);
    expect(copies.map((m) => m.messageId)).toEqual(["<m-repeat@fenqi>", "<m-repeat@fenqi>"]);
    expect(sink.uniqueMessageIds().filter((id) => id === "<m-repeat@fenqi>")).toHaveLength(1);
    expect(new Set(sink.uniqueMessageIds()).size).toBe(sink.uniqueMessageIds().length);
  });

  it("fails for good when the server rejects the recipient with 550", async () => {
    sink.failNextRecipients(1, 550);
    const sent = message("email", "m-550", "nobody@example.cn", "zh-CN");
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(false);
    expect(result).toMatchObject({ reason: "smtp 550 5.1.1 EENVELOPE" });
  });

  it("retries when the server defers the recipient with 450", async () => {
    sink.failNextRecipients(1, 450);
    const sent = message("email", "m-450", "later@example.cn", "zh-CN");
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(true);
    expect((await sender.send(sent)).ok).toBe(true);
  });

  it("retries when the connection is refused", async () => {
    const port = await closedPort();
    const down = createSmtpSender({ url: `smtp://127.0.0.1:${port}`, from: smtpFromDefault });
    const sent = message("email", "m-down", "zhang.wei@example.cn", "zh-CN");
    const result = await down.send(sent);
    await down.close();
    expect(expectFailure(result, sent).retryable).toBe(true);
    expect(result).toMatchObject({ reason: expect.stringMatching(/^smtp (ESOCKET|ECONNECTION)$/) });
  });

  it("works with a pooled transport and closes it", async () => {
    const pooled = createSmtpSender({ url: sink.url, from: "Ops <ops@fenqi.local>", pool: true });
    const first = message("email", "m-pool-1", "a@example.cn", "zh-CN", "reminder");
    const second = message("email", "m-pool-2", "b@example.cn", "en", "reminder");
    expect((await pooled.send(first)).ok).toBe(true);
    expect((await pooled.send(second)).ok).toBe(true);
    await pooled.close();
    expect(sink.messages.find((m) => m.messageId === "<m-pool-2@fenqi>")?.envelopeFrom).toBe(
      "ops@fenqi.local",
    );
  });

  it("refuses another channel and an id that cannot be a Message-ID, without sending", async () => {
    const before = sink.messages.length;
    const sms = { ...message("email", "m-x", "a@example.cn", "en"), channel: "sms" as const };
    expect(await sender.send(sms)).toEqual({
      ok: false,
      retryable: false,
      reason: "smtp cannot send sms",
    });
    const odd = message("email", "m<1>@evil", "a@example.cn", "en");
    expect(await sender.send(odd)).toMatchObject({ ok: false, retryable: false });
    expect(sink.messages.length).toBe(before);
  });
});

describe("SMTP error classification", () => {
  it.each([
    [{ code: "EENVELOPE", responseCode: 550, response: "550 5.1.1 <x@y.cn>: unknown" }, false],
    [{ code: "EMESSAGE", responseCode: 554, response: "554 5.7.1 rejected" }, false],
    [{ code: "EENVELOPE" }, false],
    [{ code: "EENVELOPE", responseCode: 452, response: "452 4.2.2 mailbox full" }, true],
    [{ code: "EPROTOCOL", responseCode: 421, response: "421 4.3.2 shutting down" }, true],
    [{ code: "ETIMEDOUT" }, true],
    [{ code: "ECONNECTION" }, true],
    [{ code: "EAUTH", responseCode: 535, response: "535 5.7.8 bad credentials" }, true],
    ["a string thrown", true],
  ])("%o → retryable %s", (error, retryable) => {
    const result = classifySmtpError(error);
    expect(result).toMatchObject({ ok: false, retryable });
    if (!result.ok) expect(result.reason).not.toContain("x@y.cn");
  });

  it("reads its settings from SMTP_URL and SMTP_FROM", () => {
    expect(smtpConfigFromEnv({ SMTP_URL: "smtp://127.0.0.1:2525" })).toEqual({
      url: "smtp://127.0.0.1:2525",
      from: "fenqi <no-reply@fenqi.local>",
    });
    expect(smtpConfigFromEnv({ SMTP_URL: "smtp://h:25", SMTP_FROM: "X <x@h>" }).from).toBe(
      "X <x@h>",
    );
    expect(() => smtpConfigFromEnv({})).toThrow("SMTP_URL is not set");
  });
});

describe("SMS through an HTTP provider", () => {
  let provider: SmsProvider;

  beforeAll(async () => {
    provider = await startSmsProvider();
  });
  afterAll(async () => {
    await provider.close();
  });
  beforeEach(() => {
    provider.failNext(0, 500);
  });

  it("POSTs the provider JSON with the outbox id as Idempotency-Key", async () => {
    const sender = createSmsHttpSender({ url: provider.url, token: "t0k" });
    const sent = message("sms", "s-zh-1", "+8613800000001", "zh-CN");
    const result = await sender.send(sent);
    expect(result).toMatchObject({ ok: true, providerId: expect.stringMatching(/^sms-\d+$/) });
    const request = provider.requests.at(-1);
    expect(request).toMatchObject({
      method: "POST",
      path: "/messages",
      idempotencyKey: "s-zh-1",
      authorization: "Bearer t0k",
      status: 201,
    });
    expect(request?.body).toEqual({
      messageId: "s-zh-1",
      to: "+8613800000001",
      text: sent.body,
      lang: "zh-CN",
    });
    expect(sent.body).toContain("待还¥1,234.56");
    expect(sent.body.endsWith("回复TD退订")).toBe(true);
  });

  it("delivers a repeated send once, with the same provider id", async () => {
    const sender = createSmsHttpSender({ url: provider.url });
    const sent = message("sms", "s-repeat", "+15555550123", "en", "reminder", {
      currency: "USD",
    });
    const first = await sender.send(sent);
    const second = await sender.send(sent);
    expect(first.ok && second.ok).toBe(true);
    expect(second).toEqual(first);
    expect(provider.delivered.filter((d) => d.messageId === "s-repeat")).toHaveLength(1);
    expect(provider.requests.filter((r) => r.idempotencyKey === "s-repeat")).toHaveLength(2);
    expect(provider.delivered.find((d) => d.messageId === "s-repeat")?.text).toContain(
      "$1,234.56 is due on March 5, 2026",
    );
  });

  it("retries after a 500 and delivers once the provider recovers", async () => {
    const sender = createSmsHttpSender({ url: provider.url });
    const sent = message("sms", "s-500", "+8613800000002", "zh-CN");
    provider.failNext(1, 500);
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(true);
    expect(result).toMatchObject({ reason: "sms http 500" });
    expect(provider.delivered.some((d) => d.messageId === "s-500")).toBe(false);
    expect((await sender.send(sent)).ok).toBe(true);
    expect(provider.delivered.filter((d) => d.messageId === "s-500")).toHaveLength(1);
  });

  it("fails for good on a 400", async () => {
    const sender = createSmsHttpSender({ url: provider.url });
    const sent = message("sms", "s-400", "+8613800000003", "zh-CN");
    provider.failNext(1, 400);
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(false);
    expect(result).toMatchObject({ reason: "sms http 400" });
  });

  it("fails for good on a body the provider refuses", async () => {
    const sender = createSmsHttpSender({ url: provider.url });
    const wrong = { ...message("sms", "s-bad", "+8613800000004", "zh-CN"), body: undefined };
    const result = await sender.send(wrong as unknown as OutboundMessage);
    expect(result).toEqual({ ok: false, retryable: false, reason: "sms http 400" });
  });

  it("classifies statuses: 408, 429 and 5xx retry; other 4xx do not", () => {
    expect(
      [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503].map(isRetryableStatus),
    ).toEqual([false, false, false, false, true, false, false, false, true, true, true, true]);
  });

  it("retries when the provider cannot be reached", async () => {
    const port = await closedPort();
    const sender = createSmsHttpSender({ url: `http://127.0.0.1:${port}/messages` });
    const sent = message("sms", "s-down", "+8613800000005", "zh-CN");
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(true);
    expect(result).toMatchObject({ reason: "sms network TypeError" });
  });

  it("retries when the provider does not answer in time", async () => {
    const sender = createSmsHttpSender({ url: provider.url, timeoutMs: 50 });
    const sent = message("sms", "s-slow", "+8613800000006", "zh-CN");
    provider.delayNext(1, 400);
    const result = await sender.send(sent);
    expect(expectFailure(result, sent).retryable).toBe(true);
    expect(result).toMatchObject({ reason: "sms network TimeoutError" });
  });

  it("refuses another channel without a request", async () => {
    const sender = createSmsHttpSender({ url: provider.url });
    const before = provider.requests.length;
    const email = { ...message("sms", "s-x", "+8613800000007", "en"), channel: "email" as const };
    expect(await sender.send(email)).toEqual({
      ok: false,
      retryable: false,
      reason: "sms cannot send email",
    });
    expect(provider.requests.length).toBe(before);
  });

  it("reads its settings from SMS_URL and SMS_TOKEN", () => {
    expect(smsConfigFromEnv({ SMS_URL: "http://127.0.0.1:4010/messages" })).toEqual({
      url: "http://127.0.0.1:4010/messages",
    });
    expect(smsConfigFromEnv({ SMS_URL: "http://h/m", SMS_TOKEN: "k" }).token).toBe("k");
    expect(() => smsConfigFromEnv({})).toThrow("SMS_URL is not set");
  });
});
