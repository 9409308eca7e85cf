import {
  knownLadderRefs,
  ladderByRef,
  ladderJurisdiction,
  strategyRefOf,
} from "../../domain/strategy/known-ladders.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppAbort, type AppResult, invalid } from "../errors.js";
import { loadLoanProduct } from "../products.js";
import { transact } from "../transact.js";
import type { LoanView } from "./loan-view.js";
import { loanView } from "./loan-view.js";

/**
 * An operator moves a loan to another known strategy ladder (DESIGN.md "a loan records which one
 * treats it"). From the next planning pass on, the loan's steps are that ladder's; plans already
 * made are judged against it too, so a step the new ladder does not propose is dropped. The move
 * and its `loan.strategy` audit leaf (the ref that treated the loan and the new one) commit
 * together. Moving a loan to the ref it records already changes nothing and writes no leaf.
 */
export async function moveLoanStrategy(
  ctx: AppContext,
  loanId: string,
  body: { readonly strategy: unknown },
): Promise<AppResult<LoanView>> {
  const ref = body.strategy;
  if (typeof ref !== "string" || !ladderByRef(ref)) {
    return invalid([
      {
        code: "strategy.unknown",
        field: "strategy",
        message: `strategy must be a known ladder: ${knownLadderRefs().join(", ")}`,
      },
    ]);
  }
  return transact(ctx, async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) throw new AppAbort({ code: "not_found", message: `no loan ${loanId}` });
    const product = await loadLoanProduct(tx, loan.productId);
    if (ladderJurisdiction(ref) !== product.pack.id) {
      const own = knownLadderRefs().filter((r) => ladderJurisdiction(r) === product.pack.id);
      throw new AppAbort({
        code: "invalid_input",
        message: `strategy: ${ref} is not a ladder for ${product.pack.id} loans`,
        problems: [
          {
            code: "strategy.jurisdiction",
            field: "strategy",
            message: `strategy must be a ladder for ${product.pack.id} loans: ${own.join(", ")}`,
          },
        ],
      });
    }
    if (loan.strategy === ref) return loanView(loan, product);
    const from = strategyRefOf(loan.strategy, product.pack.id);
    if (!(await tx.loans.setStrategy(loan.id, ref)))
      throw new Error(`loan ${loan.id} vanished inside its transaction`);
    await audit(tx, ctx.clock.now(), "loan.strategy", loan.id, { from, to: ref });
    return loanView({ ...loan, strategy: ref }, product);
  });
}
