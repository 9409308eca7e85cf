import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IdRange } from "../../ports/store.js";
import { rangesBetween } from "./close-partitioned.js";

/** Whether `id` is in `range`, as the stores' listForClose reads it. */
function contains(range: IdRange, id: string): boolean {
  return (
    (range.from === undefined || id >= range.from) &&
    (range.after === undefined || id > range.after) &&
    (range.below === undefined || id < range.below)
  );
}

describe("rangesBetween", () => {
  it("gives one range more than the cuts, each starting at its cut", () => {
    expect(rangesBetween([])).toEqual([{}]);
    expect(rangesBetween(["L-3", "L-6"])).toEqual([
      { below: "L-3" },
      { from: "L-3", below: "L-6" },
      { from: "L-6" },
    ]);
  });

  it("puts every id, cut or not, in exactly one range", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ids, picks) => {
          const sorted = [...ids].sort();
          const bounds = [...new Set(picks.map((p) => sorted[p % sorted.length] ?? ""))].sort();
          const ranges = rangesBetween(bounds);
          expect(ranges).toHaveLength(bounds.length + 1);
          for (const id of [...ids, "", "\uffff"])
            expect(ranges.filter((r) => contains(r, id))).toHaveLength(1);
        },
      ),
    );
  });

  it("refuses cuts out of order", () => {
    expect(() => rangesBetween(["b", "a"])).toThrow();
    expect(() => rangesBetween(["a", "a"])).toThrow();
  });
});
