import type { CivilDate } from "../calendar/civil-date.js";
import { CN1 } from "../jurisdiction/packs.js";
import { originateLoan } from "../loan/originate.js";
import type { Product } from "../product/product.js";
import { validateProduct } from "../product/validate-product.js";

/**
 * Builders for the servicing and close tests: a CN product from its definition, and loan L1
 * originated under it. Pure like the rest of the domain; no production code imports this module.
 */

/** A CN product (id "p") from a definition the caller knows is valid. */
export function cnProduct(raw: Record<string, unknown>): Product {
  const r = validateProduct({ id: "p", ...raw }, CN1, "product");
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Loan L1 of borrower b under `product`, and its origination entries. */
export function originateL1(
  product: Product,
  principal: bigint,
  installments: number,
  origination: CivilDate,
): ReturnType<typeof originateLoan> {
  return originateLoan({
    loanId: "L1",
    orderId: "o",
    borrowerId: "b",
    product,
    principal,
    installments,
    origination,
  });
}
