import { civilDateAt, type Instant } from "../../domain/calendar/instant.js";
import type { LoanState } from "../../domain/loan/loan.js";
import type { Decision, ProposedAttempt } from "../../domain/policy/attempt.js";
import { houseRulesInForce } from "../../domain/policy/house-rules-file.js";
import { judge } from "../../domain/policy/judge.js";
import { policyPackFor } from "../../domain/policy/packs.js";
import { withRestriction } from "../../domain/privacy/restriction.js";
import type { Product } from "../../domain/product/product.js";
import type { ContactAttemptRecord, ContactPlanRecord } from "../../ports/contact-store.js";
import type { BorrowerRecord, StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { isErased } from "../borrowers.js";
import { canonicalText } from "../canonical.js";
import type { AppContext } from "../context.js";
import { decisionInput, numberIdOf } from "./facts.js";
import { loadDecisionFacts } from "./load-facts.js";
import { messageValuesOf } from "./message-values.js";

/** Everything a decision is about, loaded by the caller. */
export interface DecisionSubject {
  readonly loan: LoanState;
  readonly product: Product;
  readonly borrower: BorrowerRecord;
}

/** The language of messages: the pack's (zh-CN for CN, en for US); no per-borrower choice yet. */
export function languageOf(product: Product): "zh-CN" | "en" {
  return product.pack.id === "CN" ? "zh-CN" : "en";
}

/**
 * Judges one proposed attempt and records it, in the caller's transaction: the decision with
 * its inputs (for replay) and an audit leaf, always; for an allow, the outbox row (or, for a
 * phone call, the call task) in the same commit, so nothing is sent without a log entry and no
 * log entry is lost. The pack of the loan's jurisdiction is tightened by the lender's house rules
 * in force there (`ctx.houseRules`); the decision, its record and its audit leaf name both. A
 * deferred strategy attempt is planned again for `until`. While the
 * borrower's processing is restricted (a deletion waiting for retention to end) or after they
 * were erased, every decision is a deny naming PIPL-RESTRICTED (`withRestriction`).
 */
export async function decideAndRecord(
  ctx: AppContext,
  tx: StoreTx,
  subject: DecisionSubject,
  attempt: ProposedAttempt,
  plan?: ContactPlanRecord,
  /** For an unregistered recipient: the id the agent asked for, kept on the log. */
  requestedContact?: string,
): Promise<ContactAttemptRecord> {
  const asOf = ctx.clock.now();
  const { loan, product, borrower } = subject;
  const facts = await loadDecisionFacts(tx, borrower.id, loan.id, asOf);
  const input = decisionInput(attempt, borrower, facts.attempts, facts.choices, asOf);
  const decision = withRestriction(
    judge(
      input,
      policyPackFor(product.pack.id),
      houseRulesInForce(ctx.houseRules, product.pack.id),
    ),
    isErased(borrower) || (await tx.privacy.isRestricted(borrower.id)),
  );
  const record = {
    ...attemptRecord(ctx, attempt, decision, asOf, canonicalText(input), plan?.id),
    ...(attempt.recipient.kind === "unregistered" ? { contactId: requestedContact } : {}),
  };
  await tx.contactAttempts.insert(record);
  await audit(tx, asOf, "contact.decided", record.id, {
    loan: loan.id,
    borrower: borrower.id,
    recipient: attempt.recipient.kind,
    channel: attempt.channel,
    template: attempt.template,
    source: attempt.source,
    outcome: decision.outcome,
    rules: decision.rules.join(","),
    pack: decision.pack,
    // Only when there are house rules: a leaf without them is what every decision before wrote.
    ...(decision.house === undefined ? {} : { house: decision.house }),
    inputHash: decision.inputHash,
  });
  if (decision.outcome === "allow") await enqueue(ctx, tx, subject, record, asOf);
  if (decision.outcome === "defer" && plan && decision.until !== undefined)
    await replan(ctx, tx, plan, decision.until, record.id);
  return record;
}

function attemptRecord(
  ctx: AppContext,
  attempt: ProposedAttempt,
  decision: Decision,
  asOf: Instant,
  inputs: string,
  planId: string | undefined,
): ContactAttemptRecord {
  return {
    id: ctx.ids.next("att"),
    borrowerId: attempt.borrowerId,
    loanId: attempt.loanId,
    recipientKind: attempt.recipient.kind,
    contactId: attempt.recipient.kind === "contact" ? attempt.recipient.contactId : undefined,
    channel: attempt.channel,
    template: attempt.template,
    source: attempt.source,
    at: attempt.at,
    decidedAt: asOf,
    outcome: decision.outcome,
    until: decision.until,
    rules: decision.rules,
    pack: decision.pack,
    house: decision.house,
    inputHash: decision.inputHash,
    inputs,
    numberId: attempt.channel === "phone" ? numberIdOf(attempt.recipient) : undefined,
    result: undefined,
    resultAt: undefined,
    planId,
  };
}

/** An allowed attempt leaves through the outbox; a phone call becomes a task for an agent. */
async function enqueue(
  ctx: AppContext,
  tx: StoreTx,
  subject: DecisionSubject,
  record: ContactAttemptRecord,
  asOf: Instant,
): Promise<void> {
  if (record.channel === "phone") {
    await tx.deliveries.insert({
      id: ctx.ids.next("call"),
      kind: "call_task",
      attemptId: record.id,
      borrowerId: record.borrowerId,
      loanId: record.loanId,
      recipientKind: record.recipientKind,
      contactId: record.contactId,
      template: record.template,
      sealed: "",
      createdAt: asOf,
      status: "open",
    });
    return;
  }
  const date = civilDateAt(asOf, subject.product.pack.timeZone);
  await tx.outbox.insert({
    id: ctx.ids.next("msg"),
    attemptId: record.id,
    borrowerId: record.borrowerId,
    loanId: record.loanId,
    recipientKind: record.recipientKind,
    contactId: record.contactId,
    channel: record.channel,
    template: record.template,
    language: languageOf(subject.product),
    // A third party's message gets no loan values at all: the renderer could not leak them.
    values:
      record.recipientKind === "borrower"
        ? JSON.stringify(messageValuesOf(subject.loan, subject.product, date))
        : "{}",
    status: "pending",
    tries: 0,
    nextTryAt: Math.max(asOf, record.at),
    lastError: undefined,
    createdAt: asOf,
    sentAt: undefined,
  });
}

/** A deferred strategy step is planned again for the instant the engine named. */
async function replan(
  ctx: AppContext,
  tx: StoreTx,
  plan: ContactPlanRecord,
  until: Instant,
  attemptId: string,
): Promise<void> {
  await tx.contactPlans.insertMany([
    { ...plan, id: ctx.ids.next("plan"), key: `${plan.key}:after:${attemptId}`, dueAt: until },
  ]);
}
