import { fail, ok, type Problem, type Result } from "../result.js";
import { encodeUtf8Into } from "./utf8.js";

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
 *
 * Every decision hashes its inputs through here, so the happy path is kept lean: keys are sorted
 * in place with a plain comparison, key texts are cached, and no path string is built. A refusal
 * records the offending value's problem and each enclosing array or object adds its step on the
 * way out, so the path exists only when it is reported. One walk writes either a string
 * (`canonicalJson`) or UTF-8 bytes (`canonicalJsonUtf8`, what a hash reads: no string to build,
 * flatten and encode again).
 */

/** Nesting deeper than this is refused: decision inputs are a few levels deep, and a cycle stops here. */
export const canonicalDepthMax = 64;

/**
 * The canonical JSON text of `value`.
 *
 * @example canonicalJson({ b: 1n, a: [1, undefined], c: undefined }) // ok('{"a":[1,null],"b":"1"}')
 */
export function canonicalJson(value: unknown): Result<string> {
  const writer = new TextWriter();
  return write(writer, value, 0) ? ok(writer.text) : refusal(writer);
}

/**
 * The UTF-8 bytes of `canonicalJson(value)` (fresh bytes), written directly: the same refusals.
 *
 * @example canonicalJsonUtf8({ a: "分" }) // ok(utf8Bytes('{"a":"分"}'))
 */
export function canonicalJsonUtf8(value: unknown): Result<Uint8Array> {
  // The shared buffer unless a walk is already using it (a getter that serializes, say).
  const shared = !sharedBufferBusy;
  const writer = new Utf8Writer(shared ? sharedBuffer : new Uint8Array(1024));
  sharedBufferBusy = true;
  try {
    if (!write(writer, value, 0)) return refusal(writer);
    return ok(writer.buffer.slice(0, writer.length));
  } finally {
    if (shared) {
      sharedBufferBusy = false;
      if (writer.buffer.length <= sharedBufferMax) sharedBuffer = writer.buffer;
    }
  }
}

/** A refusal before its path is known: the code and the message after the path. */
interface Refusal {
  code: string;
  describe: string;
}

/** What the walk writes to: a string or UTF-8 bytes. Both record a refusal the same way. */
abstract class Writer {
  /** Set when a value is refused. */
  problem: Refusal | undefined = undefined;
  /** The refused value's path, innermost step first: an array index or an object key. */
  readonly steps: (string | number)[] = [];

  /** Appends ASCII text: punctuation, literals, digits. */
  abstract ascii(text: string): void;
  /** Appends the JSON string literal of `text`, exactly as JSON.stringify writes it. */
  abstract string(text: string): void;
  /** Appends `"key":`, after a comma unless it is the object's first field. */
  abstract key(key: string, first: boolean): void;
}

class TextWriter extends Writer {
  text = "";

  ascii(text: string): void {
    this.text += text;
  }

  string(text: string): void {
    this.text += quoted(text);
  }

  key(key: string, first: boolean): void {
    const prefix = keyText(key);
    this.text += first ? prefix : `,${prefix}`;
  }
}

/** The UTF-8 walk writes into this buffer, grown by doubling and kept up to `sharedBufferMax`. */
let sharedBuffer: Uint8Array = new Uint8Array(1 << 14);
let sharedBufferBusy = false;
const sharedBufferMax = 1 << 20;

class Utf8Writer extends Writer {
  length = 0;

  constructor(public buffer: Uint8Array) {
    super();
  }

  /** Makes room for `bytes` more bytes. */
  private room(bytes: number): Uint8Array {
    const needed = this.length + bytes;
    if (needed > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return this.buffer;
  }

  ascii(text: string): void {
    const n = text.length;
    const out = this.room(n);
    let o = this.length;
    for (let i = 0; i < n; i++) out[o++] = text.charCodeAt(i);
    this.length = o;
  }

  string(text: string): void {
    // Printable ASCII without a quote or backslash is its own escape: copy it between quotes in
    // one pass. Anything else is rare here: undo and write what JSON.stringify writes.
    const n = text.length;
    const out = this.room(n + 2);
    let o = this.length;
    out[o++] = 0x22;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === 0x22 || code === 0x5c || code >= 0x7f) {
        this.utf8(JSON.stringify(text));
        return;
      }
      out[o++] = code;
    }
    out[o++] = 0x22;
    this.length = o;
  }

  key(key: string, first: boolean): void {
    const bytes = keyBytes(key);
    const out = this.room(bytes.length + 1);
    let o = this.length;
    if (!first) out[o++] = 0x2c;
    for (let i = 0; i < bytes.length; i++) out[o++] = bytes[i] as number;
    this.length = o;
  }

  /** Appends any text as UTF-8. */
  private utf8(text: string): void {
    this.length = encodeUtf8Into(text, this.room(3 * text.length), this.length);
  }
}

function refusal(writer: Writer): { ok: false; error: Problem } {
  const problem = writer.problem as Refusal;
  let path = "$";
  for (let i = writer.steps.length - 1; i >= 0; i--) {
    const step = writer.steps[i] as string | number;
    path += typeof step === "number" ? `[${step}]` : `.${step}`;
  }
  return fail(problem.code, path, `${path} ${problem.describe}`);
}

function refuse(writer: Writer, code: string, describe: string): false {
  writer.problem = { code, describe };
  return false;
}

/** Appends `value`'s text; false (with `writer.problem` set) when it is refused. */
function write(writer: Writer, value: unknown, depth: number): boolean {
  if (depth > canonicalDepthMax) {
    return refuse(writer, "json.depth", `nests deeper than ${canonicalDepthMax} levels`);
  }
  switch (typeof value) {
    case "string":
      writer.string(value);
      return true;
    case "boolean":
      writer.ascii(value ? "true" : "false");
      return true;
    case "bigint":
      writer.ascii(`"${value.toString()}"`);
      return true;
    case "number":
      if (!Number.isFinite(value)) return refuse(writer, "json.number", "is not a finite number");
      // For a finite number JSON.stringify is ToString (ECMA-262 SerializeJSONProperty), and -0
      // gives "0" either way; the template skips a call into the JSON builtin.
      writer.ascii(`${value}`);
      return true;
    case "object": {
      if (value === null) {
        writer.ascii("null");
        return true;
      }
      if (Array.isArray(value)) return writeArray(writer, value, depth);
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        return refuse(writer, "json.type", "is not a plain object or an array");
      }
      return writeObject(writer, value as Record<string, unknown>, depth);
    }
    default:
      return refuse(writer, "json.type", `has no JSON form (${typeof value})`);
  }
}

/** An array keeps its order; an `undefined` element is written `null`, as JSON.stringify does. */
function writeArray(writer: Writer, value: readonly unknown[], depth: number): boolean {
  writer.ascii("[");
  for (let i = 0; i < value.length; i++) {
    if (i > 0) writer.ascii(",");
    const element = value[i];
    if (element === undefined) writer.ascii("null");
    else if (!write(writer, element, depth + 1)) {
      writer.steps.push(i);
      return false;
    }
  }
  writer.ascii("]");
  return true;
}

function writeObject(writer: Writer, value: Record<string, unknown>, depth: number): boolean {
  const keys = Object.keys(value);
  sortByCodeUnits(keys);
  writer.ascii("{");
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = value[key];
    if (field === undefined) continue;
    writer.key(key, first);
    first = false;
    if (!write(writer, field, depth + 1)) {
      writer.steps.push(key);
      return false;
    }
  }
  writer.ascii("}");
  return true;
}

/**
 * Sorts `keys` in place by UTF-16 code units (the order RFC 8785 prescribes, and the default
 * `sort`'s): insertion sort for the handful of keys a decision's objects have, `sort` with a
 * plain comparison beyond that. Keys are distinct, so neither needs to be stable.
 */
function sortByCodeUnits(keys: string[]): void {
  if (keys.length > 12) {
    keys.sort(compareCodeUnits);
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `"key":` for a key, as text and as UTF-8. Decision inputs repeat a few dozen keys thousands of
 * times, so both are kept; a cache is emptied when it grows past `keyCacheMax`, so odd keys
 * cannot pile up.
 */
const keyTexts = new Map<string, string>();
const keyUtf8 = new Map<string, Uint8Array>();
const keyCacheMax = 4096;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    if (keyTexts.size >= keyCacheMax) keyTexts.clear();
    text = `${quoted(key)}:`;
    keyTexts.set(key, text);
  }
  return text;
}

function keyBytes(key: string): Uint8Array {
  let bytes = keyUtf8.get(key);
  if (bytes === undefined) {
    if (keyUtf8.size >= keyCacheMax) keyUtf8.clear();
    const text = keyText(key);
    const out = new Uint8Array(3 * text.length);
    bytes = out.slice(0, encodeUtf8Into(text, out, 0));
    keyUtf8.set(key, bytes);
  }
  return bytes;
}

/** Strings longer than this go straight to JSON.stringify: the scan below would cost more. */
const plainScanMax = 64;

/**
 * The JSON string literal of `text`, exactly as JSON.stringify writes it. A short string with no
 * quote, backslash, control character or surrogate (JSON.stringify escapes a lone one) is its own
 * escape, so it is only wrapped in quotes; anything else is left to JSON.stringify.
 */
function quoted(text: string): string {
  const n = text.length;
  if (n > plainScanMax) return JSON.stringify(text);
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}
