import { formatInstant } from "../../domain/calendar/instant.js";
import {
  type ConsentInput,
  type HoldInput,
  type PreferenceInput,
  readConsent,
  readHold,
  readPreference,
  readPromise,
} from "../../domain/choices/choice-input.js";
import type { Problem } from "../../domain/result.js";
import type { ConsentRecord, PreferenceRecord } from "../../ports/contact-store.js";
import type { BorrowerRecord, StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { canonicalText } from "../canonical.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, invalid } from "../errors.js";
import { transact } from "../transact.js";

/**
 * The borrower's own choices (DESIGN.md "Privacy"; POLICY.md CN-CONTACT-CONSENT,
 * CN-CHANNEL-OPT-OUT, CN-PROMISE, CN-HOLD, US-CEASE): each takes effect at once for every later
 * decision, writes an audit leaf, and a consent or withdrawal returns a receipt the borrower
 * keeps. Withdrawing is exactly as easy as granting: one call with the same fields.
 */

export interface ConsentReceipt {
  readonly receipt: string;
  readonly consent: string;
  readonly action: "grant" | "withdraw";
  readonly borrower: string;
  readonly purpose: "emergency_contact";
  readonly contact: string;
  readonly noticeVersion: string;
  readonly channel: string;
  readonly at: string;
  /** SHA-256 of the receipt's other fields: the borrower can show it was issued as shown. */
  readonly digest: string;
}

async function borrowerOrAbort(tx: StoreTx, id: string): Promise<BorrowerRecord> {
  const borrower = await tx.borrowers.get(id);
  if (!borrower) throw new AppAbort({ code: "not_found", message: `no borrower ${id}` });
  return borrower;
}

function contactOrAbort(borrower: BorrowerRecord, contactId: string, field: string): void {
  if (!borrower.contacts.some((c) => c.contactId === contactId))
    throw new AppAbort({
      code: "invalid_input",
      message: `${field}: borrower ${borrower.id} has no emergency contact ${contactId}`,
      problems: [{ code: "field.unknown_contact", field, message: "no such emergency contact" }],
    });
}

/** Grants or withdraws the separate consent to contact one emergency contact. */
export async function recordConsent(
  ctx: AppContext,
  borrowerId: string,
  raw: unknown,
): Promise<AppResult<ConsentReceipt>> {
  const problems: Problem[] = [];
  const input = readConsent(raw, "", problems);
  if (!input) return invalid(problems);
  return transact(ctx, async (tx) => {
    const borrower = await borrowerOrAbort(tx, borrowerId);
    contactOrAbort(borrower, input.contactId, "contact");
    const at = ctx.clock.now();
    const consent =
      input.action === "grant"
        ? await grant(ctx, tx, borrowerId, input, at)
        : await withdraw(tx, borrowerId, input, at);
    const receipt = receiptOf(ctx, consent, input, at);
    await audit(tx, at, `consent.${input.action}`, consent.id, {
      borrower: borrowerId,
      contact: input.contactId,
      purpose: input.purpose,
      noticeVersion: input.noticeVersion,
      channel: input.channel,
      receipt: receipt.digest,
    });
    return receipt;
  });
}

async function grant(
  ctx: AppContext,
  tx: StoreTx,
  borrowerId: string,
  input: ConsentInput,
  at: number,
): Promise<ConsentRecord> {
  const consent: ConsentRecord = {
    id: ctx.ids.next("con"),
    borrowerId,
    purpose: input.purpose,
    contactId: input.contactId,
    noticeVersion: input.noticeVersion,
    channel: input.channel,
    grantedAt: at,
    withdrawnAt: undefined,
    withdrawChannel: undefined,
  };
  await tx.choices.insertConsent(consent);
  return consent;
}

/** Withdraws every standing consent naming the contact; withdrawing none is a conflict. */
async function withdraw(
  tx: StoreTx,
  borrowerId: string,
  input: ConsentInput,
  at: number,
): Promise<ConsentRecord> {
  const standing = (await tx.choices.consents(borrowerId)).filter(
    (c) =>
      c.contactId === input.contactId && c.purpose === input.purpose && c.withdrawnAt === undefined,
  );
  const last = standing.at(-1);
  if (!last)
    throw new AppAbort({
      code: "conflict",
      message: `no standing consent for contact ${input.contactId} to withdraw`,
    });
  for (const c of standing) await tx.choices.withdrawConsent(c.id, at, input.channel);
  return last;
}

function receiptOf(
  ctx: AppContext,
  consent: ConsentRecord,
  input: ConsentInput,
  at: number,
): ConsentReceipt {
  const body = {
    receipt: `${consent.id}:${input.action}`,
    consent: consent.id,
    action: input.action,
    borrower: consent.borrowerId,
    purpose: input.purpose,
    contact: input.contactId,
    noticeVersion: input.action === "grant" ? input.noticeVersion : consent.noticeVersion,
    channel: input.channel,
    at: formatInstant(at),
  };
  return { ...body, digest: ctx.keyring.digest(canonicalText(body)) };
}

export interface ConsentView {
  readonly id: string;
  readonly purpose: string;
  readonly contact: string;
  readonly noticeVersion: string;
  readonly channel: string;
  readonly grantedAt: string;
  readonly withdrawnAt: string | null;
  readonly standing: boolean;
}

export async function listConsents(
  ctx: AppContext,
  borrowerId: string,
): Promise<AppResult<ConsentView[]>> {
  return transact(ctx, async (tx) => {
    await borrowerOrAbort(tx, borrowerId);
    return (await tx.choices.consents(borrowerId)).map((c) => ({
      id: c.id,
      purpose: c.purpose,
      contact: c.contactId,
      noticeVersion: c.noticeVersion,
      channel: c.channel,
      grantedAt: formatInstant(c.grantedAt),
      withdrawnAt: c.withdrawnAt === undefined ? null : formatInstant(c.withdrawnAt),
      standing: c.withdrawnAt === undefined,
    }));
  });
}

const preferenceKinds: Record<PreferenceInput["action"], PreferenceRecord["kind"]> = {
  opt_out: "channel_opt_out",
  opt_in: "channel_opt_in",
  cease: "cease",
  window: "contact_window",
  inconvenient: "inconvenient",
  attorney: "attorney",
  dispute: "dispute",
  verification: "verification",
};

export interface PreferenceView {
  readonly id: string;
  readonly action: PreferenceInput["action"];
  readonly to: string;
  readonly channel: string | null;
  readonly at: string;
}

/** Records a channel opt-out/opt-in, a cease-contact, an agreed window and the like. */
export async function recordPreference(
  ctx: AppContext,
  borrowerId: string,
  raw: unknown,
): Promise<AppResult<PreferenceView>> {
  const problems: Problem[] = [];
  const input = readPreference(raw, "", problems);
  if (!input) return invalid(problems);
  return transact(ctx, async (tx) => {
    const borrower = await borrowerOrAbort(tx, borrowerId);
    if (input.to !== "borrower") contactOrAbort(borrower, input.to, "to");
    const at = ctx.clock.now();
    const record: PreferenceRecord = {
      id: ctx.ids.next("pref"),
      borrowerId,
      kind: preferenceKinds[input.action],
      recipientKind: input.to === "borrower" ? "borrower" : "contact",
      contactId: input.to === "borrower" ? undefined : input.to,
      channel: input.channel,
      value: JSON.stringify(preferenceValue(input)),
      at,
    };
    await tx.choices.insertPreference(record);
    await audit(tx, at, `preference.${input.action}`, record.id, {
      borrower: borrowerId,
      to: record.recipientKind,
      contact: record.contactId ?? null,
      channel: input.channel ?? null,
    });
    return {
      id: record.id,
      action: input.action,
      to: input.to,
      channel: input.channel ?? null,
      at: formatInstant(at),
    };
  });
}

function preferenceValue(input: PreferenceInput): unknown {
  if (input.action === "window") return input.window ?? null;
  if (input.action === "inconvenient") return input.windows;
  if (input.action === "attorney") return input.represented;
  return true;
}

/** A contact person refused or asked not to be contacted again (CN-CONTACT-REFUSED). */
export async function recordContactRefusal(
  ctx: AppContext,
  tx: StoreTx,
  borrowerId: string,
  contactId: string,
): Promise<void> {
  await tx.choices.insertPreference({
    id: ctx.ids.next("pref"),
    borrowerId,
    kind: "contact_refused",
    recipientKind: "contact",
    contactId,
    channel: undefined,
    value: "true",
    at: ctx.clock.now(),
  });
}

export interface PromiseView {
  readonly id: string;
  readonly loan: string;
  readonly until: string;
  readonly status: string;
}

/** A promise-to-pay: automatic contact waits until its date (CN-PROMISE). */
export async function recordPromise(
  ctx: AppContext,
  loanId: string,
  raw: unknown,
): Promise<AppResult<PromiseView>> {
  const problems: Problem[] = [];
  const input = readPromise(raw, "", problems);
  if (!input) return invalid(problems);
  return transact(ctx, async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${loanId}` });
    const at = ctx.clock.now();
    for (const p of await tx.choices.promises(loan.borrowerId))
      if (p.loanId === loanId && p.status === "open")
        await tx.choices.setPromiseStatus(p.id, "cancelled");
    const id = ctx.ids.next("prom");
    await tx.choices.insertPromise({
      id,
      borrowerId: loan.borrowerId,
      loanId,
      until: input.until,
      createdAt: at,
      status: "open",
    });
    await audit(tx, at, "promise.made", id, { loan: loanId, until: input.until });
    return { id, loan: loanId, until: input.until, status: "open" };
  });
}

export interface HoldView {
  readonly id: string;
  readonly kind: HoldInput["kind"];
  readonly loan: string | null;
  readonly detail: string;
  readonly since: string;
  readonly decidedAt: string | null;
  readonly decision: string | null;
}

/** An undecided complaint or hardship request pauses collection contact (CN-HOLD). */
export async function openHold(
  ctx: AppContext,
  borrowerId: string,
  raw: unknown,
): Promise<AppResult<HoldView>> {
  const problems: Problem[] = [];
  const input = readHold(raw, "", problems);
  if (!input) return invalid(problems);
  return transact(ctx, async (tx) => {
    await borrowerOrAbort(tx, borrowerId);
    if (input.loanId !== undefined && (await tx.loans.get(input.loanId))?.borrowerId !== borrowerId)
      throw new AppAbort({
        code: "invalid_input",
        message: `loan: borrower ${borrowerId} has no loan ${input.loanId}`,
        problems: [
          { code: "field.unknown_loan", field: "loan", message: "no such loan of this borrower" },
        ],
      });
    const at = ctx.clock.now();
    const id = ctx.ids.next("hold");
    await tx.choices.insertHold({
      id,
      borrowerId,
      kind: input.kind,
      loanId: input.loanId,
      detail: input.detail,
      since: at,
      decidedAt: undefined,
      decision: undefined,
    });
    await audit(tx, at, `hold.${input.kind}`, id, { borrower: borrowerId, detail: input.detail });
    return {
      id,
      kind: input.kind,
      loan: input.loanId ?? null,
      detail: input.detail,
      since: formatInstant(at),
      decidedAt: null,
      decision: null,
    };
  });
}

const decisionPattern = /^[a-z][a-z0-9_]{0,39}$/;

/** Decides a hold (a reason code such as `upheld`, `rejected`, `waived`): collection may resume. */
export async function decideHold(
  ctx: AppContext,
  borrowerId: string,
  holdId: string,
  raw: unknown,
): Promise<AppResult<{ id: string; decision: string }>> {
  const decision = (raw as { decision?: unknown } | null)?.decision;
  if (typeof decision !== "string" || !decisionPattern.test(decision))
    return invalid([
      {
        code: "field.format",
        field: "decision",
        message: `decision must match ${decisionPattern.source}`,
      },
    ]);
  return transact(ctx, async (tx) => {
    const hold = (await tx.choices.holds(borrowerId)).find((h) => h.id === holdId);
    if (!hold) throw new AppAbort({ code: "not_found", message: `no hold ${holdId}` });
    const at = ctx.clock.now();
    if (!(await tx.choices.decideHold(holdId, at, decision)))
      throw new AppAbort({ code: "conflict", message: `hold ${holdId} is decided already` });
    await audit(tx, at, "hold.decided", holdId, { borrower: borrowerId, decision });
    return { id: holdId, decision };
  });
}

export async function listHolds(
  ctx: AppContext,
  borrowerId: string,
): Promise<AppResult<HoldView[]>> {
  return transact(ctx, async (tx) => {
    await borrowerOrAbort(tx, borrowerId);
    return (await tx.choices.holds(borrowerId)).map((h) => ({
      id: h.id,
      kind: h.kind,
      loan: h.loanId ?? null,
      detail: h.detail,
      since: formatInstant(h.since),
      decidedAt: h.decidedAt === undefined ? null : formatInstant(h.decidedAt),
      decision: h.decision ?? null,
    }));
  });
}
