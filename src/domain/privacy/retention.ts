import { addMonthsAnchored, type CivilDate, compareDates } from "../calendar/civil-date.js";
import type { JurisdictionId } from "../jurisdiction/packs.js";
import type { LoanStatus } from "../loan/loan.js";
import { policyPackFor, ruleSpec } from "../policy/packs.js";
import { assert } from "../result.js";

/**
 * Legal retention of a borrower's records (POLICY.md CN-RETENTION, US-RETENTION) and when it ends.
 * Pure: the caller loads the facts, this decides. The period of each loan runs from the later of
 * the loan's end and the last collection record about it; the borrower's data may be erased once
 * every loan's period is over (PIPL Art. 47: deletion where the retention the law requires has
 * ended).
 */

/** The retention rule of a jurisdiction's pack, with its parameter read from the pack. */
export interface RetentionRule {
  readonly ruleId: string;
  readonly years: number;
  readonly source: string;
}

export function retentionRuleFor(jurisdiction: JurisdictionId): RetentionRule {
  const pack = policyPackFor(jurisdiction);
  const spec = ruleSpec(pack, `${jurisdiction}-RETENTION`);
  const years = spec.parameters.years;
  assert(
    typeof years === "number" && Number.isInteger(years) && years > 0,
    `${spec.id} names no whole number of years`,
  );
  return { ruleId: spec.id, years, source: spec.source };
}

/** What retention needs to know about one loan. */
export interface LoanRetentionFacts {
  readonly loanId: string;
  readonly jurisdiction: JurisdictionId;
  readonly status: LoanStatus;
  readonly origination: CivilDate;
  /** The due date of the last installment of the schedule in force. */
  readonly lastDueDate: CivilDate | undefined;
  /** The business date of the last money operation (payment, refund, settlement, waiver). */
  readonly lastOperationDate: CivilDate | undefined;
  /** The date of the last collection record about the loan (a judged contact or its outcome). */
  readonly lastCollectionDate: CivilDate | undefined;
}

/** One loan's retention: the rule, the date the period runs from and the date it ends. */
export interface LoanRetention {
  readonly loanId: string;
  readonly ruleId: string;
  readonly years: number;
  /** The later of the loan's end and its last collection record. */
  readonly from: CivilDate;
  /** The first date on which the records may be erased. */
  readonly until: CivilDate;
  /**
   * False while the loan is open or charged off: it has not ended, so `from` is provisional
   * (no earlier than `today`) and the end is computed again when it falls due.
   */
  readonly final: boolean;
}

export interface RetentionVerdict {
  readonly loans: readonly LoanRetention[];
  /** When every period is over: `today` or earlier means erasable now; undefined when no loan ever existed. */
  readonly until: CivilDate | undefined;
  readonly erasableNow: boolean;
}

const terminal: ReadonlySet<LoanStatus> = new Set(["settled", "cancelled"]);

function latest(dates: readonly (CivilDate | undefined)[]): CivilDate {
  const present = dates.filter((d): d is CivilDate => d !== undefined);
  assert(present.length > 0, "latest needs at least one date");
  return present.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
}

export function loanRetention(facts: LoanRetentionFacts, today: CivilDate): LoanRetention {
  const rule = retentionRuleFor(facts.jurisdiction);
  const final = terminal.has(facts.status);
  // A loan that has not ended cannot have ended before today; its contractual end is its last due date.
  const end = final
    ? latest([facts.origination, facts.lastOperationDate])
    : latest([facts.lastDueDate, facts.lastOperationDate, today]);
  const from = latest([end, facts.lastCollectionDate]);
  return {
    loanId: facts.loanId,
    ruleId: rule.ruleId,
    years: rule.years,
    from,
    until: addMonthsAnchored(from, rule.years * 12),
    final,
  };
}

/**
 * The retention of everything held about one borrower: erasable now when they never had a loan
 * or when every loan's period has ended by `today`.
 */
export function retentionOf(
  loans: readonly LoanRetentionFacts[],
  today: CivilDate,
): RetentionVerdict {
  const each = loans.map((l) => loanRetention(l, today));
  if (each.length === 0) return { loans: [], until: undefined, erasableNow: true };
  const until = latest(each.map((l) => l.until));
  return {
    loans: each,
    until,
    erasableNow: each.every((l) => l.final) && compareDates(until, today) <= 0,
  };
}
