import {
  type Bucket,
  type LoanState,
  outstandingOf,
  type Parts,
  sumParts,
  zeroParts,
} from "../../domain/loan/loan.js";
import { formatAmount } from "../../domain/money/amount.js";
import { currencyOf } from "../../domain/money/currency.js";
import type { Product } from "../../domain/product/product.js";
import { strategyRefOf } from "../../domain/strategy/known-ladders.js";

type Money = Record<keyof Parts, string>;

/** A loan as the API shows it: amounts as decimal strings, per installment and in total. */
export interface LoanView {
  readonly id: string;
  readonly orderId: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly status: LoanState["status"];
  readonly currency: string;
  readonly principal: string;
  readonly installmentCount: number;
  /** The APR and EAR disclosed at origination, percent with 2 decimals (CN-DISCLOSE-APR). */
  readonly apr: string;
  readonly ear: string;
  readonly origination: string;
  readonly installments: readonly {
    readonly n: number;
    readonly due: string;
    readonly principal: string;
    readonly interest: string;
    readonly fee: string;
    readonly late: string;
    readonly charged: boolean;
    readonly paid: Money;
    readonly outstanding: Money;
  }[];
  readonly outstanding: Money;
  readonly paid: Money;
  readonly charged: { readonly interest: string; readonly fee: string; readonly late: string };
  readonly principalReduced: string;
  readonly credit: string;
  /** The daily close's view: days past due, bucket, late charges the cap prevented, last closed date. */
  readonly dpd: number;
  readonly bucket: Bucket;
  readonly lateClamped: string;
  readonly closedThrough: string;
  /**
   * The strategy ladder treating the loan (`id@version`): the one it records, or its pack's
   * default for a loan stored before loans recorded one.
   */
  readonly strategy: string;
}

/** The view of a loan of `product` (whose pack names the default strategy). */
export function loanView(loan: LoanState, product: Product): LoanView {
  const currency = currencyOf(loan.currency);
  if (!currency) throw new Error(`loan ${loan.id} has a currency fenqi does not know`);
  const money = (parts: Parts): Money => ({
    late: formatAmount(parts.late, currency),
    fee: formatAmount(parts.fee, currency),
    interest: formatAmount(parts.interest, currency),
    principal: formatAmount(parts.principal, currency),
  });
  let outstanding = zeroParts;
  let paid: Parts = { ...zeroParts, principal: loan.principalReduced };
  const charged = { interest: 0n, fee: 0n, late: 0n };
  for (const i of loan.installments) {
    outstanding = sumParts(outstanding, outstandingOf(i));
    paid = sumParts(paid, i.paid);
    charged.late += i.late;
    if (i.charged) {
      charged.interest += i.interest;
      charged.fee += i.fee;
    }
  }
  return {
    id: loan.id,
    orderId: loan.orderId,
    borrowerId: loan.borrowerId,
    productId: loan.productId,
    status: loan.status,
    currency: currency.code,
    principal: formatAmount(loan.principal, currency),
    installmentCount: loan.installmentCount,
    apr: loan.apr,
    ear: loan.ear,
    origination: loan.origination,
    installments: loan.installments.map((i) => ({
      n: i.n,
      due: i.due,
      principal: formatAmount(i.principal, currency),
      interest: formatAmount(i.interest, currency),
      fee: formatAmount(i.fee, currency),
      late: formatAmount(i.late, currency),
      charged: i.charged,
      paid: money(i.paid),
      outstanding: money(outstandingOf(i)),
    })),
    outstanding: money(outstanding),
    paid: money(paid),
    charged: {
      interest: formatAmount(charged.interest, currency),
      fee: formatAmount(charged.fee, currency),
      late: formatAmount(charged.late, currency),
    },
    principalReduced: formatAmount(loan.principalReduced, currency),
    credit: formatAmount(loan.credit, currency),
    dpd: loan.delinquency.dpd,
    bucket: loan.delinquency.bucket,
    lateClamped: formatAmount(loan.delinquency.lateClamped, currency),
    closedThrough: loan.delinquency.closedThrough,
    strategy: strategyRefOf(loan.strategy, product.pack.id),
  };
}
