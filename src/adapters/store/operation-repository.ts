import type { Selectable } from "kysely";
import { assert } from "../../domain/result.js";
import type { OperationRecord, OperationRepository } from "../../ports/store.js";
import { type Db, int8, int8OfNumber, nullable, numberOf, optional } from "./codec.js";
import type { OperationTable } from "./schema.js";

const operationKinds: ReadonlySet<string> = new Set<OperationRecord["kind"]>([
  "payment",
  "refund",
  "settlement",
  "waiver",
]);

/**
 * The most operations one loan may have. A 60-month loan paid daily has under 2,000; far more is
 * abuse or a loop gone wrong, and reading it whole into memory would hide that.
 */
export const operationsPerLoanMax = 10_000;

/** Money operations on a loan, each kept with where its money went. Append-only (STYLE 11). */
export class SqlOperationRepository implements OperationRepository {
  constructor(private readonly db: Db) {}

  async insert(operation: OperationRecord): Promise<void> {
    const { allocated } = operation;
    await this.db
      .insertInto("operations")
      .values({
        id: operation.id,
        loan_id: operation.loanId,
        kind: operation.kind,
        amount: int8(operation.amount, "operation.amount"),
        business_date: operation.businessDate,
        at: int8OfNumber(operation.at, "operation.at"),
        alloc_late: int8(allocated.late, "operation.allocated.late"),
        alloc_fee: int8(allocated.fee, "operation.allocated.fee"),
        alloc_interest: int8(allocated.interest, "operation.allocated.interest"),
        alloc_principal: int8(allocated.principal, "operation.allocated.principal"),
        alloc_credit: int8(allocated.credit, "operation.allocated.credit"),
        idempotency_key: nullable(operation.idempotencyKey),
      })
      .execute();
  }

  /** A loan's operations in the order they happened (instant, then id for a tie). */
  async listByLoan(loanId: string): Promise<OperationRecord[]> {
    const rows = await this.db
      .selectFrom("operations")
      .selectAll()
      .where("loan_id", "=", loanId)
      .orderBy("at")
      .orderBy("id")
      .limit(operationsPerLoanMax + 1)
      .execute();
    assert(rows.length <= operationsPerLoanMax, `loan ${loanId} has too many operations`);
    return rows.map(operationOf);
  }
}

function operationOf(row: Selectable<OperationTable>): OperationRecord {
  assert(operationKinds.has(row.kind), `operation ${row.id} has an unknown kind`);
  return {
    id: row.id,
    loanId: row.loan_id,
    kind: row.kind as OperationRecord["kind"],
    amount: row.amount,
    businessDate: row.business_date,
    at: numberOf(row.at, "operations.at"),
    allocated: {
      late: row.alloc_late,
      fee: row.alloc_fee,
      interest: row.alloc_interest,
      principal: row.alloc_principal,
      credit: row.alloc_credit,
    },
    idempotencyKey: optional(row.idempotency_key),
  };
}
