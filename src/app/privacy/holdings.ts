import { type CivilDate, compareDates } from "../../domain/calendar/civil-date.js";
import { civilDateAt, type Instant } from "../../domain/calendar/instant.js";
import type { JurisdictionId } from "../../domain/jurisdiction/packs.js";
import type { LoanState } from "../../domain/loan/loan.js";
import { restrictedRule } from "../../domain/privacy/restriction.js";
import {
  type LoanRetentionFacts,
  type RetentionVerdict,
  retentionOf,
} from "../../domain/privacy/retention.js";
import type { ContactAttemptRecord } from "../../ports/contact-store.js";
import { type OperationRecord, type Page, pageSizeMax, type StoreTx } from "../../ports/store.js";
import { loadProduct } from "../products.js";

/**
 * The most rows of one kind read about one borrower (STYLE 10): far above any real borrower's
 * loans or contact attempts, a bound on an export or a retention check all the same.
 */
export const borrowerRowsMax = 20_000;

/** Reads every page of `read`, each resuming after the last row of the one before, at most `borrowerRowsMax` rows. */
export async function allPages<T extends { id: string }>(
  read: (page: Page) => Promise<T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  for (let after: string | undefined; rows.length < borrowerRowsMax; ) {
    const page = await read({ after, limit: pageSizeMax });
    rows.push(...page);
    if (page.length < pageSizeMax) break;
    after = page.at(-1)?.id;
  }
  return rows.slice(0, borrowerRowsMax);
}

/** What is held about a borrower's loans: the loans, their operations and their jurisdictions. */
export interface LoanHoldings {
  readonly loans: readonly LoanState[];
  readonly operations: ReadonlyMap<string, readonly OperationRecord[]>;
  readonly jurisdictions: ReadonlyMap<string, { id: JurisdictionId; timeZone: string }>;
  /** Every judged contact about the borrower, in decision order. */
  readonly attempts: readonly ContactAttemptRecord[];
}

export async function loanHoldings(tx: StoreTx, borrowerId: string): Promise<LoanHoldings> {
  const loans = await allPages((page) => tx.loans.list({ borrowerId }, page));
  const operations = new Map<string, OperationRecord[]>();
  const jurisdictions = new Map<string, { id: JurisdictionId; timeZone: string }>();
  for (const loan of loans) {
    operations.set(loan.id, await tx.operations.listByLoan(loan.id));
    const product = await loadProduct(tx, loan.productId);
    if (!product) throw new Error(`loan ${loan.id} lost its product`);
    jurisdictions.set(loan.id, { id: product.pack.id, timeZone: product.pack.timeZone });
  }
  // The contact log pages in decision order: `after` is the last attempt of the page.
  const attempts = await allPages((page) => tx.contactAttempts.listByBorrower(borrowerId, page));
  return { loans, operations, jurisdictions, attempts };
}

function latestDate(dates: readonly CivilDate[]): CivilDate | undefined {
  return dates.reduce<CivilDate | undefined>(
    (a, b) => (a === undefined || compareDates(b, a) > 0 ? b : a),
    undefined,
  );
}

/** The facts retention is judged on (src/domain/privacy/retention.ts), from the holdings. */
export function retentionFactsOf(holdings: LoanHoldings): LoanRetentionFacts[] {
  return holdings.loans.map((loan) => {
    const pack = holdings.jurisdictions.get(loan.id);
    if (!pack) throw new Error(`loan ${loan.id} has no jurisdiction loaded`);
    const day = (at: Instant) => civilDateAt(at, pack.timeZone);
    // A decision refused because processing is restricted is no collection activity: it does
    // not push the end of retention further out.
    const records = holdings.attempts
      .filter((a) => a.loanId === loan.id && !a.rules.includes(restrictedRule))
      .flatMap((a) => [day(a.decidedAt), ...(a.resultAt === undefined ? [] : [day(a.resultAt)])]);
    return {
      loanId: loan.id,
      jurisdiction: pack.id,
      status: loan.status,
      origination: loan.origination,
      lastDueDate: loan.installments.at(-1)?.due,
      lastOperationDate: latestDate(
        (holdings.operations.get(loan.id) ?? []).map((o) => o.businessDate),
      ),
      lastCollectionDate: latestDate(records),
    };
  });
}

/** The borrower's retention as of `today` (their own calendar day). */
export async function retentionNow(
  tx: StoreTx,
  borrowerId: string,
  today: CivilDate,
): Promise<{ holdings: LoanHoldings; verdict: RetentionVerdict }> {
  const holdings = await loanHoldings(tx, borrowerId);
  return { holdings, verdict: retentionOf(retentionFactsOf(holdings), today) };
}
