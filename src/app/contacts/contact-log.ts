import { formatInstant } from "../../domain/calendar/instant.js";
import type { ContactAttemptRecord } from "../../ports/contact-store.js";
import type { Page } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult } from "../errors.js";
import { transact } from "../transact.js";

/**
 * One line of the borrower's contact log (DESIGN.md "Overdue handling"): every attempt about
 * them, to them or to any of their contacts, sent or refused, with the rules that decided it.
 * The template id is shown, never a text sent to a third party (none is stored).
 */
export interface ContactLogEntry {
  readonly id: string;
  readonly at: string;
  readonly decidedAt: string;
  readonly loan: string;
  readonly channel: string;
  readonly recipient: string;
  readonly contact: string | null;
  readonly template: string;
  readonly source: string;
  readonly outcome: string;
  readonly until: string | null;
  readonly rules: readonly string[];
  readonly pack: string;
  /** The lender's house rules that tightened the pack (e.g. "acme-cn@1"), or null for none. */
  readonly house: string | null;
  readonly inputHash: string;
  readonly result: string | null;
  /**
   * The seq of the decision's `contact.decided` audit leaf: with it, anyone can ask for an
   * inclusion proof (GET …/contact-log/{attemptId}/proof) and check it with the public key.
   * Set on the contact log; absent where an entry is shown right after deciding.
   */
  readonly auditSeq?: number | null;
}

export function contactLogEntry(a: ContactAttemptRecord): ContactLogEntry {
  return {
    id: a.id,
    at: formatInstant(a.at),
    decidedAt: formatInstant(a.decidedAt),
    loan: a.loanId,
    channel: a.channel,
    recipient: a.recipientKind,
    contact: a.contactId ?? null,
    template: a.template,
    source: a.source,
    outcome: a.outcome,
    until: a.until === undefined ? null : formatInstant(a.until),
    rules: a.rules,
    pack: a.pack,
    house: a.house ?? null,
    inputHash: a.inputHash,
    result: a.result ?? null,
  };
}

/** The audit leaf kind of a decision (decide.ts); its subject is the attempt id. */
export const decidedLeafKind = "contact.decided";

/**
 * A borrower's contact log, newest first, one page (at most `pageSizeMax` entries), each with
 * the seq of its decision's audit leaf (one indexed lookup for the page).
 */
export async function contactLog(
  ctx: AppContext,
  borrowerId: string,
  page: Page,
): Promise<AppResult<ContactLogEntry[]>> {
  return transact(ctx, async (tx) => {
    if (!(await tx.borrowers.get(borrowerId)))
      throw new AppAbort({ code: "not_found", message: `no borrower ${borrowerId}` });
    const attempts = await tx.contactAttempts.listByBorrower(borrowerId, page);
    const leaves = await tx.audit.bySubjects(
      decidedLeafKind,
      attempts.map((a) => a.id),
    );
    const seqOf = new Map(leaves.map((leaf) => [leaf.subject, leaf.seq]));
    return attempts.map((a) => ({ ...contactLogEntry(a), auditSeq: seqOf.get(a.id) ?? null }));
  });
}
