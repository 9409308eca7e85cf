import type { CivilDate } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import type { Component } from "../product/product.js";
import { assert } from "../result.js";

/**
 * Ledger accounts (DESIGN.md "Ledger"). Per loan: one receivable per component. Lender-wide:
 * cash clearing, one income account per charged component, borrower credit (money owed back)
 * and write-off expense.
 */
export const lenderAccounts = {
  cash: "lender:cash_clearing",
  credit: "lender:borrower_credit",
  writeOff: "lender:write_off_expense",
  /** Contra-asset against charged-off receivables: the loss is booked, the claim remains. */
  allowance: "lender:charge_off_allowance",
} as const;

export type ChargedComponent = Exclude<Component, "principal">;

export function receivableAccount(loanId: string, component: Component): string {
  return `loan:${loanId}:${component}`;
}

export function incomeAccount(component: ChargedComponent): string {
  return `lender:income:${component}`;
}

/** One leg of a journal entry: a debit is positive, a credit negative. */
export interface Posting {
  readonly account: string;
  readonly amount: Amount;
}

export type EntryKind =
  | "originate"
  | "charge"
  | "payment"
  | "refund"
  | "settle"
  | "cancel"
  | "credit"
  | "charge_off"
  | "waive";

/** One movement of money: its postings sum to zero. */
export interface JournalEntry {
  readonly loanId: string;
  readonly kind: EntryKind;
  readonly date: CivilDate;
  readonly postings: readonly Posting[];
}

/**
 * Collects the postings of one movement and closes them into a balanced entry. Zero legs are
 * dropped; legs on the same account are merged, so an entry is the net effect.
 */
export class EntryBuilder {
  private readonly legs = new Map<string, Amount>();

  constructor(
    private readonly loanId: string,
    private readonly kind: EntryKind,
    private readonly date: CivilDate,
  ) {}

  post(debit: string, credit: string, amount: Amount): this {
    assert(amount >= 0n, "EntryBuilder.post: amounts are non-negative; swap the accounts instead");
    if (amount === 0n) return this;
    this.legs.set(debit, (this.legs.get(debit) ?? 0n) + amount);
    this.legs.set(credit, (this.legs.get(credit) ?? 0n) - amount);
    return this;
  }

  /** The balanced entry, or undefined when nothing moved. */
  build(): JournalEntry | undefined {
    const postings = [...this.legs]
      .filter(([, amount]) => amount !== 0n)
      .map(([account, amount]) => ({ account, amount }))
      .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
    if (postings.length === 0) return undefined;
    assert(postings.reduce((sum, p) => sum + p.amount, 0n) === 0n, "journal entry must balance");
    return { loanId: this.loanId, kind: this.kind, date: this.date, postings };
  }
}

/** Balances per account from a list of entries: the ledger's truth. */
export function balances(entries: Iterable<JournalEntry>): Map<string, Amount> {
  const out = new Map<string, Amount>();
  for (const entry of entries) {
    for (const { account, amount } of entry.postings)
      out.set(account, (out.get(account) ?? 0n) + amount);
  }
  return out;
}
