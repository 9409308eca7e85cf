import { addDays } from "../../domain/calendar/civil-date.js";
import { civilDateAt } from "../../domain/calendar/instant.js";
import { erasedKeyTombstone } from "../../domain/privacy/erasure.js";
import type { PrivacyRequestRecord } from "../../ports/privacy-store.js";
import type { BorrowerRecord, StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import { isErased } from "../borrowers.js";
import type { AppContext } from "../context.js";
import { allPages, retentionNow } from "./holdings.js";

/** Who answers what no person answered: the due-erasure runner. */
export const systemActor = "system";

/** Deletions the runner takes per transaction and per call (STYLE 10, 13). */
export const erasureBatchMax = 100;

/**
 * Crypto-shredding of one borrower in the caller's transaction (DESIGN.md "Privacy"): what was
 * queued for them is withdrawn, their data key is destroyed and the lookup hashes of them and
 * their emergency contacts are nulled; their logins are closed and their open sessions ended.
 * Their sealed profile, contacts, deliveries and correction values stay as ciphertext no key
 * opens, in the database and in every backup. Loans, ledger, contact log and audit log are
 * untouched: they hold ids, amounts and rule ids, never personal data, so the books still
 * balance and the audit log still verifies.
 */
export async function eraseInTx(
  ctx: AppContext,
  tx: StoreTx,
  borrower: BorrowerRecord,
  requestId: string,
): Promise<void> {
  if (isErased(borrower)) return;
  const at = ctx.clock.now();
  const withdrawn = await tx.privacy.withdrawQueued(borrower.id, "borrower erased");
  await tx.borrowers.erase(borrower.id, erasedKeyTombstone);
  const loginsClosed = await tx.users.closeForBorrower(borrower.id, at);
  // As a disabled user's (src/app/users/administration.ts), their sessions end at once: a
  // cookie they hold is not merely refused but ended, in the same transaction.
  let sessionsEnded = 0;
  for (const login of await allPages((page) => tx.privacy.loginsOf(borrower.id, page)))
    sessionsEnded += await tx.sessions.endAllOfUser(login.id, at);
  await audit(tx, at, "borrower.erased", borrower.id, {
    request: requestId,
    messagesWithdrawn: withdrawn.messages,
    plansDropped: withdrawn.plans,
    loginsClosed,
    sessionsEnded,
  });
}

/** What one run of the due-erasure runner did. */
export interface ErasureRun {
  readonly erased: number;
  /** Deletions whose retention turned out longer (a loan still open, a later collection record): rescheduled. */
  readonly postponed: number;
}

/**
 * Carries out the deletions whose retention has ended (the scheduler calls this daily). Each due
 * request is judged again on the borrower's records as they are now, in its own transaction:
 * erased when every retention period is over, otherwise rescheduled to the new end. Safe to rerun
 * and to run twice at once: a request moves on only from `restricted`.
 */
export async function runDueErasures(
  ctx: AppContext,
  limit = erasureBatchMax,
): Promise<ErasureRun> {
  const now = ctx.clock.now();
  // A date a day ahead of UTC covers every zone; each borrower's own day is checked below.
  const horizon = addDays(civilDateAt(now, "UTC"), 1);
  const due = await ctx.store.transaction((tx) =>
    tx.privacy.dueErasures(horizon, Math.min(limit, erasureBatchMax)),
  );
  const run = { erased: 0, postponed: 0 };
  for (const request of due) {
    const outcome = await ctx.store.transaction((tx) => eraseIfDue(ctx, tx, request));
    if (outcome) run[outcome]++;
  }
  return run;
}

async function eraseIfDue(
  ctx: AppContext,
  tx: StoreTx,
  request: PrivacyRequestRecord,
): Promise<"erased" | "postponed" | undefined> {
  const borrower = await tx.borrowers.get(request.borrowerId);
  if (!borrower) throw new Error(`deletion ${request.id} lost its borrower`);
  const now = ctx.clock.now();
  const today = civilDateAt(now, borrower.timeZone);
  if (request.eraseOn !== undefined && request.eraseOn > today) return undefined;
  const { verdict } = await retentionNow(tx, borrower.id, today);
  const answer = { answeredAt: now, answeredBy: systemActor };
  if (!verdict.erasableNow) {
    const eraseOn = verdict.until;
    if (
      !(await tx.privacy.updateRequest(request.id, "restricted", {
        status: "restricted",
        ...answer,
        eraseOn,
      }))
    )
      return undefined;
    await audit(tx, now, "privacy.erasure_postponed", request.id, {
      borrower: borrower.id,
      eraseOn: eraseOn ?? null,
      rules: [...new Set(verdict.loans.map((l) => l.ruleId))].join(","),
    });
    return "postponed";
  }
  if (!(await tx.privacy.updateRequest(request.id, "restricted", { status: "erased", ...answer })))
    return undefined;
  await eraseInTx(ctx, tx, borrower, request.id);
  return "erased";
}
