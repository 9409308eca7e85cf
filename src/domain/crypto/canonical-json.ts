import { fail, ok, type Problem, type Result } from "../result.js";

/**
 * Canonical JSON: one text for one value, so its hash names the value (a decision's
 * `inputHash`, DESIGN.md "Overdue handling": "stored with a hash of its inputs, so it can be
 * replayed"). Object keys are sorted by UTF-16 code units (as RFC 8785), there is no whitespace,
 * fields whose value is `undefined` are dropped (an absent optional field and an undefined one
 * hash alike), a `bigint` is written as its decimal string (money is never a float, and JSON has
 * no integer type wide enough), and numbers use JavaScript's shortest round-trip form.
 *
 * Refused, with the path of the offending value: non-finite numbers (JSON has no NaN or
 * Infinity, and writing `null` would make two inputs hash alike), functions, symbols, and any
 * object that is not a plain object or an array (a Map or a Date has no agreed JSON form).
 */

/** Nesting deeper than this is refused: decision inputs are a few levels deep, and a cycle stops here. */
export const canonicalDepthMax = 64;

/**
 * The canonical JSON text of `value`.
 *
 * @example canonicalJson({ b: 1n, a: [1, undefined], c: undefined }) // ok('{"a":[1,null],"b":"1"}')
 */
export function canonicalJson(value: unknown): Result<string> {
  const parts: string[] = [];
  const problem = write(value, "$", 0, parts);
  return problem === undefined ? ok(parts.join("")) : problem;
}

type Failure = { ok: false; error: Problem };

function write(value: unknown, path: string, depth: number, out: string[]): Failure | undefined {
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
      if (Array.isArray(value)) return writeArray(value, path, depth, out);
      if (
        Object.getPrototypeOf(value) !== Object.prototype &&
        Object.getPrototypeOf(value) !== null
      ) {
        return fail("json.type", path, `${path} is not a plain object or an array`);
      }
      return writeObject(value as Record<string, unknown>, path, depth, out);
    default:
      return fail("json.type", path, `${path} has no JSON form (${typeof value})`);
  }
}

/** An array keeps its order; an `undefined` element is written `null`, as JSON.stringify does. */
function writeArray(
  value: readonly unknown[],
  path: string,
  depth: number,
  out: string[],
): Failure | undefined {
  out.push("[");
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out.push(",");
    const element = value[i];
    if (element === undefined) out.push("null");
    else {
      const problem = write(element, `${path}[${i}]`, depth + 1, out);
      if (problem !== undefined) return problem;
    }
  }
  out.push("]");
  return undefined;
}

function writeObject(
  value: Record<string, unknown>,
  path: string,
  depth: number,
  out: string[],
): Failure | undefined {
  // Default sort compares UTF-16 code units: the order RFC 8785 prescribes.
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  out.push("{");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    const problem = write(value[key], `${path}.${key}`, depth + 1, out);
    if (problem !== undefined) return problem;
  }
  out.push("}");
  return undefined;
}
