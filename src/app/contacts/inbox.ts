import { formatInstant } from "../../domain/calendar/instant.js";
import type { Page } from "../../ports/store.js";
import { openForBorrower } from "../borrowers.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult } from "../errors.js";
import { transact } from "../transact.js";

export interface InboxMessage {
  readonly id: string;
  readonly loan: string;
  readonly template: string;
  readonly at: string;
  readonly subject: string;
  readonly body: string;
}

/** The borrower's in-app inbox: messages sealed at delivery, opened for the borrower alone. */
export async function inbox(
  ctx: AppContext,
  borrowerId: string,
  page: Page,
): Promise<AppResult<InboxMessage[]>> {
  return transact(ctx, async (tx) => {
    const borrower = await tx.borrowers.get(borrowerId);
    if (!borrower) throw new AppAbort({ code: "not_found", message: `no borrower ${borrowerId}` });
    const messages = await tx.deliveries.list({ kind: "inbox", borrowerId }, page);
    return messages.map((m) => {
      const text = openForBorrower(ctx, borrower, m.sealed, `delivery:${m.id}`);
      const split = text.indexOf("\n\n");
      return {
        id: m.id,
        loan: m.loanId,
        template: m.template,
        at: formatInstant(m.createdAt),
        subject: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? "" : text.slice(split + 2),
      };
    });
  });
}
