import { addDays } from "../../domain/calendar/civil-date.js";
import { startOfDay } from "../../domain/calendar/instant.js";
import type { ReportGate } from "../../domain/close/close-day.js";
import type { LoanState } from "../../domain/loan/loan.js";
import { creditReportAllowed } from "../../domain/policy/credit-report.js";
import { policyPackFor } from "../../domain/policy/packs.js";
import type { Product } from "../../domain/product/product.js";
import type { StoreTx } from "../../ports/store.js";
import { historyOf, historySince } from "../contacts/facts.js";

/**
 * The bureau-report gates of a batch of loans (US-CREDIT-REPORT, US-REPORTING): for each loan
 * under a pack that has the rule, whether a report may go out at the end of a date, judged on
 * that loan's contact history. The histories of the whole batch are read in one query; loans
 * under a pack without the rule (CN) get no gate.
 */
export async function reportGates(
  tx: StoreTx,
  loans: readonly LoanState[],
  productOf: (loan: LoanState) => Product,
  asOf: number,
): Promise<Map<string, ReportGate>> {
  const gated = loans.filter((loan) =>
    policyPackFor(productOf(loan).pack.id).rules.some((r) => r.id === "US-CREDIT-REPORT"),
  );
  const gates = new Map<string, ReportGate>();
  if (gated.length === 0) return gates;
  const histories = await tx.contactAttempts.historyMany(
    [...new Set(gated.map((l) => l.borrowerId))],
    historySince(asOf),
  );
  for (const loan of gated) {
    const pack = productOf(loan).pack;
    const history = historyOf(
      (histories.get(loan.borrowerId) ?? []).filter((a) => a.loanId === loan.id),
    );
    const policy = policyPackFor(pack.id);
    gates.set(loan.id, (date) => {
      const endOfDay = startOfDay(addDays(date, 1), pack.timeZone) - 1;
      return creditReportAllowed(history, endOfDay, policy).allowed;
    });
  }
  return gates;
}
