import { type CivilDate, compareDates } from "../calendar/civil-date.js";
import {
  EntryBuilder,
  type EntryKind,
  incomeAccount,
  type JournalEntry,
  lenderAccounts,
  receivableAccount,
} from "../ledger/journal.js";
import type { Amount } from "../money/amount.js";
import type { Component, Product } from "../product/product.js";
import { assert } from "../result.js";
import type { LoanEvent } from "./events.js";
import {
  type Delinquency,
  type InstallmentState,
  type LoanState,
  outstandingOf,
  type Parts,
  zeroParts,
} from "./loan.js";

/** An installment being changed inside one operation. */
export interface MutableInstallment {
  n: number;
  due: CivilDate;
  principal: Amount;
  interest: Amount;
  fee: Amount;
  charged: boolean;
  late: Amount;
  lateFeeCharged: boolean;
  paid: Record<Component, Amount>;
}

/** What a servicing operation returns: the new state, its journal entries and its events. */
export interface Serviced {
  readonly loan: LoanState;
  readonly entries: readonly JournalEntry[];
  readonly events: readonly LoanEvent[];
}

/**
 * A loan opened for one operation on one business date: installments become mutable copies,
 * money movements gather into journal entries, and `finish` returns the new immutable state.
 * It lives only inside a pure domain function; nothing outside sees it half-changed.
 */
export class WorkingLoan {
  readonly installments: MutableInstallment[];
  status: LoanState["status"];
  principalReduced: Amount;
  credit: Amount;
  delinquency: Delinquency;
  readonly events: LoanEvent[] = [];
  private readonly entries: JournalEntry[] = [];
  private entry: EntryBuilder;

  constructor(
    readonly base: LoanState,
    readonly product: Product,
    readonly date: CivilDate,
    kind: EntryKind,
  ) {
    this.installments = base.installments.map((i) => ({ ...i, paid: { ...i.paid } }));
    this.status = base.status;
    this.principalReduced = base.principalReduced;
    this.credit = base.credit;
    this.delinquency = base.delinquency;
    this.entry = new EntryBuilder(base.id, kind, date);
  }

  /** Closes the entry gathered so far and starts another of `kind`. */
  nextEntry(kind: EntryKind): void {
    this.closeEntry();
    this.entry = new EntryBuilder(this.base.id, kind, this.date);
  }

  /** Adds the entry gathered so far (if anything moved) to the operation's entries. */
  private closeEntry(): void {
    const built = this.entry.build();
    if (built) this.entries.push(built);
  }

  /** Charges interest and fee (or a late charge) to the loan: receivable up, income up. */
  charge(component: Exclude<Component, "principal">, amount: Amount): void {
    this.entry.post(receivableAccount(this.base.id, component), incomeAccount(component), amount);
  }

  /** Money received against a receivable. */
  receive(component: Component, amount: Amount): void {
    this.entry.post(lenderAccounts.cash, receivableAccount(this.base.id, component), amount);
  }

  /** Money received that the loan does not owe: owed back to the borrower. */
  toCredit(amount: Amount): void {
    this.entry.post(lenderAccounts.cash, lenderAccounts.credit, amount);
    this.credit += amount;
  }

  /** Raw posting for the rare movements the helpers above do not name (cancellation). */
  post(debit: string, credit: string, amount: Amount): void {
    this.entry.post(debit, credit, amount);
  }

  /** Index of the current installment: the first due after `date` (undefined when none is). */
  currentIndex(): number | undefined {
    const i = this.installments.findIndex((inst) => compareDates(inst.due, this.date) > 0);
    return i < 0 ? undefined : i;
  }

  /** Pays one installment in the product's allocation order; returns what is left of `amount`. */
  pay(
    installment: MutableInstallment,
    amount: Amount,
    allocated: Record<Component, Amount>,
  ): Amount {
    let left = amount;
    const owed = outstandingOf(installment as InstallmentState);
    for (const component of this.product.allocation) {
      const take = owed[component] < left ? owed[component] : left;
      if (take <= 0n) continue;
      installment.paid[component] += take;
      allocated[component] += take;
      this.receive(component, take);
      left -= take;
    }
    return left;
  }

  /** Charges the interest and fee of an installment that falls due (or is paid early) now. */
  chargeInstallment(installment: MutableInstallment): void {
    if (installment.charged) return;
    // After a charge-off nothing more is charged: installments fall due with principal only.
    if (this.status === "charged_off") {
      installment.interest = 0n;
      installment.fee = 0n;
    }
    installment.charged = true;
    this.charge("interest", installment.interest);
    this.charge("fee", installment.fee);
  }

  /**
   * Ends the loan (settled or cancelled): nothing is past due any more, so it leaves its
   * delinquency bucket now — the daily close no longer visits it.
   */
  end(status: "settled" | "cancelled"): void {
    this.status = status;
    const before = this.delinquency.bucket;
    if (before !== "current") {
      this.events.push({
        type: "bucket",
        date: this.date,
        loan: this.base.id,
        from: before,
        to: "current",
      });
    }
    this.delinquency = { ...this.delinquency, dpd: 0, bucket: "current", reported: false };
  }

  finish(): Serviced {
    this.closeEntry();
    const loan: LoanState = {
      ...this.base,
      status: this.status,
      installments: this.installments.map((i) => ({ ...i, paid: { ...i.paid } })),
      principalReduced: this.principalReduced,
      credit: this.credit,
      delinquency: this.delinquency,
      version: this.base.version + 1,
    };
    checkLoan(loan);
    return { loan, entries: this.entries, events: this.events };
  }
}

export function emptyAllocation(): Record<Component, Amount> {
  return { ...zeroParts };
}

/**
 * The invariants every loan state keeps; a violation is a bug and throws. Principal is conserved
 * (originated = scheduled + reduced), nothing is paid beyond what was charged, nothing negative.
 */
export function checkLoan(loan: LoanState): void {
  let scheduled = 0n;
  for (const i of loan.installments) {
    scheduled += i.principal;
    const owed: Parts = outstandingOf(i);
    for (const value of [
      i.principal,
      i.interest,
      i.fee,
      i.late,
      ...Object.values(i.paid),
      ...Object.values(owed),
    ]) {
      assert(value >= 0n, `loan ${loan.id}: installment ${i.n} has a negative amount`);
    }
  }
  assert(
    scheduled + loan.principalReduced === loan.principal,
    `loan ${loan.id}: principal is not conserved`,
  );
  assert(loan.credit >= 0n, `loan ${loan.id}: negative borrower credit`);
}
