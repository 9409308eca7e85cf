import { formatAmount } from "../../domain/money/amount.js";
import type { Currency } from "../../domain/money/currency.js";
import { offerPlan, type PlanOffer } from "../../domain/plan/offer.js";
import type { Scenario } from "../../domain/scenario/scenario.js";

/** One loan of the output document (../SCENARIOS.md "Output"), amounts as decimal strings. */
export interface LoanReport {
  readonly borrower: string;
  readonly product: string;
  readonly originated: string;
  readonly currency: string;
  readonly principal: string;
  readonly installments: number;
  readonly apr: string;
  readonly ear: string;
  readonly schedule: readonly {
    readonly n: number;
    readonly due: string;
    readonly principal: string;
    readonly interest: string;
    readonly fee: string;
    readonly total: string;
  }[];
}

export interface SimulationReport {
  readonly jurisdiction: string;
  readonly start: string;
  readonly end: string;
  readonly loans: Record<string, LoanReport>;
  readonly decisions: readonly unknown[];
  readonly events: readonly unknown[];
}

/**
 * Runs a validated scenario: every event in time order through the same domain code that serves
 * production, and reports the result. The same scenario always gives the same report.
 */
export function runScenario(scenario: Scenario): SimulationReport {
  const loans: Record<string, LoanReport> = {};
  for (const event of scenario.events) {
    switch (event.type) {
      case "originate": {
        const offer = offerPlan(event.product, event.principal, event.installments, event.date);
        loans[event.loan] = reportLoan(
          event.borrower,
          event.installments,
          offer,
          event.product.currency,
        );
        break;
      }
    }
  }
  return {
    jurisdiction: scenario.pack.ref,
    start: scenario.start,
    end: scenario.end,
    loans,
    decisions: [],
    events: [],
  };
}

function reportLoan(
  borrower: string,
  installments: number,
  offer: PlanOffer,
  currency: Currency,
): LoanReport {
  const money = (amount: bigint) => formatAmount(amount, currency);
  return {
    borrower,
    product: offer.productId,
    originated: offer.origination,
    currency: currency.code,
    principal: money(offer.principal),
    installments,
    apr: offer.disclosure.apr,
    ear: offer.disclosure.ear,
    schedule: offer.schedule.map((row) => ({
      n: row.n,
      due: row.due,
      principal: money(row.principal),
      interest: money(row.interest),
      fee: money(row.fee),
      total: money(row.total),
    })),
  };
}
