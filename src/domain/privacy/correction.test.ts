import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readBorrower } from "../borrower/borrower-input.js";
import type { Problem } from "../result.js";
import { type CorrectionInput, readCorrection } from "./correction.js";
import { correctableFields } from "./requests.js";

/** Reads `raw` as a correction, with the problems it recorded. */
function read(raw: unknown): { value: CorrectionInput | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  return { value: readCorrection(raw, problems), problems };
}

/**
 * Registration's verdict on the same fields: the whole-borrower reader with a valid id and zone
 * filled in (how corrections were read before they had the per-field readers).
 */
function registration(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  readBorrower({ ...raw, id: "b1", timezone: "UTC" }, "", problems);
  return problems;
}

describe("correction input", () => {
  it("refuses a bad corrected field by its name and rule, never its value", () => {
    const badPhone = "13822223333";
    const { value, problems } = read({ name: "赵六六", phone: badPhone });
    expect(value).toBeUndefined();
    expect(problems).toEqual([
      { code: "field.format", field: "phone", message: "phone must match ^\\+[1-9][0-9]{6,14}$" },
    ]);
    expect(JSON.stringify(problems)).not.toContain(badPhone);
    expect(read({ email: "no-at-sign" }).problems).toEqual([
      {
        code: "field.format",
        field: "email",
        message: "email must match ^[^\\s@]{1,64}@[^\\s@]{1,255}\\.[^\\s@]{1,63}$",
      },
    ]);
    expect(read({ name: "a\u0007b", email: null }).problems).toEqual([
      { code: "field.format", field: "name", message: "name must match ^[^\\p{Cc}]{1,100}$" },
      { code: "field.required", field: "email", message: "email is required" },
    ]);
  });

  it("reads only the fields given", () => {
    expect(read({ phone: "+8613822223333" })).toEqual({
      value: { phone: "+8613822223333" },
      problems: [],
    });
    expect(read({ name: "赵六六", email: "zhao@example.com" }).value).toEqual({
      name: "赵六六",
      email: "zhao@example.com",
    });
  });

  it("refuses what is not a correction before reading any field", () => {
    expect(read([]).problems).toEqual([
      { code: "field.type", field: "", message: "a correction is an object" },
    ]);
    expect(read({}).problems.map((p) => p.code)).toEqual(["field.required"]);
    expect(read({ id: "b9", phone: "bad" }).problems).toEqual([
      { code: "field.unknown", field: "id", message: "id cannot be corrected" },
    ]);
    // A field named without a value (possible only from code, not JSON) is refused as missing.
    expect(read({ name: undefined }).problems).toEqual([
      { code: "field.required", field: "name", message: "name is required" },
    ]);
  });

  it("judges every field as registration does", () => {
    const value = fc.oneof(
      fc.constantFrom("+8613822223333", "13822223333", "li@example.com", "李四", "", "a\tb"),
      fc.string({ maxLength: 120 }),
      fc.constantFrom(null, 7, true),
    );
    const fields = fc.dictionary(fc.constantFrom(...correctableFields), value, { minKeys: 1 });
    fc.assert(
      fc.property(fields, (raw) => {
        const expected = registration(raw);
        const { value: read_, problems } = read(raw);
        expect(problems).toEqual(expected);
        expect(read_).toEqual(expected.length > 0 ? undefined : raw);
      }),
    );
  });
});
