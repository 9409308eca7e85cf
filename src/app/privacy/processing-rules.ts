import { civilDateAt } from "../../domain/calendar/instant.js";
import { type ProcessingRuleView, processingRulesFor } from "../../domain/privacy/processing.js";
import type { LoanRetention } from "../../domain/privacy/retention.js";
import { isErased } from "../borrowers.js";
import type { AppContext } from "../context.js";
import type { AppResult } from "../errors.js";
import { transact } from "../transact.js";
import { retentionNow } from "./holdings.js";
import { borrowerOrAbort } from "./requests.js";

export interface ProcessingRulesView {
  readonly borrower: string;
  /** A deletion waits for retention to end: nothing is processed but keeping the records. */
  readonly restricted: boolean;
  readonly erased: boolean;
  readonly purposes: readonly ProcessingRuleView[];
  /** The retention rules that apply to the borrower's loans (CN-RETENTION, US-RETENTION), with their dates. */
  readonly retention: { readonly until: string | null; readonly loans: readonly LoanRetention[] };
}

/**
 * Explains the processing of the borrower's data (PIPL Art. 48; Art. 17 on what a notice
 * states): what is processed, on which legal basis (contract, legal obligation, consent) and
 * until when, with the borrower's own retention dates read from the packs. A read: nothing is
 * recorded.
 */
export async function processingRules(
  ctx: AppContext,
  borrowerId: string,
): Promise<AppResult<ProcessingRulesView>> {
  return transact(ctx, async (tx) => {
    const borrower = await borrowerOrAbort(tx, borrowerId);
    const today = civilDateAt(ctx.clock.now(), borrower.timeZone);
    const { verdict } = await retentionNow(tx, borrowerId, today);
    return {
      borrower: borrowerId,
      restricted: await tx.privacy.isRestricted(borrowerId),
      erased: isErased(borrower),
      purposes: processingRulesFor(verdict),
      retention: { until: verdict.until ?? null, loans: verdict.loans },
    };
  });
}
