import { receivableAccount } from "../../domain/ledger/journal.js";
import { outstandingOf, type Parts, sumParts, zeroParts } from "../../domain/loan/loan.js";
import type { AppContext } from "../context.js";

export interface LedgerMismatch {
  readonly loanId: string;
  readonly account: string;
  /** What the loan's state says is owed, in minor units. */
  readonly state: bigint;
  /** What the postings add up to. */
  readonly ledger: bigint;
}

/**
 * Compares a loan's cached balances — the outstanding amounts its state holds — with the balances
 * its postings derive (DESIGN.md "Ledger": a cached balance must always agree). Empty when sound.
 */
export async function loanLedgerMismatches(
  ctx: AppContext,
  loanId: string,
): Promise<LedgerMismatch[]> {
  return ctx.store.transaction(async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) return [{ loanId, account: "loan", state: 0n, ledger: 0n }];
    const owed: Parts = loan.installments.reduce(
      (sum, i) => sumParts(sum, outstandingOf(i)),
      zeroParts,
    );
    const balances = await tx.ledger.balances(`loan:${loanId}:`);
    const mismatches: LedgerMismatch[] = [];
    for (const component of ["late", "fee", "interest", "principal"] as const) {
      const account = receivableAccount(loanId, component);
      const ledger = balances.get(account) ?? 0n;
      if (ledger !== owed[component])
        mismatches.push({ loanId, account, state: owed[component], ledger });
    }
    return mismatches;
  });
}
