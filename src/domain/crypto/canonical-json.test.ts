import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fail, ok, type Problem, type Result } from "../result.js";
import { canonicalDepthMax, canonicalJson, canonicalJsonUtf8 } from "./canonical-json.js";

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

// ---------------------------------------------------------------------------------------------
// The implementation before the speed-up, kept verbatim but for the names: the reference the fast
// one must match byte for byte, refusals and their paths included.

function referenceCanonicalJson(value: unknown): Result<string> {
  const parts: string[] = [];
  const problem = refWrite(value, "$", 0, parts);
  return problem === undefined ? ok(parts.join("")) : problem;
}

type RefFailure = { ok: false; error: Problem };

function refWrite(
  value: unknown,
  path: string,
  depth: number,
  out: string[],
): RefFailure | undefined {
  if (depth > canonicalDepthMax) {
    return fail("json.depth", path, `${path} nests deeper than ${canonicalDepthMax} levels`);
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      out.push(JSON.stringify(value));
      return undefined;
    case "bigint":
      out.push(`"${value.toString()}"`);
      return undefined;
    case "number":
      if (!Number.isFinite(value)) {
        return fail("json.number", path, `${path} is not a finite number`);
      }
      out.push(JSON.stringify(value));
      return undefined;
    case "object":
      if (value === null) {
        out.push("null");
        return undefined;
      }
      if (Array.isArray(value)) return refWriteArray(value, path, depth, out);
      if (
        Object.getPrototypeOf(value) !== Object.prototype &&
        Object.getPrototypeOf(value) !== null
      ) {
        return fail("json.type", path, `${path} is not a plain object or an array`);
      }
      return refWriteObject(value as Record<string, unknown>, path, depth, out);
    default:
      return fail("json.type", path, `${path} has no JSON form (${typeof value})`);
  }
}

/** An array keeps its order; an `undefined` element is written `null`, as JSON.stringify does. */
function refWriteArray(
  value: readonly unknown[],
  path: string,
  depth: number,
  out: string[],
): RefFailure | undefined {
  out.push("[");
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out.push(",");
    const element = value[i];
    if (element === undefined) out.push("null");
    else {
      const problem = refWrite(element, `${path}[${i}]`, depth + 1, out);
      if (problem !== undefined) return problem;
    }
  }
  out.push("]");
  return undefined;
}

function refWriteObject(
  value: Record<string, unknown>,
  path: string,
  depth: number,
  out: string[],
): RefFailure | undefined {
  // Default sort compares UTF-16 code units: the order RFC 8785 prescribes.
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  out.push("{");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    const problem = refWrite(value[key], `${path}.${key}`, depth + 1, out);
    if (problem !== undefined) return problem;
  }
  out.push("}");
  return undefined;
}

/** JSON-like values with the extras canonical JSON handles: bigints and undefined fields/elements. */
const { tree: extendedValue } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.bigInt(),
    fc.constant(undefined),
    fc.constantFrom("\ud800", 'a"b\\c\n', "\u2028", "\ud83d\ude00", "\u007f", "x".repeat(70)),
    fc.array(tie("tree"), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("__proto__", "10", "9", "é", "A", "\ud800", 'k"')),
      tie("tree"),
      { maxKeys: 6 },
    ),
  ),
}));

/** Values that are refused somewhere inside: a bad leaf dropped into a random place. */
const badLeaf = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  () => 1,
  Symbol("s"),
  new Map(),
  new Date(0),
  new (class Thing {})(),
);

/**
 * `canonicalJson` gives what the reference gives, text or refusal, and `canonicalJsonUtf8` gives
 * its UTF-8 bytes (as TextEncoder encodes them) or the same refusal.
 */
function expectLikeReference(value: unknown): void {
  const expected = referenceCanonicalJson(value);
  expect(canonicalJson(value)).toEqual(expected);
  expect(canonicalJsonUtf8(value)).toEqual(
    expected.ok ? ok(new TextEncoder().encode(expected.value)) : expected,
  );
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { [`k${i}`]: value };
  return value;
}

describe("canonicalJson against the previous implementation", () => {
  it("gives the same text for random JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectLikeReference(value);
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same text with bigints, undefined fields, odd keys and strings", () => {
    fc.assert(
      fc.property(extendedValue, (value) => {
        expectLikeReference(value);
      }),
      { numRuns: 500 },
    );
  });

  it("gives the same refusal, with the same path, for a bad value anywhere", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat({ max: 4 }), fc.string({ maxLength: 4 })), { maxLength: 6 }),
        badLeaf,
        extendedValue,
        (steps, bad, sibling) => {
          // Build a path of array indices and object keys down to the bad value, with a sibling
          // beside it at every level (before or after it in key order).
          let value: unknown = bad;
          for (const step of [...steps].reverse()) {
            if (typeof step === "number") {
              const array: unknown[] = Array.from({ length: step }, () => sibling);
              array.push(value);
              value = array;
            } else {
              value = { [step]: value, [`${step}~`]: sibling, [`!${step}`]: sibling };
            }
          }
          expectLikeReference(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses at the depth limit exactly as before, for arrays, objects and leaves", () => {
    for (let depth = canonicalDepthMax - 2; depth <= canonicalDepthMax + 2; depth++) {
      for (const leaf of [1, "s", null, 2n, undefined, [], {}, Number.NaN]) {
        for (const asArray of [true, false]) {
          const value = nested(depth, leaf, asArray);
          expectLikeReference(value);
        }
      }
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expectLikeReference(cyclic);
  });

  it("writes large values (past the UTF-8 writer's first buffer) as before", () => {
    const big = Array.from({ length: 3_000 }, (_, i) => ({
      [`k${i % 50}`]: `分期 ${i}`,
      n: i * 1.5,
    }));
    expectLikeReference(big);
    expectLikeReference({ text: "é\u0001\ud83d\ude00".repeat(5_000) });
    expectLikeReference({ small: 1 }); // the shared buffer still works after growing
  });

  it("serializes correctly when a getter serializes while the UTF-8 walk runs", () => {
    const inner = { z: "inner", a: [1, 2] };
    const value = {
      b: 1,
      get a() {
        const nested = canonicalJsonUtf8(inner);
        return nested.ok ? nested.value.length : -1;
      },
      c: "after",
    };
    expect(canonicalJsonUtf8(value)).toEqual(
      ok(new TextEncoder().encode('{"a":23,"b":1,"c":"after"}')),
    );
  });

  it("sorts many keys (past the insertion-sort cut-off) as before", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { minKeys: 10, maxKeys: 40 }), (d) => {
        expectLikeReference(d);
      }),
      { numRuns: 100 },
    );
  });
});
