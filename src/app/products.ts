import { type JurisdictionId, jurisdictionIds, packFor } from "../domain/jurisdiction/packs.js";
import type { Product } from "../domain/product/product.js";
import { validateProduct } from "../domain/product/validate-product.js";
import { isRawObject } from "../domain/validation/reader.js";
import { type Page, type ProductRecord, pageSizeMax, type StoreTx } from "../ports/store.js";
import { audit } from "./audit.js";
import type { AppContext } from "./context.js";
import { AppAbort, type AppResult, appFail, invalid } from "./errors.js";
import { transact } from "./transact.js";

/** A product as stored and as shown: its definition and the pack it is sold under. */
export interface ProductView {
  readonly id: string;
  readonly jurisdiction: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

/**
 * Creates a product from its definition (the scenario file's product fields, plus `jurisdiction`,
 * default CN). Refused with every bad field named, or when its APR exceeds the pack's cap.
 */
export async function createProduct(
  ctx: AppContext,
  raw: unknown,
): Promise<AppResult<ProductView>> {
  const jurisdiction = isRawObject(raw) && raw.jurisdiction !== undefined ? raw.jurisdiction : "CN";
  if (!jurisdictionIds.includes(jurisdiction as JurisdictionId)) {
    return invalid([
      {
        code: "field.choice",
        field: "jurisdiction",
        message: `jurisdiction must be one of ${jurisdictionIds.join(", ")}`,
      },
    ]);
  }
  const { jurisdiction: _, ...definition } = isRawObject(raw) ? raw : {};
  const validated = validateProduct(
    isRawObject(raw) ? definition : raw,
    packFor(jurisdiction as JurisdictionId),
    "",
  );
  if (!validated.ok) return invalid(validated.error);
  const record: ProductRecord = {
    id: validated.value.id,
    jurisdiction: jurisdiction as string,
    definition,
    createdAt: ctx.clock.now(),
  };
  return transact(ctx, async (tx) => {
    if (!(await tx.products.insert(record)))
      throw new AppAbort({
        code: "already_exists",
        message: `product ${record.id} exists already`,
      });
    await audit(tx, record.createdAt, "product.created", record.id, {
      jurisdiction: record.jurisdiction,
      method: validated.value.method,
    });
    return viewOf(record);
  });
}

export async function getProduct(ctx: AppContext, id: string): Promise<AppResult<ProductView>> {
  const record = await ctx.store.transaction((tx) => tx.products.get(id));
  return record ? { ok: true, value: viewOf(record) } : appFail("not_found", `no product ${id}`);
}

export async function listProducts(ctx: AppContext, page: Page): Promise<ProductView[]> {
  const records = await ctx.store.transaction((tx) =>
    tx.products.list({ ...page, limit: Math.min(page.limit, pageSizeMax) }),
  );
  return records.map(viewOf);
}

/**
 * Loads a stored product as a validated domain product. A stored definition that no longer
 * validates is a broken invariant (it validated when stored), so it throws.
 */
export async function loadProduct(tx: StoreTx, id: string): Promise<Product | undefined> {
  const record = await tx.products.get(id);
  if (!record) return undefined;
  // The cap check ran when the product was created; a stored product is re-read, not re-judged.
  const validated = validateProduct(
    record.definition,
    packFor(record.jurisdiction as JurisdictionId),
    "",
    { checkCap: false },
  );
  if (!validated.ok) throw new Error(`stored product ${id} no longer validates`);
  return validated.value;
}

/** The product of a stored loan: a loan naming a missing product is corruption, so it throws. */
export async function loadLoanProduct(tx: StoreTx, productId: string): Promise<Product> {
  const product = await loadProduct(tx, productId);
  if (!product) throw new Error(`a loan names a missing product ${productId}`);
  return product;
}

function viewOf(record: ProductRecord): ProductView {
  return { id: record.id, jurisdiction: record.jurisdiction, definition: record.definition };
}
