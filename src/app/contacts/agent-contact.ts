import { idPattern } from "../../domain/borrower/borrower-input.js";
import { formatInstant } from "../../domain/calendar/instant.js";
import {
  type AttemptOutcome,
  attemptOutcomes,
  type Channel,
  channels,
  type Recipient,
} from "../../domain/policy/attempt.js";
import { policyPackFor } from "../../domain/policy/packs.js";
import { templateSpec } from "../../domain/policy/templates.js";
import type { Product } from "../../domain/product/product.js";
import type { Problem } from "../../domain/result.js";
import { readObject } from "../../domain/validation/reader.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, invalid } from "../errors.js";
import { loadProduct } from "../products.js";
import { transact } from "../transact.js";
import { recordContactRefusal } from "./choices.js";
import { type ContactLogEntry, contactLogEntry } from "./contact-log.js";
import { decideAndRecord } from "./decide.js";

/**
 * The agent's contact path (issue: agent console): every contact an agent wants to make is
 * judged by the engine first, recorded whatever the answer, and only an allowed one goes out
 * (a phone call as a call task for the agent).
 */

export interface AgentContactInput {
  readonly channel: Channel;
  /** `borrower` or an emergency-contact id; anything else is judged as an unregistered recipient. */
  readonly to: string;
  readonly template: string | undefined;
}

function readContact(raw: unknown, problems: Problem[]): AgentContactInput | undefined {
  const r = readObject(raw, "", problems);
  if (!r) return undefined;
  const input = {
    channel: r.choice("channel", channels),
    to: r.string("to", idPattern, "borrower"),
    template: r.has("template") ? r.string("template", /^[a-z_]{1,40}$/) : undefined,
  };
  r.rejectUnknown();
  if (input.template !== undefined && !templateSpec(input.template))
    problems.push({ code: "field.choice", field: "template", message: "template is not known" });
  return problems.length === 0 ? input : undefined;
}

/** The pack's template for the recipient; a call to the debtor uses the call script. */
function defaultTemplate(product: Product, recipient: Recipient, channel: Channel): string {
  if (recipient.kind === "borrower" && channel === "phone") return "collection_call";
  return policyPackFor(product.pack.id).templates.defaults[recipient.kind] ?? "callback_request";
}

export async function proposeContact(
  ctx: AppContext,
  loanId: string,
  raw: unknown,
  source: "agent" | "strategy" = "agent",
): Promise<AppResult<ContactLogEntry>> {
  const problems: Problem[] = [];
  const input = readContact(raw, problems);
  if (!input) return invalid(problems);
  return transact(ctx, async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${loanId}` });
    const product = await loadProduct(tx, loan.productId);
    const borrower = await tx.borrowers.get(loan.borrowerId);
    if (!product || !borrower) throw new Error(`loan ${loanId} lost its product or borrower`);
    const recipient: Recipient =
      input.to === "borrower"
        ? { kind: "borrower" }
        : borrower.contacts.some((c) => c.contactId === input.to)
          ? { kind: "contact", contactId: input.to }
          : { kind: "unregistered" };
    const record = await decideAndRecord(
      ctx,
      tx,
      { loan, product, borrower },
      {
        loanId,
        borrowerId: borrower.id,
        recipient,
        channel: input.channel,
        template: input.template ?? defaultTemplate(product, recipient, input.channel),
        at: ctx.clock.now(),
        source,
      },
      undefined,
      input.to,
    );
    return contactLogEntry(record);
  });
}

/**
 * What became of an attempt: it feeds the frequency and unreachability rules. A contact person
 * who refuses is never contacted again (CN-CONTACT-REFUSED).
 */
export async function recordOutcome(
  ctx: AppContext,
  attemptId: string,
  raw: unknown,
): Promise<AppResult<ContactLogEntry>> {
  const problems: Problem[] = [];
  const r = readObject(raw, "", problems);
  const result = r?.choice("result", attemptOutcomes) as AttemptOutcome;
  r?.rejectUnknown();
  if (problems.length) return invalid(problems);
  return transact(ctx, async (tx) => {
    const attempt = await tx.contactAttempts.get(attemptId);
    if (!attempt) throw new AppAbort({ code: "not_found", message: `no attempt ${attemptId}` });
    if (attempt.outcome !== "allow")
      throw new AppAbort({
        code: "conflict",
        message: `attempt ${attemptId} was not allowed, so it has no outcome`,
      });
    const at = ctx.clock.now();
    if (!(await tx.contactAttempts.setResult(attemptId, result, at)))
      throw new AppAbort({
        code: "conflict",
        message: `attempt ${attemptId} has an outcome already`,
      });
    await tx.deliveries.closeCallTask(attemptId);
    if (result === "refused" && attempt.recipientKind === "contact" && attempt.contactId)
      await recordContactRefusal(ctx, tx, attempt.borrowerId, attempt.contactId);
    await audit(tx, at, "contact.outcome", attemptId, { result, borrower: attempt.borrowerId });
    return contactLogEntry({ ...attempt, result, resultAt: at });
  });
}

export interface CallTaskView {
  readonly id: string;
  readonly attempt: string;
  readonly loan: string;
  readonly borrower: string;
  readonly recipient: string;
  readonly contact: string | null;
  readonly template: string;
  readonly createdAt: string;
  readonly status: string;
}

export async function listCallTasks(
  ctx: AppContext,
  filter: { status?: "open" | "done"; after?: string; limit: number },
): Promise<CallTaskView[]> {
  const tasks = await ctx.store.transaction((tx) =>
    tx.deliveries.list(
      { kind: "call_task", ...(filter.status ? { status: filter.status } : {}) },
      { after: filter.after, limit: filter.limit },
    ),
  );
  return tasks.map((t) => ({
    id: t.id,
    attempt: t.attemptId,
    loan: t.loanId,
    borrower: t.borrowerId,
    recipient: t.recipientKind,
    contact: t.contactId ?? null,
    template: t.template,
    createdAt: formatInstant(t.createdAt),
    status: t.status,
  }));
}
