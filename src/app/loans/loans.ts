import { idPattern } from "../../domain/borrower/borrower-input.js";
import { compareDates, parseCivilDate } from "../../domain/calendar/civil-date.js";
import { civilDateAt } from "../../domain/calendar/instant.js";
import type { LoanState } from "../../domain/loan/loan.js";
import { originateLoan } from "../../domain/loan/originate.js";
import { applyPayment } from "../../domain/loan/payment.js";
import { applyRefund } from "../../domain/loan/refund.js";
import { quoteSettlement, settleLoan } from "../../domain/loan/settlement.js";
import { formatAmount, parseAmount } from "../../domain/money/amount.js";
import type { Product } from "../../domain/product/product.js";
import type { Problem } from "../../domain/result.js";
import { defaultLadderFor } from "../../domain/strategy/default-ladders.js";
import { ladderRef } from "../../domain/strategy/ladder.js";
import { type LoanFilter, type Page, pageSizeMax, type StoreTx } from "../../ports/store.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, appFail, invalid } from "../errors.js";
import { loadLoanProduct, loadProduct } from "../products.js";
import { transact } from "../transact.js";
import { type LoanView, loanView } from "./loan-view.js";
import { type Idempotency, moneyOperation, type OperationResult } from "./money-operation.js";

export interface OriginationInput {
  readonly orderId: unknown;
  readonly borrowerId: unknown;
  readonly productId: unknown;
  readonly principal: unknown;
  readonly installments: unknown;
  /** The origination date (default: today in the pack's time zone). */
  readonly date?: unknown;
}

export interface OriginationResult {
  readonly loan: LoanView;
  readonly apr: string;
  readonly ear: string;
  /** True when the order had already been originated with the same terms. */
  readonly replayed: boolean;
}

/**
 * Originates a plan at checkout. The order id makes it idempotent: the same order with the same
 * terms returns the loan it created; with other terms it is a conflict.
 */
export async function originate(
  ctx: AppContext,
  input: OriginationInput,
): Promise<AppResult<OriginationResult>> {
  const problems: Problem[] = [];
  const text = (field: keyof OriginationInput) => {
    const value = input[field];
    if (typeof value === "string" && idPattern.test(value)) return value;
    problems.push({
      code: "field.format",
      field,
      message: `${field} must match ${idPattern.source}`,
    });
    return "";
  };
  const orderId = text("orderId");
  const borrowerId = text("borrowerId");
  const productId = text("productId");
  const count = input.installments;
  if (typeof count !== "number" || !Number.isInteger(count)) {
    problems.push({
      code: "field.range",
      field: "installments",
      message: "installments must be a whole number",
    });
  }
  if (problems.length) return invalid(problems);
  return transact(ctx, async (tx) => {
    const product = await loadProduct(tx, productId);
    if (!product) throw new AppAbort({ code: "not_found", message: `no product ${productId}` });
    if (!(await tx.borrowers.get(borrowerId)))
      throw new AppAbort({ code: "not_found", message: `no borrower ${borrowerId}` });
    const principal = parseAmount(input.principal, product.currency, "principal");
    if (!principal.ok)
      throw new AppAbort({
        code: "invalid_input",
        message: principal.error.message,
        problems: [principal.error],
      });
    if (principal.value === 0n || !product.installments.includes(count as number)) {
      const field = principal.value === 0n ? "principal" : "installments";
      const message =
        field === "principal"
          ? "principal must be above zero"
          : `product ${product.id} offers ${product.installments.join(", ")} installments`;
      throw new AppAbort({
        code: "invalid_input",
        message: `${field}: ${message}`,
        problems: [{ code: `origination.${field}`, field, message }],
      });
    }
    const now = ctx.clock.now();
    const today = civilDateAt(now, product.pack.timeZone);
    let date = today;
    if (input.date !== undefined) {
      const parsed = parseCivilDate(input.date, "date");
      if (!parsed.ok)
        throw new AppAbort({
          code: "invalid_input",
          message: parsed.error.message,
          problems: [parsed.error],
        });
      if (compareDates(parsed.value, today) > 0) {
        throw new AppAbort({
          code: "invalid_input",
          message: "date: must not be in the future",
          problems: [
            { code: "date.future", field: "date", message: "date must not be in the future" },
          ],
        });
      }
      date = parsed.value;
    }
    const existing = await tx.loans.getByOrderId(orderId);
    if (existing) {
      // A checkout retry: the same order with the same terms is the loan already made. Without
      // a date the retry means "the order's date", so a retry after midnight still replays.
      const same =
        existing.borrowerId === borrowerId &&
        existing.productId === productId &&
        existing.principal === principal.value &&
        existing.installmentCount === count &&
        (input.date === undefined || existing.origination === date);
      if (!same) {
        throw new AppAbort({
          code: "conflict",
          message: `order ${orderId} was originated with other terms`,
        });
      }
      return {
        loan: loanView(existing, product),
        apr: existing.apr,
        ear: existing.ear,
        replayed: true,
      };
    }
    const created = originateLoan({
      loanId: ctx.ids.next("L"),
      orderId,
      borrowerId,
      product,
      principal: principal.value,
      installments: count as number,
      origination: date,
    });
    // The strategy in force for the loan now, recorded so a later change of defaults or a move
    // of this loan is explicit (DESIGN.md "a loan records which one treats it").
    const loan = { ...created.loan, strategy: ladderRef(defaultLadderFor(product.pack.id)) };
    await tx.loans.insert(loan, now);
    await tx.ledger.append(created.entries, `originate:${created.loan.id}`, now);
    await audit(tx, now, "loan.originated", created.loan.id, {
      order: orderId,
      borrower: borrowerId,
      product: productId,
      principal: formatAmount(principal.value, product.currency),
      installments: count as number,
      apr: created.offer.disclosure.apr,
      ear: created.offer.disclosure.ear,
    });
    return {
      loan: loanView(loan, product),
      apr: created.offer.disclosure.apr,
      ear: created.offer.disclosure.ear,
      replayed: false,
    };
  });
}

export async function getLoan(ctx: AppContext, id: string): Promise<AppResult<LoanView>> {
  const view = await ctx.store.transaction(async (tx) => {
    const loan = await tx.loans.get(id);
    return loan && loanView(loan, await loadLoanProduct(tx, loan.productId));
  });
  return view ? { ok: true, value: view } : appFail("not_found", `no loan ${id}`);
}

export async function listLoans(
  ctx: AppContext,
  filter: LoanFilter,
  page: Page,
): Promise<LoanView[]> {
  return ctx.store.transaction(async (tx) =>
    loanViews(
      tx,
      await tx.loans.list(filter, { ...page, limit: Math.min(page.limit, pageSizeMax) }),
    ),
  );
}

/** The views of loans read together: they name few products, each read once. */
export async function loanViews(tx: StoreTx, loans: readonly LoanState[]): Promise<LoanView[]> {
  const products = new Map<string, Product>();
  const views: LoanView[] = [];
  for (const loan of loans) {
    let product = products.get(loan.productId);
    if (!product) {
      product = await loadLoanProduct(tx, loan.productId);
      products.set(loan.productId, product);
    }
    views.push(loanView(loan, product));
  }
  return views;
}

/** A borrower's payment (DESIGN.md allocation); the idempotency key makes a retry post once. */
export function pay(
  ctx: AppContext,
  loanId: string,
  body: { amount: unknown; at?: unknown },
  idempotency: Idempotency,
): Promise<AppResult<OperationResult>> {
  return moneyOperation(
    ctx,
    { loanId, kind: "payment", amount: body.amount, at: body.at, idempotency },
    applyPayment,
  );
}

/** A merchandise refund reported by the mall. */
export function refund(
  ctx: AppContext,
  loanId: string,
  body: { amount: unknown; at?: unknown },
  idempotency?: Idempotency,
): Promise<AppResult<OperationResult>> {
  return moneyOperation(
    ctx,
    { loanId, kind: "refund", amount: body.amount, at: body.at, idempotency },
    applyRefund,
  );
}

/** Early settlement: the borrower pays the quote of the day and the loan is settled. */
export function settle(
  ctx: AppContext,
  loanId: string,
  body: { at?: unknown },
  idempotency?: Idempotency,
): Promise<AppResult<OperationResult>> {
  return moneyOperation(
    ctx,
    { loanId, kind: "settlement", at: body.at, idempotency },
    (loan, product, date) => {
      if (loan.status !== "open")
        throw new AppAbort({ code: "loan_not_open", message: `loan ${loan.id} is ${loan.status}` });
      const settled = settleLoan(loan, product, date);
      return { ...settled, paidTotal: settled.quote.total };
    },
  );
}

export interface QuoteView {
  readonly loanId: string;
  readonly date: string;
  readonly due: string;
  readonly principal: string;
  readonly proRataInterest: string;
  readonly proRataFee: string;
  readonly total: string;
}

/** The early-settlement quote for a date (default today), changing nothing. */
export async function settlementQuote(
  ctx: AppContext,
  loanId: string,
  dateText: unknown,
): Promise<AppResult<QuoteView>> {
  return transact(ctx, async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${loanId}` });
    if (loan.status !== "open")
      throw new AppAbort({ code: "loan_not_open", message: `loan ${loan.id} is ${loan.status}` });
    const product = await loadLoanProduct(tx, loan.productId);
    let date = civilDateAt(ctx.clock.now(), product.pack.timeZone);
    if (dateText !== undefined) {
      const parsed = parseCivilDate(dateText, "date");
      if (!parsed.ok)
        throw new AppAbort({
          code: "invalid_input",
          message: parsed.error.message,
          problems: [parsed.error],
        });
      date = parsed.value;
    }
    if (compareDates(date, loan.origination) < 0) {
      throw new AppAbort({
        code: "invalid_input",
        message: "date: before the loan's origination",
        problems: [
          {
            code: "date.before_origination",
            field: "date",
            message: "date falls before the loan's origination",
          },
        ],
      });
    }
    const q = quoteSettlement(loan, product, date);
    const money = (x: bigint) => formatAmount(x, product.currency);
    return {
      loanId,
      date,
      due: money(q.due.late + q.due.fee + q.due.interest + q.due.principal),
      principal: money(q.principal),
      proRataInterest: money(q.proRataInterest),
      proRataFee: money(q.proRataFee),
      total: money(q.total),
    };
  });
}
