import type { Selectable } from "kysely";
import { addDays, type CivilDate } from "../../domain/calendar/civil-date.js";
import { principalOutstanding } from "../../domain/close/quiet.js";
import type { Bucket, InstallmentState, LoanState, LoanStatus } from "../../domain/loan/loan.js";
import { assert } from "../../domain/result.js";
import type { ColumnTypes } from "./batch-sql.js";
import { flag, flagOf, int8, int8OfNumber, numberOf } from "./codec.js";
import type { InstallmentTable, LoanTable } from "./schema.js";

/**
 * The row codecs of loans and installments: the columns a `LoanState` is written as, the SQL type
 * of each column for the multi-row statements, and the state read back from the rows. Reading
 * asserts what writing guarantees, so a row no write could have made fails loudly as corruption.
 */

/** The statuses a stored loan may have; anything else in the table is corruption, not data. */
const loanStatuses: ReadonlySet<string> = new Set<LoanStatus>([
  "open",
  "settled",
  "cancelled",
  "charged_off",
]);

type LoanRow = { readonly id: string } & ReturnType<typeof stateColumns>;

/**
 * The SQL type of each column `SqlLoanRepository.updateMany` writes, in the order of its VALUES
 * rows.
 */
export const loanColumnTypes: ColumnTypes<LoanRow> = {
  id: "text",
  status: "text",
  principal_reduced: "bigint",
  credit: "bigint",
  closed_through: "text",
  dpd: "bigint",
  bucket: "text",
  principal_days: "bigint",
  late_clamped: "bigint",
  reported: "integer",
  version: "bigint",
  quiet_through: "text",
  principal_outstanding: "bigint",
};

/**
 * The contract: fixed at origination and written once. Updates never rewrite these columns, so
 * a close does not touch the borrower and order indexes of a million rows. The strategy is written
 * here too: only `setStrategy` changes it afterwards, so the close can never undo a move.
 */
export function contractColumns(loan: LoanState) {
  return {
    borrower_id: loan.borrowerId,
    product_id: loan.productId,
    order_id: loan.orderId,
    currency: loan.currency,
    principal: int8(loan.principal, "loan.principal"),
    origination: loan.origination,
    installment_count: int8OfNumber(loan.installmentCount, "loan.installmentCount"),
    apr: loan.apr,
    ear: loan.ear,
    strategy: loan.strategy ?? null,
  };
}

/**
 * What servicing and the daily close change: written by every update. `quietThrough` is the
 * close's judgement of the dates to come; any other write clears it (NULL), so a loan changed by
 * an operation is judged in full at its next close rather than on a stale word.
 */
export function stateColumns(loan: LoanState, quietThrough?: CivilDate) {
  return {
    status: loan.status,
    principal_reduced: int8(loan.principalReduced, "loan.principalReduced"),
    credit: int8(loan.credit, "loan.credit"),
    closed_through: loan.delinquency.closedThrough,
    dpd: int8OfNumber(loan.delinquency.dpd, "loan.delinquency.dpd"),
    bucket: loan.delinquency.bucket,
    principal_days: int8(loan.delinquency.principalDays, "loan.delinquency.principalDays"),
    late_clamped: int8(loan.delinquency.lateClamped, "loan.delinquency.lateClamped"),
    reported: flag(loan.delinquency.reported),
    version: int8OfNumber(loan.version, "loan.version"),
    quiet_through: quietThrough ?? null,
    principal_outstanding: int8(principalOutstanding(loan), "loan principal outstanding"),
  };
}

type InstallmentRow = ReturnType<typeof installmentRow>;

/** The SQL type of each installment column, in the order of the multi-row statements' VALUES. */
export const installmentColumnTypes: ColumnTypes<InstallmentRow> = {
  loan_id: "text",
  n: "bigint",
  due_date: "text",
  principal: "bigint",
  interest: "bigint",
  fee: "bigint",
  charged: "integer",
  late: "bigint",
  paid_late: "bigint",
  paid_fee: "bigint",
  paid_interest: "bigint",
  paid_principal: "bigint",
  late_fee_charged: "integer",
};

export function installmentRow(loanId: string, i: InstallmentState) {
  const field = (name: string) => `installment ${i.n} ${name}`;
  return {
    loan_id: loanId,
    n: int8OfNumber(i.n, field("n")),
    due_date: i.due,
    principal: int8(i.principal, field("principal")),
    interest: int8(i.interest, field("interest")),
    fee: int8(i.fee, field("fee")),
    charged: flag(i.charged),
    late: int8(i.late, field("late")),
    paid_late: int8(i.paid.late, field("paid.late")),
    paid_fee: int8(i.paid.fee, field("paid.fee")),
    paid_interest: int8(i.paid.interest, field("paid.interest")),
    paid_principal: int8(i.paid.principal, field("paid.principal")),
    late_fee_charged: flag(i.lateFeeCharged),
  };
}

export function installmentOf(row: Selectable<InstallmentTable>): InstallmentState {
  return {
    n: numberOf(row.n, "installments.n"),
    due: row.due_date,
    principal: row.principal,
    interest: row.interest,
    fee: row.fee,
    charged: flagOf(row.charged),
    late: row.late,
    lateFeeCharged: flagOf(row.late_fee_charged),
    paid: {
      late: row.paid_late,
      fee: row.paid_fee,
      interest: row.paid_interest,
      principal: row.paid_principal,
    },
  };
}

export function loanOf(row: Selectable<LoanTable>, installments: InstallmentState[]): LoanState {
  assert(loanStatuses.has(row.status), `loan ${row.id} has an unknown status`);
  return {
    id: row.id,
    borrowerId: row.borrower_id,
    productId: row.product_id,
    orderId: row.order_id,
    currency: row.currency,
    principal: row.principal,
    installmentCount: numberOf(row.installment_count, "loans.installment_count"),
    apr: row.apr,
    ear: row.ear,
    origination: row.origination,
    status: row.status as LoanStatus,
    installments,
    principalReduced: row.principal_reduced,
    credit: row.credit,
    delinquency: {
      closedThrough: row.closed_through ?? addDays(row.origination, -1),
      dpd: numberOf(row.dpd, "loans.dpd"),
      bucket: bucketOf(row.bucket),
      principalDays: row.principal_days,
      lateClamped: row.late_clamped,
      reported: flagOf(row.reported),
    },
    version: numberOf(row.version, "loans.version"),
    ...(row.strategy === null ? {} : { strategy: row.strategy }),
  };
}

const buckets: ReadonlySet<string> = new Set(["current", "M1", "M2", "M3", "M4+"]);

function bucketOf(value: string): Bucket {
  assert(buckets.has(value), "a loan has an unknown bucket");
  return value as Bucket;
}
