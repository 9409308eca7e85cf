import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalDepthMax, canonicalJson } from "./canonical-json.js";

function text(value: unknown): string {
  const result = canonicalJson(value);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("canonicalJson", () => {
  it("sorts keys, drops undefined fields, writes no whitespace", () => {
    expect(text({ b: 1, a: { d: [1, "x"], c: null }, e: undefined })).toBe(
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
  });

  it("writes a bigint as its decimal string and an undefined array element as null", () => {
    expect(text({ amount: 54800n, parts: [undefined, -1n] })).toBe(
      '{"amount":"54800","parts":[null,"-1"]}',
    );
  });

  it("sorts keys by UTF-16 code units", () => {
    expect(text({ é: 1, z: 2, A: 3, "10": 4, "9": 5 })).toBe('{"10":4,"9":5,"A":3,"z":2,"é":1}');
  });

  it("refuses non-finite numbers, naming the path", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(canonicalJson({ a: [0, { b: bad }] })).toEqual({
        ok: false,
        error: {
          code: "json.number",
          field: "$.a[1].b",
          message: "$.a[1].b is not a finite number",
        },
      });
    }
  });

  it("refuses functions, symbols, maps and dates", () => {
    for (const bad of [() => 1, Symbol("s"), new Map(), new Date(0)]) {
      expect(canonicalJson({ x: bad }).ok).toBe(false);
    }
  });

  it("refuses a cycle through the depth limit", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = canonicalJson(cyclic);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("json.depth");
    expect(canonicalDepthMax).toBe(64);
  });

  it("is JSON that parses back to the value, whatever the key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = text(value);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(value)));
        // Re-serialising the parsed text (keys in a different insertion order) gives the same text.
        expect(text(JSON.parse(once))).toBe(once);
      }),
    );
  });
});
