import { waiveLateCharges as waive } from "../../domain/loan/waive-late.js";
import type { AppContext } from "../context.js";
import type { AppResult } from "../errors.js";
import { moneyOperation, type OperationResult } from "./money-operation.js";

/** Waives the late charges a loan still owes, as of today (a decided hardship request). */
export function waiveLateCharges(
  ctx: AppContext,
  loanId: string,
): Promise<AppResult<OperationResult>> {
  return moneyOperation(ctx, { loanId, kind: "waiver" }, (loan, product, date) =>
    waive(loan, product, date),
  );
}
