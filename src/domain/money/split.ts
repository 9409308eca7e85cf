import { assert } from "../result.js";
import type { Amount } from "./amount.js";

/**
 * Splits `total` into `count` parts that differ by at most one minor unit; the larger parts come
 * first. Every part is returned; their sum is asserted to equal the total (STYLE 7).
 *
 * @example splitEven(1000n, 3) // [334n, 333n, 333n]
 */
export function splitEven(total: Amount, count: number): Amount[] {
  assert(Number.isInteger(count) && count > 0, "splitEven: count must be a positive integer");
  return allocate(
    total,
    Array.from({ length: count }, () => 1n),
  );
}

/**
 * Splits `total` in proportion to non-negative integer `weights` (largest remainder method:
 * each part gets its floor share, then the leftover units go one each to the parts with the
 * largest remainders, earlier parts first on ties). Negative totals split symmetrically.
 */
export function allocate(total: Amount, weights: readonly bigint[]): Amount[] {
  assert(weights.length > 0, "allocate: at least one weight");
  assert(
    weights.every((w) => w >= 0n),
    "allocate: weights must be non-negative",
  );
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  assert(weightSum > 0n, "allocate: weights must not all be zero");
  if (total < 0n) return allocate(-total, weights).map((part) => -part);

  const parts = weights.map((w) => (total * w) / weightSum);
  const remainders = weights.map((w, i) => ({ i, rem: (total * w) % weightSum }));
  let leftover = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of remainders) {
    if (leftover === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    leftover -= 1n;
  }
  assert(parts.reduce((a, b) => a + b, 0n) === total, "allocate: parts must sum to the total");
  return parts;
}
