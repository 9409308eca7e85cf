import { idPattern } from "../../domain/borrower/borrower-input.js";
import { erasedMarker } from "../../domain/privacy/erasure.js";
import { readRevealField, readRevealReason, revealFieldName } from "../../domain/privacy/reveal.js";
import type { Problem } from "../../domain/result.js";
import { audit } from "../audit.js";
import { isErased, openBorrower } from "../borrowers.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, invalid } from "../errors.js";
import { transact } from "../transact.js";

export interface RevealRequest {
  readonly borrowerId: string;
  /** `name`, `phone`, `email` or `contact:<id>`. */
  readonly field: unknown;
  /** Why: a short code or text, at most `revealReasonLengthMax` characters. Never logged. */
  readonly reason: unknown;
  /** The staff member or client revealing (an id). */
  readonly actor: string;
}

export interface RevealedValue {
  readonly borrower: string;
  readonly field: string;
  /** The plain value; null when none is on file, `[erased]` after erasure. */
  readonly value: string | null;
}

/**
 * Reveals one masked value to staff (DESIGN.md "Privacy": revealing takes a stated reason and
 * writes an audit record). Refused without a reason (`invalid_input` naming `reason`). The audit
 * leaf holds the actor, the borrower, the field and a keyed digest of the reason — never the
 * reason or the value — so a reveal can be matched to a stated reason later without the log
 * holding either.
 */
export async function revealBorrower(
  ctx: AppContext,
  request: RevealRequest,
): Promise<AppResult<RevealedValue>> {
  const problems: Problem[] = [];
  const field = readRevealField(request.field, problems);
  const reason = readRevealReason(request.reason, problems);
  if (!idPattern.test(request.actor))
    problems.push({ code: "field.format", field: "actor", message: "actor must be an id" });
  if (!field || reason === undefined || problems.length) return invalid(problems);
  return transact(ctx, async (tx) => {
    const borrower = await tx.borrowers.get(request.borrowerId);
    if (!borrower)
      throw new AppAbort({ code: "not_found", message: `no borrower ${request.borrowerId}` });
    if (field.kind === "contact" && !borrower.contacts.some((c) => c.contactId === field.contactId))
      throw new AppAbort({ code: "not_found", message: `no contact ${field.contactId}` });
    const opened = openBorrower(ctx, borrower);
    const value = isErased(borrower)
      ? erasedMarker
      : field.kind === "contact"
        ? opened.contactPhones.get(field.contactId)
        : opened[field.kind];
    const name = revealFieldName(field);
    await audit(tx, ctx.clock.now(), "personal_data.revealed", borrower.id, {
      actor: request.actor,
      field: name,
      reasonDigest: ctx.keyring.lookupHash("reason", reason),
      // Revealed while a deletion waits for retention to end (PIPL-RESTRICTED): visible to audit.
      restricted: await tx.privacy.isRestricted(borrower.id),
    });
    return { borrower: borrower.id, field: name, value: value ?? null };
  });
}
