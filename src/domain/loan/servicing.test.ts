import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type CivilDate } from "../calendar/civil-date.js";
import { CN1 } from "../jurisdiction/packs.js";
import { balances, type JournalEntry } from "../ledger/journal.js";
import { formatAmount } from "../money/amount.js";
import { CNY } from "../money/currency.js";
import type { Product } from "../product/product.js";
import { validateProduct } from "../product/validate-product.js";
import { type LoanState, outstandingOf } from "./loan.js";
import { originateLoan } from "./originate.js";
import { applyPayment } from "./payment.js";
import { applyRefund } from "./refund.js";
import { quoteSettlement, settleLoan } from "./settlement.js";

function product(raw: Record<string, unknown>): Product {
  const r = validateProduct({ id: "p", ...raw }, CN1, "product");
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const fineract = product({ method: "equal_installment", annualRate: "0.10", installments: [4] });
const flat = product({ method: "flat_fee", periodFeeRate: "0.006", installments: [12] });

function open(p: Product, principal: bigint, count: number, origination: CivilDate = "2026-01-10") {
  return originateLoan({
    loanId: "L1",
    orderId: "o1",
    borrowerId: "b1",
    product: p,
    principal,
    installments: count,
    origination,
  });
}

const money = (x: bigint) => formatAmount(x, CNY);
const rows = (loan: LoanState) =>
  loan.installments.map(
    (i) => `${i.n} ${i.due} ${money(i.principal)} ${money(i.interest)} ${money(i.fee)}`,
  );

describe("payments", () => {
  it("pays a bill on its due date: the due installment, nothing more", () => {
    const { loan } = open(flat, 600000n, 12);
    const paid = applyPayment(loan, flat, "2026-02-10", 53600n);
    expect(paid.allocated).toEqual({ late: 0n, fee: 3600n, interest: 0n, principal: 50000n });
    expect(paid.loan.installments[0]?.paid).toEqual({
      late: 0n,
      fee: 3600n,
      interest: 0n,
      principal: 50000n,
    });
    expect(paid.loan.installments[1]?.charged).toBe(false);
  });

  it("spreads a partial payment oldest first, late charges → fees → interest → principal", () => {
    const p = product({
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [12],
      lateCharges: [{ kind: "late_fee_fixed", amount: "20.00" }],
    });
    const { loan } = open(p, 600000n, 12);
    // Two bills overdue, each with a late fee of 20.00 charged by the daily close.
    const overdue: LoanState = {
      ...loan,
      installments: loan.installments.map((i) =>
        i.n <= 2 ? { ...i, charged: true, late: 2000n } : i,
      ),
    };
    const paid = applyPayment(overdue, p, "2026-03-20", 60000n);
    const [first, second] = paid.loan.installments;
    expect(first?.paid).toEqual({ late: 2000n, fee: 3600n, interest: 0n, principal: 50000n });
    expect(second?.paid).toEqual({ late: 2000n, fee: 2400n, interest: 0n, principal: 0n });
    expect(paid.allocated).toEqual({ late: 4000n, fee: 6000n, interest: 0n, principal: 50000n });
  });

  it("pays the current bill a few days early, charging it at the payment", () => {
    const { loan } = open(fineract, 800000n, 4);
    const paid = applyPayment(loan, fineract, "2026-02-05", 204184n);
    expect(paid.loan.installments[0]?.charged).toBe(true);
    expect(paid.allocated).toEqual({ late: 0n, fee: 0n, interest: 6667n, principal: 197517n });
  });

  it("shortens the term with an overpayment and recomputes later interest to the cent", () => {
    // 8000.00 at 10 % over 4 months; 5000.00 on the first due date pays bill 1 (2041.84), the
    // current bill 2 (2041.84) and reduces principal by 916.32 from the last installment.
    const { loan } = open(fineract, 800000n, 4);
    const paid = applyPayment(loan, fineract, "2026-02-10", 500000n);
    expect(rows(paid.loan)).toEqual([
      "1 2026-02-10 1975.17 66.67 0.00",
      "2 2026-03-10 1991.63 50.21 0.00",
      // 3116.88 × 10 % / 12 = 25.974 → 25.97; 1108.65 × 10 % / 12 = 9.23875 → 9.24.
      "3 2026-04-10 2008.23 25.97 0.00",
      "4 2026-05-10 1108.65 9.24 0.00",
    ]);
    expect(paid.loan.principalReduced).toBe(91632n);
    expect(paid.events.map((e) => e.type)).toContain("schedule_changed");
  });

  it("removes installments whose principal reaches zero", () => {
    const { loan } = open(fineract, 800000n, 4);
    // 2041.84 + 2041.84 pay bills 1–2; 3000.00 more clears bill 4 (2024.97) and 975.03 of bill 3.
    const paid = applyPayment(loan, fineract, "2026-02-10", 708368n);
    expect(rows(paid.loan)).toEqual([
      "1 2026-02-10 1975.17 66.67 0.00",
      "2 2026-03-10 1991.63 50.21 0.00",
      // 1033.20 × 10 % / 12 = 8.61
      "3 2026-04-10 1033.20 8.61 0.00",
    ]);
  });

  it("recomputes a flat-fee plan's later fees on the reduced principal", () => {
    const { loan } = open(flat, 600000n, 12);
    // Bill 1 (536.00) and the current bill 2 (536.00), then 464.00 off the last installment.
    const paid = applyPayment(loan, flat, "2026-02-10", 153600n);
    const fees = paid.loan.installments.map((i) => money(i.fee));
    // round((6000.00 − 464.00) × 0.006) = round(33.216) = 33.22 from bill 3 on; bills 1–2 keep 36.00.
    expect(fees).toEqual(["36.00", "36.00", ...Array(10).fill("33.22")]);
    expect(money(paid.loan.installments[11]?.principal ?? 0n)).toBe("36.00");
  });

  it("re-amortizes instead when the product says so", () => {
    const p = product({
      method: "equal_installment",
      annualRate: "0.10",
      installments: [4],
      prepayment: "reamortize",
    });
    const { loan } = open(p, 800000n, 4);
    const paid = applyPayment(loan, p, "2026-02-10", 500000n);
    // Bills 3–4 held 4033.20; 916.32 less leaves 3116.88, re-amortized over 2 months at 10 %:
    // A = 3116.88 × (1/120) × 14641/241 = 1577.95; 1577.95 − 25.97 = 1551.98; the last bill takes
    // the remaining 1564.90 with 1564.90 / 120 = 13.04 interest.
    expect(rows(paid.loan).slice(2)).toEqual([
      "3 2026-04-10 1551.98 25.97 0.00",
      "4 2026-05-10 1564.90 13.04 0.00",
    ]);
  });

  it("sends money to a settled loan to borrower credit", () => {
    const { loan } = open(flat, 600000n, 12);
    const settled = settleLoan(loan, flat, "2026-01-20").loan;
    const paid = applyPayment(settled, flat, "2026-02-10", 10000n);
    expect(paid.loan.credit).toBe(10000n);
    expect(paid.allocated).toEqual({ late: 0n, fee: 0n, interest: 0n, principal: 0n });
  });
});

describe("early settlement", () => {
  it("quotes mid-period: outstanding principal plus pro-rata interest, future interest waived", () => {
    const { loan } = open(fineract, 800000n, 4);
    const quote = quoteSettlement(loan, fineract, "2026-01-25");
    // 8000.00 × 10 % / 12 × 15 / 31 = 32.258 → 32.26.
    expect(quote).toMatchObject({
      principal: 800000n,
      proRataInterest: 3226n,
      proRataFee: 0n,
      total: 803226n,
    });
  });

  it("prorates a flat-fee plan's current fee and waives later fees", () => {
    const { loan } = open(flat, 600000n, 12);
    const afterOne = applyPayment(loan, flat, "2026-02-10", 53600n).loan;
    const quote = quoteSettlement(afterOne, flat, "2026-02-24");
    // 36.00 × 14 / 28 = 18.00 for Feb 10 → Mar 10; principal 5500.00.
    expect(quote).toMatchObject({ principal: 550000n, proRataFee: 1800n, total: 551800n });
    const settled = settleLoan(afterOne, flat, "2026-02-24");
    expect(settled.loan.status).toBe("settled");
    expect(settled.loan.installments.every((i) => outstandingOf(i).principal === 0n)).toBe(true);
    expect(settled.loan.installments.slice(2).every((i) => i.fee === 0n)).toBe(true);
  });

  it("on a due date pays that installment with no pro-rata interest", () => {
    const { loan } = open(fineract, 800000n, 4);
    const quote = quoteSettlement(loan, fineract, "2026-02-10");
    expect(quote).toMatchObject({
      due: { late: 0n, fee: 0n, interest: 6667n, principal: 197517n },
      proRataInterest: 0n,
    });
    expect(quote.total).toBe(806667n);
  });

  it("keeps a current bill already charged by an early payment", () => {
    const { loan } = open(fineract, 800000n, 4);
    const early = applyPayment(loan, fineract, "2026-02-01", 1000n).loan;
    const quote = quoteSettlement(early, fineract, "2026-02-05");
    // The bill's 66.67 interest was charged at the payment and stands; 10.00 of it is paid.
    expect(quote).toMatchObject({ proRataInterest: 0n, total: 800000n + 6667n - 1000n });
  });

  it("takes a settled loan out of its delinquency bucket", () => {
    const { loan } = open(fineract, 800000n, 4);
    const late: LoanState = {
      ...loan,
      delinquency: { ...loan.delinquency, dpd: 12, bucket: "M1", reported: true },
    };
    const settled = settleLoan(late, fineract, "2026-02-22");
    expect(settled.loan.delinquency).toMatchObject({ dpd: 0, bucket: "current", reported: false });
    expect(settled.events.filter((e) => e.type === "bucket")).toEqual([
      { type: "bucket", date: "2026-02-22", loan: "L1", from: "M1", to: "current" },
    ]);
  });

  it("settles when a payment covers the quote, the rest is credit", () => {
    const { loan } = open(fineract, 800000n, 4);
    const paid = applyPayment(loan, fineract, "2026-01-25", 900000n);
    expect(paid.loan.status).toBe("settled");
    expect(paid.loan.credit).toBe(900000n - 803226n);
    expect(paid.allocated).toEqual({ late: 0n, fee: 0n, interest: 3226n, principal: 800000n });
  });
});

describe("merchandise returns", () => {
  it("cancels at no cost before the first due date; what was paid becomes credit", () => {
    const { loan, entries } = open(flat, 600000n, 12);
    const early = applyPayment(loan, flat, "2026-01-20", 10000n);
    const cancelled = applyRefund(early.loan, flat, "2026-02-09", 600000n);
    expect(cancelled.loan.status).toBe("cancelled");
    expect(cancelled.loan.credit).toBe(10000n);
    const b = balances([...entries, ...early.entries, ...cancelled.entries]);
    expect(b.get("lender:income:fee") ?? 0n).toBe(0n);
    expect(b.get("loan:L1:principal") ?? 0n).toBe(0n);
    expect(b.get("loan:L1:fee") ?? 0n).toBe(0n);
    expect(b.get("lender:borrower_credit")).toBe(-10000n);
  });

  it("after the first due date, pays what is due and reduces principal: no fee on refunded principal later", () => {
    const { loan } = open(flat, 600000n, 12);
    const refunded = applyRefund(loan, flat, "2026-02-10", 100000n);
    expect(refunded.allocated).toEqual({ late: 0n, fee: 3600n, interest: 0n, principal: 96400n });
    const fees = refunded.loan.installments.map((i) => money(i.fee));
    // Bill 1 is paid and the current bill 2 keeps 36.00; later bills' fee is
    // round((6000.00 − 464.00) × 0.006) = 33.22.
    expect(fees.slice(0, 2)).toEqual(["36.00", "36.00"]);
    expect(new Set(fees.slice(2))).toEqual(new Set(["33.22"]));
  });

  it("a return of the whole principal later settles the loan, the rest is credit", () => {
    const { loan } = open(flat, 600000n, 12);
    const paid = applyPayment(loan, flat, "2026-02-10", 53600n).loan;
    const refunded = applyRefund(paid, flat, "2026-02-24", 600000n);
    expect(refunded.loan.status).toBe("settled");
    // The quote was 5500.00 + 18.00 pro-rata fee; 482.00 of the 6000.00 goes back.
    expect(refunded.loan.credit).toBe(48200n);
  });
});

/** Everything the ledger says about one loan must match its state. */
function checkAgainstLedger(
  loan: LoanState,
  entries: readonly JournalEntry[],
  received: bigint,
): void {
  const b = balances(entries);
  expect([...b.values()].reduce((a, x) => a + x, 0n)).toBe(0n);
  const owed = { late: 0n, fee: 0n, interest: 0n, principal: 0n };
  const charged = { late: 0n, fee: 0n, interest: 0n };
  const paid = { late: 0n, fee: 0n, interest: 0n, principal: 0n };
  for (const i of loan.installments) {
    const o = outstandingOf(i);
    for (const k of ["late", "fee", "interest", "principal"] as const) {
      owed[k] += o[k];
      paid[k] += i.paid[k];
    }
    charged.late += i.late;
    if (i.charged) {
      charged.fee += i.fee;
      charged.interest += i.interest;
    }
  }
  for (const k of ["late", "fee", "interest", "principal"] as const) {
    expect(b.get(`loan:${loan.id}:${k}`) ?? 0n).toBe(owed[k]);
  }
  // paid + outstanding = charged, per component.
  expect(paid.fee + owed.fee).toBe(charged.fee);
  expect(paid.interest + owed.interest).toBe(charged.interest);
  expect(-(b.get("lender:income:fee") ?? 0n)).toBe(charged.fee);
  expect(-(b.get("lender:income:interest") ?? 0n)).toBe(charged.interest);
  // Every cent received is in a receivable it paid, or in credit: cash = received − principal lent.
  expect(b.get("lender:cash_clearing") ?? 0n).toBe(received - loan.principal);
  expect(-(b.get("lender:borrower_credit") ?? 0n)).toBe(loan.credit);
}

describe("servicing invariants (any sequence of payments and refunds)", () => {
  const productArb = fc.oneof(
    fc.record({
      method: fc.constant("equal_installment"),
      annualRate: fc.constantFrom("0", "0.05", "0.18", "0.24"),
      prepayment: fc.constantFrom("shorten_term", "reamortize"),
    }),
    fc.record({
      method: fc.constant("equal_principal"),
      annualRate: fc.constantFrom("0.12", "0.2"),
      rounding: fc.constantFrom("half_up", "half_even"),
    }),
    fc.record({
      method: fc.constant("flat_fee"),
      periodFeeRate: fc.constantFrom("0", "0.006", "0.01"),
    }),
  );
  const opArb = fc.record({
    days: fc.integer({ min: 0, max: 60 }),
    kind: fc.constantFrom("payment", "payment", "refund", "settle"),
    amount: fc.bigInt({ min: 1n, max: 400000n }),
  });

  it("conserves every cent and keeps the ledger equal to the loan", () => {
    fc.assert(
      fc.property(
        productArb,
        fc.bigInt({ min: 100n, max: 2000000n }),
        fc.constantFrom(3, 6, 12),
        fc.array(opArb, { maxLength: 12 }),
        (raw, principal, count, ops) => {
          const p = product({ ...raw, installments: [count] });
          const start = open(p, principal, count);
          let loan = start.loan;
          const entries = [...start.entries];
          let received = 0n;
          let date: CivilDate = "2026-01-10";
          for (const op of ops) {
            date = addDays(date, op.days);
            if (op.kind === "settle") {
              if (loan.status !== "open") continue;
              const r = settleLoan(loan, p, date);
              received += r.quote.total;
              loan = r.loan;
              entries.push(...r.entries);
            } else {
              const r = (op.kind === "payment" ? applyPayment : applyRefund)(
                loan,
                p,
                date,
                op.amount,
              );
              received += op.amount;
              loan = r.loan;
              entries.push(...r.entries);
            }
            checkAgainstLedger(loan, entries, received);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
