import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmsHttpSender } from "../src/adapters/channels/sms-http-sender.js";
import { createSmtpSender, smtpFromDefault } from "../src/adapters/channels/smtp-sender.js";
import { IcuMessageRenderer } from "../src/adapters/channels/templates/icu-renderer.js";
import { contactLog } from "../src/app/contacts/contact-log.js";
import type { Dispatch } from "../src/app/contacts/dispatch.js";
import { seedDemo } from "../src/cli/commands/seed-demo.js";
import { openApp } from "../src/cli/compose.js";
import { cnDefaultLadder } from "../src/domain/strategy/default-ladders.js";
import { startContactRunner } from "../src/jobs/contact-runner.js";
import type { ChannelSender } from "../src/ports/channel.js";
import { type SmsProvider, startSmsProvider } from "./support/sms-provider.js";
import { type SmtpSink, startSmtpSink } from "./support/smtp-sink.js";

/** 2026-12-01 10:00 in Shanghai: inside the contact window. */
const now = Date.UTC(2026, 11, 1, 2);

describe("fenqi serve's overdue handling on the demo store", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-demo-contacts-"));
  const config = {
    databaseUrl: undefined,
    sqlitePath: join(dir, "demo.db"),
    keyFile: join(dir, "demo.key"),
  };
  let sink: SmtpSink;
  let provider: SmsProvider;

  beforeAll(async () => {
    [sink, provider] = await Promise.all([startSmtpSink(), startSmsProvider()]);
    await seedDemo(config, { now: () => now });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sink?.close(), provider?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends today's default-ladder reminders for the demo loans through the configured channels, and nothing stale", async () => {
    const ctx = await openApp(config, { clock: { now: () => now } });
    const dispatch: Dispatch = {
      senders: new Map<ChannelSender["channel"], ChannelSender>([
        ["email", createSmtpSender({ url: sink.url, from: smtpFromDefault })],
        ["sms", createSmsHttpSender({ url: provider.url })],
      ]),
      renderer: new IcuMessageRenderer(),
      lender: {
        name: "fenqi",
        callbackNumber: "400-000-0000",
        optOutUrl: "https://fenqi.local/td",
      },
    };
    const lines: string[] = [];
    const runner = startContactRunner(ctx, {
      strategy: () => cnDefaultLadder,
      dispatch,
      timeZone: "Asia/Shanghai",
      pollMs: 3_600_000,
      report: (line) => lines.push(line),
    });
    try {
      await runner.tick();
      await runner.tick();
    } finally {
      await runner.stop();
    }
    // b1's new bill is due in three days: the D-3 SMS reminder; b4's is five days late: the D+5
    // e-mail. (The older demo loans, long overdue, have later installments falling due too.)
    const toB1 = provider.delivered.filter((m) => m.to === "+8613800000001");
    expect(toB1.length).toBeGreaterThanOrEqual(1);
    expect(toB1.every((m) => m.lang === "zh-CN" && m.text.includes("回复TD退订"))).toBe(true);
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([["b4@example.com"]]);
    // 400.00 principal + 14.40 fee + one day of penalty after the 3-day grace (0.20).
    expect(sink.messages[0]?.text).toContain("¥414.60");
    expect(provider.requests.length).toBe(provider.delivered.length);
    // The simulated history's messages from June are never sent now.
    const b1 = await contactLog(ctx, "b1", { limit: 500 });
    const today = b1.ok ? b1.value.filter((e) => e.at.startsWith("2026-12-01")) : [];
    expect(today.map((e) => [e.channel, e.template, e.outcome])).toEqual(
      expect.arrayContaining([
        ["in_app", "reminder", "allow"],
        ["sms", "reminder", "allow"],
      ]),
    );
    expect(b1.ok && b1.value.filter((e) => e.at < "2026-12-01").length).toBeGreaterThan(0);
    // Exactly today's allowed SMS went out: none of the simulated June messages still pending.
    let smsToday = 0;
    for (const borrower of ["b1", "b2", "b3", "b4"]) {
      const log = await contactLog(ctx, borrower, { limit: 500 });
      if (!log.ok) throw new Error(log.error.message);
      smsToday += log.value.filter(
        (e) => e.channel === "sms" && e.outcome === "allow" && e.at.startsWith("2026-12-01"),
      ).length;
    }
    expect(provider.delivered.length).toBe(smsToday);
    for (const sender of dispatch.senders.values()) await sender.close();
    await ctx.store.close();
    expect(lines.join("\n")).toContain("planned");
  });
});
