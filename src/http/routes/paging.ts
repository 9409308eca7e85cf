import { pageSizeDefault } from "../schemas.js";

/** The page query as the use cases take it. */
export function pageRequest(query: { after?: string; limit?: number }): {
  after?: string;
  limit: number;
} {
  return { after: query.after, limit: query.limit ?? pageSizeDefault };
}

/** A page answer: the items and, when the page is full, the id to pass as `after` for the next. */
export function pageOf<T extends { readonly id: string }>(
  items: readonly T[],
  limit: number,
): { items: T[]; nextAfter: string | null } {
  const last = items.at(-1);
  return { items: [...items], nextAfter: items.length >= limit && last ? last.id : null };
}
