import type { Selectable } from "kysely";
import type { Page, ProductRecord, ProductRepository } from "../../ports/store.js";
import { type Db, int8OfNumber, numberOf, pageLimit } from "./codec.js";
import type { ProductTable } from "./schema.js";

/** Products keep their raw definition as JSON, so a product re-validates exactly as it was given. */
export class SqlProductRepository implements ProductRepository {
  constructor(private readonly db: Db) {}

  async insert(product: ProductRecord): Promise<boolean> {
    // ON CONFLICT DO NOTHING instead of catching a unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and "exists already" is an expected answer here.
    const result = await this.db
      .insertInto("products")
      .values({
        id: product.id,
        jurisdiction: product.jurisdiction,
        definition: JSON.stringify(product.definition),
        created_at: int8OfNumber(product.createdAt, "product.createdAt"),
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  async get(id: string): Promise<ProductRecord | undefined> {
    const row = await this.db
      .selectFrom("products")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row && productOf(row);
  }

  async list(page: Page): Promise<ProductRecord[]> {
    const rows = await this.db
      .selectFrom("products")
      .selectAll()
      .$if(page.after !== undefined, (q) => q.where("id", ">", page.after ?? ""))
      .orderBy("id")
      .limit(pageLimit(page))
      .execute();
    return rows.map(productOf);
  }
}

function productOf(row: Selectable<ProductTable>): ProductRecord {
  return {
    id: row.id,
    jurisdiction: row.jurisdiction,
    definition: JSON.parse(row.definition) as Record<string, unknown>,
    createdAt: numberOf(row.created_at, "products.created_at"),
  };
}
