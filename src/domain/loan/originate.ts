import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { EntryBuilder, lenderAccounts, receivableAccount } from "../ledger/journal.js";
import type { Amount } from "../money/amount.js";
import { offerPlan, type PlanOffer } from "../plan/offer.js";
import type { Product } from "../product/product.js";
import type { LoanState } from "./loan.js";
import { checkLoan, type Serviced } from "./working-loan.js";

export interface OriginationRequest {
  readonly loanId: string;
  readonly orderId: string;
  readonly borrowerId: string;
  readonly product: Product;
  readonly principal: Amount;
  readonly installments: number;
  readonly origination: CivilDate;
}

/**
 * Turns a checkout into a loan: the schedule of the offer, nothing charged yet, and one journal
 * entry paying the principal out to the merchant (principal receivable up, cash out).
 */
export function originateLoan(request: OriginationRequest): Serviced & { offer: PlanOffer } {
  const { loanId, product, principal, origination } = request;
  const offer = offerPlan(product, principal, request.installments, origination);
  const loan: LoanState = {
    id: loanId,
    borrowerId: request.borrowerId,
    productId: product.id,
    orderId: request.orderId,
    currency: product.currency.code,
    principal,
    installmentCount: request.installments,
    apr: offer.disclosure.apr,
    ear: offer.disclosure.ear,
    origination,
    status: "open",
    installments: offer.schedule.map((row) => ({
      n: row.n,
      due: row.due,
      principal: row.principal,
      interest: row.interest,
      fee: row.fee,
      charged: false,
      late: 0n,
      lateFeeCharged: false,
      paid: { late: 0n, fee: 0n, interest: 0n, principal: 0n },
    })),
    principalReduced: 0n,
    credit: 0n,
    delinquency: {
      closedThrough: addDays(origination, -1),
      dpd: 0,
      bucket: "current",
      principalDays: 0n,
      lateClamped: 0n,
      reported: false,
    },
    version: 1,
  };
  checkLoan(loan);
  const entry = new EntryBuilder(loanId, "originate", origination)
    .post(receivableAccount(loanId, "principal"), lenderAccounts.cash, principal)
    .build();
  return {
    loan,
    offer,
    entries: entry ? [entry] : [],
    events: [{ type: "originated", date: origination, loan: loanId, principal }],
  };
}
