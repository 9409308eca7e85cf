import type { AppContext } from "../context.js";

/**
 * Whose a loan is: the borrower id, or undefined when there is no such loan. The HTTP edge asks
 * it before a borrower user reaches a route addressed by a loan id, so the check uses the
 * resource's real owner, never an id the caller sent alongside.
 */
export async function ownerOfLoan(ctx: AppContext, loanId: string): Promise<string | undefined> {
  const loan = await ctx.store.transaction((tx) => tx.loans.get(loanId));
  return loan?.borrowerId;
}
