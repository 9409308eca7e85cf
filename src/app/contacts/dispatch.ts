import type { Instant } from "../../domain/calendar/instant.js";
import type { Channel } from "../../domain/policy/attempt.js";
import type {
  ChannelSender,
  Language,
  MessageRenderer,
  MessageValues,
  SendResult,
} from "../../ports/channel.js";
import type { OutboxRecord } from "../../ports/contact-store.js";
import { type OpenedBorrower, openBorrower, sealForBorrower } from "../borrowers.js";
import type { AppContext } from "../context.js";
import type { LoanMessageValues } from "./message-values.js";

const anonymousGreeting: Readonly<Record<Language, string>> = { "zh-CN": "客户", en: "Customer" };

/** The lender's own details, the only values a third party's message may carry. */
export interface LenderIdentity {
  readonly name: string;
  readonly callbackNumber: string;
  readonly optOutUrl: string;
}

/** What the dispatcher sends with, from the composition root. */
export interface Dispatch {
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly renderer: MessageRenderer;
  readonly lender: LenderIdentity;
}

/** Messages sent per pass (STYLE 10). */
export const dispatchBatchMax = 100;
/** How long a dispatcher holds a message it took before another may take it (a crash mid-send). */
export const dispatchLeaseMs = 300_000;
/**
 * A message not sent within this long of its decision is not sent at all: a reminder about a
 * due date is wrong days later, and the law's windows were judged for its own moment. It ends as
 * `failed` ("expired"), still on the log.
 */
export const dispatchStaleAfterMs = 86_400_000;
/** A message is tried this many times before it ends as `failed`. */
export const dispatchTriesMax = 5;
/** The first retry waits this long; each next one twice as long. */
export const dispatchBackoffBaseMs = 60_000;

export interface DispatchRun {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

/**
 * Sends the outbox rows that are due, at least once each: the row is marked sent only after the
 * channel accepted it, so a crash in between sends it again, and the channel de-duplicates on the
 * message id. Messages delivered inside fenqi (inbox, letters) are written and marked in one
 * transaction, so they are delivered exactly once.
 */
export async function dispatchDue(
  ctx: AppContext,
  dispatch: Dispatch,
  limit = dispatchBatchMax,
): Promise<DispatchRun> {
  const now = ctx.clock.now();
  const due = await ctx.store.transaction((tx) =>
    tx.outbox.due(now, Math.min(limit, dispatchBatchMax)),
  );
  const run = { sent: 0, retried: 0, failed: 0 };
  for (const message of due) {
    const claimed = await ctx.store.transaction((tx) =>
      tx.outbox.claim(message.id, message.nextTryAt, now + dispatchLeaseMs),
    );
    if (!claimed) continue;
    const result = await sendOne(ctx, dispatch, message).catch(
      (error: unknown): SendResult => ({
        ok: false,
        retryable: true,
        // The error's name only: a message could quote an address.
        reason: `send failed (${error instanceof Error ? error.name : "error"})`,
      }),
    );
    if (result.ok) run.sent++;
    else if (result.retryable && message.tries + 1 < dispatchTriesMax) run.retried++;
    else run.failed++;
    await settle(ctx, message, result, now);
  }
  return run;
}

async function sendOne(
  ctx: AppContext,
  dispatch: Dispatch,
  message: OutboxRecord,
): Promise<SendResult> {
  if (ctx.clock.now() - message.createdAt > dispatchStaleAfterMs)
    return { ok: false, retryable: false, reason: "expired before it could be sent" };
  const borrower = await ctx.store.transaction((tx) => tx.borrowers.get(message.borrowerId));
  if (!borrower) return { ok: false, retryable: false, reason: "borrower not found" };
  // Opened once per message: the greeting and the address come from the same plain profile.
  const opened = openBorrower(ctx, borrower);
  const rendered = dispatch.renderer.render(
    message.template,
    message.language as Language,
    message.channel,
    valuesOf(dispatch.lender, opened, message),
  );
  if (message.channel === "in_app" || message.channel === "letter") {
    const text = `${rendered.subject}\n\n${rendered.body}`;
    await ctx.store.transaction(async (tx) => {
      await tx.deliveries.insert({
        id: message.id,
        kind: message.channel === "in_app" ? "inbox" : "letter",
        attemptId: message.attemptId,
        borrowerId: message.borrowerId,
        loanId: message.loanId,
        recipientKind: message.recipientKind,
        contactId: message.contactId,
        template: message.template,
        sealed: sealForBorrower(ctx, borrower, text, `delivery:${message.id}`),
        createdAt: ctx.clock.now(),
        status: "done",
      });
    });
    return { ok: true, providerId: undefined };
  }
  const sender = dispatch.senders.get(message.channel);
  if (!sender)
    return { ok: false, retryable: true, reason: `no ${message.channel} channel configured` };
  const to = addressOf(opened, message);
  if (!to) return { ok: false, retryable: false, reason: `no ${message.channel} address on file` };
  return sender.send({
    messageId: message.id,
    channel: message.channel,
    to,
    language: message.language as Language,
    subject: rendered.subject,
    body: rendered.body,
  });
}

/** The plain address, opened only here and handed straight to the channel. */
function addressOf(opened: OpenedBorrower, message: OutboxRecord): string | undefined {
  if (message.recipientKind === "contact")
    return message.channel === "sms" && message.contactId
      ? opened.contactPhones.get(message.contactId)
      : undefined;
  return message.channel === "email" ? opened.email : opened.phone;
}

function valuesOf(
  lender: LenderIdentity,
  opened: OpenedBorrower,
  message: OutboxRecord,
): MessageValues {
  const base = {
    lenderName: lender.name,
    callbackNumber: lender.callbackNumber,
    optOutUrl: lender.optOutUrl,
  };
  // A third party's message is rendered from the lender's identity alone (CN-NO-DISCLOSURE).
  if (message.recipientKind !== "borrower") return base;
  const loan = JSON.parse(message.values) as Partial<LoanMessageValues>;
  // A borrower registered without a name is greeted as a customer.
  const name = opened.name ?? anonymousGreeting[message.language as Language];
  return {
    ...base,
    borrowerName: name,
    ...(loan.amount ? { amount: loan.amount, currency: loan.currency } : {}),
    ...(loan.dueDate ? { dueDate: loan.dueDate } : {}),
    ...(loan.daysPastDue !== undefined ? { daysPastDue: loan.daysPastDue } : {}),
    ...(loan.loanId ? { loanId: loan.loanId } : {}),
  };
}

async function settle(
  ctx: AppContext,
  message: OutboxRecord,
  result: SendResult,
  now: Instant,
): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    if (result.ok) return tx.outbox.markSent(message.id, ctx.clock.now());
    const tries = message.tries + 1;
    const final = !result.retryable || tries >= dispatchTriesMax;
    return tx.outbox.markTry(message.id, {
      tries,
      nextTryAt: now + dispatchBackoffBaseMs * 2 ** (tries - 1),
      lastError: result.reason,
      status: final ? "failed" : "pending",
    });
  });
}
