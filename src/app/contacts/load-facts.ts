import type { Instant } from "../../domain/calendar/instant.js";
import type { ConsentRecord, ContactAttemptRecord } from "../../ports/contact-store.js";
import type { StoreTx } from "../../ports/store.js";
import { type ChoiceRecords, historyEntriesMax, historySince } from "./facts.js";

/**
 * What a decision about one of a borrower's loans reads from the store: the borrower's contact
 * history (the last `historyDaysMax` days, at most `historyEntriesMax` attempts), consents,
 * preferences, promises, holds and the loan's payments. One loader, used by every path that
 * judges (`decideAndRecord`) or runs the engine forward (`forecastLoan`), so a forecast sees the
 * very facts a real decision at the same instant would.
 */
export interface DecisionFacts {
  readonly attempts: readonly ContactAttemptRecord[];
  /** What `decisionInput` takes beside the attempts. */
  readonly choices: Omit<ChoiceRecords, "history"> & {
    readonly consents: readonly ConsentRecord[];
  };
}

export async function loadDecisionFacts(
  tx: StoreTx,
  borrowerId: string,
  loanId: string,
  asOf: Instant,
): Promise<DecisionFacts> {
  const [attempts, consents, preferences, promises, holds, operations] = await Promise.all([
    tx.contactAttempts.history(borrowerId, historySince(asOf), historyEntriesMax),
    tx.choices.consents(borrowerId),
    tx.choices.preferences(borrowerId),
    tx.choices.promises(borrowerId),
    tx.choices.holds(borrowerId),
    tx.operations.listByLoan(loanId),
  ]);
  const payments = operations.filter((o) => o.kind === "payment");
  return { attempts, choices: { consents, preferences, promises, holds, payments } };
}
