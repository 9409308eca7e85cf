import { idPattern } from "../../domain/borrower/borrower-input.js";
import { civilDateAt, formatInstant } from "../../domain/calendar/instant.js";
import { readCorrection } from "../../domain/privacy/correction.js";
import {
  type CorrectableField,
  type PrivacyRequestKind,
  responseDeadline,
} from "../../domain/privacy/requests.js";
import type { Problem } from "../../domain/result.js";
import type { PrivacyRequestRecord } from "../../ports/privacy-store.js";
import type { BorrowerRecord, StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { isErased, openForBorrower, resealBorrower, sealForBorrower } from "../borrowers.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, invalid } from "../errors.js";
import { transact } from "../transact.js";
import { eraseInTx } from "./erase.js";
import { retentionNow } from "./holdings.js";

/**
 * Data-subject requests (PIPL Arts. 46–47; DESIGN.md "Privacy"): every request is recorded with
 * its deadline (`responseDeadline`, PIPL 15 days) and an audit leaf holding ids and field names.
 */

export interface PrivacyRequestView {
  readonly id: string;
  readonly borrower: string;
  readonly kind: PrivacyRequestKind;
  readonly status: PrivacyRequestRecord["status"];
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly fields: readonly string[];
  /** For a deletion under retention: the date erasure is scheduled for. */
  readonly eraseOn: string | null;
  readonly answeredAt: string | null;
}

export function privacyRequestView(r: PrivacyRequestRecord): PrivacyRequestView {
  return {
    id: r.id,
    borrower: r.borrowerId,
    kind: r.kind,
    status: r.status,
    receivedAt: formatInstant(r.receivedAt),
    dueAt: formatInstant(r.dueAt),
    fields: r.fields,
    eraseOn: r.eraseOn ?? null,
    answeredAt: r.answeredAt === undefined ? null : formatInstant(r.answeredAt),
  };
}

/** Who acts: a staff member's or service client's id (never a name). */
function readActor(raw: unknown, problems: Problem[]): string {
  if (typeof raw === "string" && idPattern.test(raw)) return raw;
  problems.push({ code: "field.format", field: "actor", message: "actor must be an id" });
  return "";
}

export async function borrowerOrAbort(tx: StoreTx, borrowerId: string): Promise<BorrowerRecord> {
  const borrower = await tx.borrowers.get(borrowerId);
  if (!borrower) throw new AppAbort({ code: "not_found", message: `no borrower ${borrowerId}` });
  return borrower;
}

function newRequest(
  ctx: AppContext,
  borrowerId: string,
  kind: PrivacyRequestKind,
): PrivacyRequestRecord {
  const receivedAt = ctx.clock.now();
  return {
    id: ctx.ids.next("pr"),
    borrowerId,
    kind,
    status: "open",
    receivedAt,
    dueAt: responseDeadline(receivedAt),
    fields: [],
    sealed: "",
    eraseOn: undefined,
    answeredAt: undefined,
    answeredBy: undefined,
  };
}

/**
 * A deletion request (PIPL Art. 47). Erased at once when no retention applies (the borrower
 * never had a loan, or every retention period has ended); otherwise processing is restricted —
 * no contact decision but a deny (PIPL-RESTRICTED), queued messages withdrawn — and erasure is
 * scheduled for the day retention ends (`runDueErasures`). A second request while one is pending
 * answers with the pending one.
 */
export async function requestDeletion(
  ctx: AppContext,
  borrowerId: string,
  raw: { actor: unknown },
): Promise<AppResult<PrivacyRequestView>> {
  const problems: Problem[] = [];
  const actor = readActor(raw.actor, problems);
  if (problems.length) return invalid(problems);
  return transact(ctx, async (tx) => {
    const borrower = await borrowerOrAbort(tx, borrowerId);
    const pending = (await tx.privacy.requests(borrowerId)).find(
      (r) => r.kind === "deletion" && (r.status === "restricted" || r.status === "erased"),
    );
    if (pending) return privacyRequestView(pending);
    const request = newRequest(ctx, borrowerId, "deletion");
    const today = civilDateAt(request.receivedAt, borrower.timeZone);
    const { verdict } = await retentionNow(tx, borrowerId, today);
    const rules = [...new Set(verdict.loans.map((l) => l.ruleId))].join(",");
    const answered = { answeredAt: request.receivedAt, answeredBy: actor };
    if (verdict.erasableNow || isErased(borrower)) {
      const record = { ...request, status: "erased" as const, ...answered };
      await tx.privacy.insertRequest(record);
      await audit(tx, request.receivedAt, "privacy.deletion_requested", request.id, {
        borrower: borrowerId,
        actor,
        outcome: "erased",
        rules,
      });
      await eraseInTx(ctx, tx, borrower, request.id);
      return privacyRequestView(record);
    }
    const record = {
      ...request,
      status: "restricted" as const,
      eraseOn: verdict.until,
      ...answered,
    };
    await tx.privacy.insertRequest(record);
    const withdrawn = await tx.privacy.withdrawQueued(borrowerId, "processing restricted");
    await audit(tx, request.receivedAt, "privacy.deletion_requested", request.id, {
      borrower: borrowerId,
      actor,
      outcome: "restricted",
      eraseOn: verdict.until ?? null,
      rules,
      messagesWithdrawn: withdrawn.messages,
      plansDropped: withdrawn.plans,
    });
    return privacyRequestView(record);
  });
}

const correctionPurpose = (requestId: string) => `privacy-request:${requestId}`;

/**
 * A correction request (PIPL Art. 46): the new values are sealed under the borrower's data key
 * at once and wait for staff to check and apply them (`applyCorrection`) before the deadline.
 */
export async function requestCorrection(
  ctx: AppContext,
  borrowerId: string,
  raw: unknown,
): Promise<AppResult<PrivacyRequestView>> {
  const problems: Problem[] = [];
  const values = readCorrection(raw, problems);
  if (!values) return invalid(problems);
  return transact(ctx, async (tx) => {
    const borrower = await borrowerOrAbort(tx, borrowerId);
    if (isErased(borrower))
      throw new AppAbort({ code: "conflict", message: `borrower ${borrowerId} was erased` });
    const request = newRequest(ctx, borrowerId, "correction");
    const fields = Object.keys(values).sort();
    const record = {
      ...request,
      fields,
      sealed: sealForBorrower(ctx, borrower, JSON.stringify(values), correctionPurpose(request.id)),
    };
    await tx.privacy.insertRequest(record);
    await audit(tx, request.receivedAt, "privacy.correction_requested", request.id, {
      borrower: borrowerId,
      fields: fields.join(","),
      dueAt: request.dueAt,
    });
    return privacyRequestView(record);
  });
}

/** Staff's answer to a correction: `apply` re-seals the profile and updates the lookup hashes; `reject` refuses it. */
export async function answerCorrection(
  ctx: AppContext,
  requestId: string,
  raw: { actor: unknown; decision: unknown },
): Promise<AppResult<PrivacyRequestView>> {
  const problems: Problem[] = [];
  const actor = readActor(raw.actor, problems);
  if (raw.decision !== "apply" && raw.decision !== "reject")
    problems.push({
      code: "field.choice",
      field: "decision",
      message: "decision must be apply or reject",
    });
  if (problems.length) return invalid(problems);
  return transact(ctx, async (tx) => {
    const request = await tx.privacy.getRequest(requestId);
    if (request?.kind !== "correction")
      throw new AppAbort({ code: "not_found", message: `no correction request ${requestId}` });
    const borrower = await borrowerOrAbort(tx, request.borrowerId);
    if (request.status !== "open" || isErased(borrower))
      throw new AppAbort({
        code: "conflict",
        message: `request ${requestId} was answered already`,
      });
    const at = ctx.clock.now();
    const status = raw.decision === "apply" ? ("done" as const) : ("rejected" as const);
    if (status === "done") {
      const text = openForBorrower(ctx, borrower, request.sealed, correctionPurpose(request.id));
      const values = JSON.parse(text) as Partial<Record<CorrectableField, string>>;
      await tx.borrowers.reseal(borrower.id, resealBorrower(ctx, borrower, values));
    }
    if (
      !(await tx.privacy.updateRequest(requestId, "open", {
        status,
        answeredAt: at,
        answeredBy: actor,
      }))
    )
      throw new AppAbort({
        code: "conflict",
        message: `request ${requestId} was answered already`,
      });
    await audit(
      tx,
      at,
      `privacy.correction_${status === "done" ? "applied" : "rejected"}`,
      requestId,
      {
        borrower: borrower.id,
        actor,
        fields: request.fields.join(","),
      },
    );
    const answered = await tx.privacy.getRequest(requestId);
    if (!answered) throw new Error(`request ${requestId} vanished`);
    return privacyRequestView(answered);
  });
}

/** A borrower's requests, oldest first, with their deadlines. */
export async function listPrivacyRequests(
  ctx: AppContext,
  borrowerId: string,
): Promise<AppResult<PrivacyRequestView[]>> {
  return transact(ctx, async (tx) => {
    await borrowerOrAbort(tx, borrowerId);
    return (await tx.privacy.requests(borrowerId)).map(privacyRequestView);
  });
}
