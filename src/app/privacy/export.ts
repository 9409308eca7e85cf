import { civilDateAt, formatInstant } from "../../domain/calendar/instant.js";
import { formatAmount } from "../../domain/money/amount.js";
import { currencyOf } from "../../domain/money/currency.js";
import { erasedMarker } from "../../domain/privacy/erasure.js";
import { type ProcessingRuleView, processingRulesFor } from "../../domain/privacy/processing.js";
import { responseDeadline } from "../../domain/privacy/requests.js";
import type { LoanRetention } from "../../domain/privacy/retention.js";
import type { DeliveryRecord } from "../../ports/contact-store.js";
import type { AuditLeaf, BorrowerRecord, CheckpointRecord, StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { isErased, openBorrower, openForBorrower } from "../borrowers.js";
import { type ContactLogEntry, contactLogEntry } from "../contacts/contact-log.js";
import type { AppContext } from "../context.js";
import type { AppResult } from "../errors.js";
import type { LoanView } from "../loans/loan-view.js";
import { loanViews } from "../loans/loans.js";
import { transact } from "../transact.js";
import { inclusionProof } from "../transparency/checkpoints.js";
import { allPages, borrowerRowsMax, type LoanHoldings, retentionNow } from "./holdings.js";
import { borrowerOrAbort, type PrivacyRequestView, privacyRequestView } from "./requests.js";

/**
 * The most inclusion proofs one export carries (STYLE 10). Each proof is one pass over the leaves
 * its checkpoint covers (src/app/transparency), so a borrower with thousands of leaves gets the
 * first ones proven and the rest listed by seq and hash, checkable against the same checkpoint.
 */
export const exportProofsMax = 50;

/** Everything held about a borrower (PIPL Art. 45: access and copy), as one JSON document. */
export interface BorrowerExport {
  readonly format: "fenqi-export/1";
  readonly generatedAt: string;
  /** The access request this export answered. */
  readonly request: PrivacyRequestView;
  readonly borrower: {
    readonly id: string;
    readonly timezone: string;
    readonly erased: boolean;
    readonly name: string | null;
    readonly phone: string | null;
    readonly email: string | null;
    readonly emergencyContacts: readonly { id: string; relation: string; phone: string | null }[];
  };
  readonly loans: readonly LoanView[];
  readonly operations: readonly Record<string, unknown>[];
  readonly ledger: readonly Record<string, unknown>[];
  readonly consents: readonly Record<string, unknown>[];
  readonly preferences: readonly Record<string, unknown>[];
  readonly promises: readonly Record<string, unknown>[];
  readonly holds: readonly Record<string, unknown>[];
  readonly contactLog: readonly ContactLogEntry[];
  readonly inbox: readonly Record<string, unknown>[];
  readonly privacyRequests: readonly PrivacyRequestView[];
  readonly audit: {
    /** Leaves whose subject is the borrower or one of their loans, attempts, operations, choices or requests. */
    readonly leaves: readonly (AuditLeaf & { proof: readonly string[] | null })[];
    /** The signed checkpoint the proofs lead to; null when none covers the leaves yet. */
    readonly checkpoint: CheckpointRecord | null;
    readonly note: string;
  };
  readonly retention: { readonly until: string | null; readonly loans: readonly LoanRetention[] };
  readonly processing: readonly ProcessingRuleView[];
}

const iso = (at: number | undefined) => (at === undefined ? null : formatInstant(at));

/**
 * The access right (PIPL Art. 45): a JSON bundle of everything held about the borrower — the
 * profile opened for them, loans with installments, operations, the ledger lines of their loans,
 * consents, preferences, promises, holds, contact log, inbox and letters, privacy requests, the
 * audit leaves about them with inclusion proofs against the latest signed checkpoint, the
 * retention rules that apply with their end dates and the processing rules. Recorded as an
 * access request answered at once, with an audit leaf.
 */
export async function exportBorrower(
  ctx: AppContext,
  borrowerId: string,
): Promise<AppResult<BorrowerExport>> {
  const read = await transact(ctx, (tx) => readExport(ctx, tx, borrowerId));
  if (!read.ok) return read;
  const proven = await proveLeaves(ctx, read.value.audit.leaves);
  return { ok: true, value: { ...read.value, audit: proven } };
}

async function readExport(
  ctx: AppContext,
  tx: StoreTx,
  borrowerId: string,
): Promise<BorrowerExport> {
  const borrower = await borrowerOrAbort(tx, borrowerId);
  const now = ctx.clock.now();
  const { holdings, verdict } = await retentionNow(
    tx,
    borrowerId,
    civilDateAt(now, borrower.timeZone),
  );
  const [consents, preferences, promises, holds] = await Promise.all([
    tx.choices.consents(borrowerId),
    tx.choices.preferences(borrowerId),
    tx.choices.promises(borrowerId),
    tx.choices.holds(borrowerId),
  ]);
  const deliveries = [
    ...(await allPages((page) => tx.deliveries.list({ kind: "inbox", borrowerId }, page))),
    ...(await allPages((page) => tx.deliveries.list({ kind: "letter", borrowerId }, page))),
  ];
  const request = await recordAccess(ctx, tx, borrowerId, now);
  const requests = await tx.privacy.requests(borrowerId);
  const subjects = [
    borrowerId,
    ...holdings.loans.map((l) => l.id),
    ...holdings.attempts.map((a) => a.id),
    ...[...holdings.operations.values()].flat().map((o) => o.id),
    ...consents.map((c) => c.id),
    ...preferences.map((p) => p.id),
    ...promises.map((p) => p.id),
    ...holds.map((h) => h.id),
    ...requests.map((r) => r.id),
  ];
  const leaves = await tx.audit.bySubjects(undefined, subjects, borrowerRowsMax);
  return {
    format: "fenqi-export/1",
    generatedAt: formatInstant(now),
    request: privacyRequestView(request),
    borrower: profileOf(ctx, borrower),
    loans: await loanViews(tx, holdings.loans),
    operations: operationsOf(holdings),
    ledger: await ledgerOf(tx, holdings),
    consents: consents.map((c) => ({
      id: c.id,
      purpose: c.purpose,
      contact: c.contactId,
      noticeVersion: c.noticeVersion,
      channel: c.channel,
      grantedAt: iso(c.grantedAt),
      withdrawnAt: iso(c.withdrawnAt),
    })),
    preferences: preferences.map((p) => ({
      id: p.id,
      kind: p.kind,
      to: p.recipientKind,
      contact: p.contactId ?? null,
      channel: p.channel ?? null,
      value: p.value,
      at: iso(p.at),
    })),
    promises: promises.map((p) => ({
      id: p.id,
      loan: p.loanId,
      until: p.until,
      status: p.status,
      createdAt: iso(p.createdAt),
    })),
    holds: holds.map((h) => ({
      id: h.id,
      kind: h.kind,
      loan: h.loanId ?? null,
      detail: h.detail,
      since: iso(h.since),
      decidedAt: iso(h.decidedAt),
      decision: h.decision ?? null,
    })),
    contactLog: holdings.attempts.map(contactLogEntry),
    inbox: deliveries.map((d) => deliveryOf(ctx, borrower, d)),
    privacyRequests: requests.map(privacyRequestView),
    audit: { leaves: leaves.map((l) => ({ ...l, proof: null })), checkpoint: null, note: "" },
    retention: { until: verdict.until ?? null, loans: verdict.loans },
    processing: processingRulesFor(verdict),
  };
}

/** The access request, answered as it is recorded (PIPL Art. 45). */
async function recordAccess(ctx: AppContext, tx: StoreTx, borrowerId: string, now: number) {
  const request = {
    id: ctx.ids.next("pr"),
    borrowerId,
    kind: "access" as const,
    status: "done" as const,
    receivedAt: now,
    dueAt: responseDeadline(now),
    fields: [],
    sealed: "",
    eraseOn: undefined,
    answeredAt: now,
    answeredBy: borrowerId,
  };
  await tx.privacy.insertRequest(request);
  await audit(tx, now, "privacy.exported", request.id, { borrower: borrowerId });
  return request;
}

function profileOf(ctx: AppContext, borrower: BorrowerRecord): BorrowerExport["borrower"] {
  const erased = isErased(borrower);
  const opened = openBorrower(ctx, borrower);
  const shown = (value: string | undefined) => (erased ? erasedMarker : (value ?? null));
  return {
    id: borrower.id,
    timezone: borrower.timeZone,
    erased,
    name: shown(opened.name),
    phone: shown(opened.phone),
    email: shown(opened.email),
    emergencyContacts: borrower.contacts.map((c) => ({
      id: c.contactId,
      relation: c.relation,
      phone: shown(opened.contactPhones.get(c.contactId)),
    })),
  };
}

function operationsOf(holdings: LoanHoldings): Record<string, unknown>[] {
  return holdings.loans.flatMap((loan) => {
    const currency = currencyOf(loan.currency);
    if (!currency) throw new Error(`loan ${loan.id} has a currency fenqi does not know`);
    return (holdings.operations.get(loan.id) ?? []).map((o) => ({
      id: o.id,
      loan: o.loanId,
      kind: o.kind,
      amount: formatAmount(o.amount, currency),
      businessDate: o.businessDate,
      at: iso(o.at),
      allocated: Object.fromEntries(
        Object.entries(o.allocated).map(([k, v]) => [k, formatAmount(v, currency)]),
      ),
    }));
  });
}

async function ledgerOf(tx: StoreTx, holdings: LoanHoldings): Promise<Record<string, unknown>[]> {
  const lines = await tx.privacy.journalOf(holdings.loans.map((l) => l.id));
  return lines.map((e) => ({
    entry: e.entryId,
    loan: e.loanId,
    operation: e.operationId,
    kind: e.kind,
    date: e.date,
    at: iso(e.at),
    // Minor units, as the ledger keeps them.
    postings: e.postings.map((p) => ({ account: p.account, amount: p.amount.toString() })),
  }));
}

function deliveryOf(
  ctx: AppContext,
  borrower: BorrowerRecord,
  d: DeliveryRecord,
): Record<string, unknown> {
  const text = openForBorrower(ctx, borrower, d.sealed, `delivery:${d.id}`);
  const split = text.indexOf("\n\n");
  return {
    id: d.id,
    kind: d.kind,
    loan: d.loanId,
    template: d.template,
    at: iso(d.createdAt),
    subject: split < 0 ? text : text.slice(0, split),
    body: split < 0 ? "" : text.slice(split + 2),
  };
}

/** Attaches inclusion proofs against the latest checkpoint, for at most `exportProofsMax` leaves. */
async function proveLeaves(
  ctx: AppContext,
  leaves: readonly AuditLeaf[],
): Promise<BorrowerExport["audit"]> {
  const out: (AuditLeaf & { proof: readonly string[] | null })[] = [];
  let checkpoint: CheckpointRecord | null = null;
  let proven = 0;
  for (const leaf of leaves) {
    const proof = proven < exportProofsMax ? await inclusionProof(ctx, leaf.seq) : undefined;
    // Every proof leads to one checkpoint: a checkpoint issued mid-export is not mixed in.
    if (proof?.ok && (checkpoint === null || proof.value.checkpoint.seq === checkpoint.seq)) {
      checkpoint = proof.value.checkpoint;
      proven++;
      out.push({ ...leaf, proof: proof.value.proof });
    } else out.push({ ...leaf, proof: null });
  }
  const unproven = out.length - proven;
  return {
    leaves: out,
    checkpoint,
    note:
      unproven === 0
        ? "every leaf carries an RFC 6962 inclusion proof against the checkpoint"
        : `${proven} leaves carry inclusion proofs; ${unproven} are listed by seq and hash (not yet covered by a signed checkpoint, or beyond ${exportProofsMax} proofs)`,
  };
}
