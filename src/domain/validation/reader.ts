import { type CivilDate, parseCivilDate } from "../calendar/civil-date.js";
import { type Amount, parseAmount } from "../money/amount.js";
import type { Currency } from "../money/currency.js";
import { parseRate, type Rate } from "../money/rate.js";
import type { Problem, Result } from "../result.js";

/** A JSON object as it arrives at an edge, before validation. */
export type RawObject = Readonly<Record<string, unknown>>;

export function isRawObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the fields of one untrusted JSON object and collects every problem instead of stopping
 * at the first, so a caller can name all bad fields at once. Each problem's `field` is the full
 * path (`products[1].graceDays`). After recording a problem a reader returns a neutral value so
 * reading can go on; callers fail as soon as any problem was recorded, so it is never used.
 */
export class FieldReader {
  readonly problems: Problem[];
  private readonly seen = new Set<string>();

  constructor(
    private readonly raw: RawObject,
    private readonly path: string,
    problems: Problem[] = [],
  ) {
    this.problems = problems;
  }

  /** The full path of one of this object's fields. */
  field(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  value(key: string): unknown {
    this.seen.add(key);
    return this.raw[key];
  }

  problem(code: string, key: string, message: string): void {
    this.problems.push({ code, field: this.field(key), message });
  }

  /** A required or defaulted string matching `pattern`. */
  string(key: string, pattern: RegExp, fallback?: string): string {
    const value = this.value(key) ?? fallback;
    if (value === undefined) return this.missing(key, "");
    if (typeof value !== "string" || !pattern.test(value)) {
      this.problem("field.format", key, `${this.field(key)} must match ${pattern.source}`);
      return "";
    }
    return value;
  }

  /** One of a closed set of words. */
  choice<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value = this.value(key) ?? fallback;
    if (value === undefined) return this.missing(key, allowed[0] as T);
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.problem("field.choice", key, `${this.field(key)} must be one of ${allowed.join(", ")}`);
      return allowed[0] as T;
    }
    return value as T;
  }

  /** A whole number in [min, max]. */
  integer(key: string, min: number, max: number, fallback?: number): number {
    const value = this.value(key) ?? fallback;
    if (value === undefined) return this.missing(key, min);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.problem(
        "field.range",
        key,
        `${this.field(key)} must be a whole number from ${min} to ${max}`,
      );
      return min;
    }
    return value;
  }

  rate(key: string, fallback?: string): Rate {
    return this.parsed(key, fallback, (v, f) => parseRate(v, f), { num: 0n, den: 1n, text: "0" });
  }

  /** A civil date YYYY-MM-DD. */
  date(key: string, fallback?: string): CivilDate {
    return this.parsed(key, fallback, (v, f) => parseCivilDate(v, f), "");
  }

  amount(key: string, currency: Currency, fallback?: string): Amount {
    return this.parsed(key, fallback, (v, f) => parseAmount(v, currency, f), 0n);
  }

  /** An array field; each element is handed to `each` with its own path. */
  array<T>(
    key: string,
    each: (element: unknown, path: string) => T | undefined,
    fallback?: unknown[],
  ): T[] {
    const value = this.value(key) ?? fallback;
    if (value === undefined) return this.missing(key, []);
    if (!Array.isArray(value)) {
      this.problem("field.type", key, `${this.field(key)} must be an array`);
      return [];
    }
    const out: T[] = [];
    value.forEach((element, i) => {
      const item = each(element, `${this.field(key)}[${i}]`);
      if (item !== undefined) out.push(item);
    });
    return out;
  }

  /** Names every field of the object that no reader call asked for: a typo must not pass silently. */
  rejectUnknown(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key))
        this.problem("field.unknown", key, `${this.field(key)} is not a known field`);
    }
  }

  private parsed<T>(
    key: string,
    fallback: string | undefined,
    parse: (value: unknown, field: string) => Result<T>,
    valueOnError: T,
  ): T {
    const value = this.value(key) ?? fallback;
    if (value === undefined) return this.missing(key, valueOnError);
    const result = parse(value, this.field(key));
    if (result.ok) return result.value;
    this.problems.push(result.error);
    return valueOnError;
  }

  private missing<T>(key: string, fallbackValue: T): T {
    this.problem("field.required", key, `${this.field(key)} is required`);
    return fallbackValue;
  }
}

/** Starts reading `value` as an object at `path`, or records why it is not one. */
export function readObject(
  value: unknown,
  path: string,
  problems: Problem[],
): FieldReader | undefined {
  if (!isRawObject(value)) {
    const name = path === "" ? "the document" : path;
    problems.push({ code: "field.type", field: name, message: `${name} must be an object` });
    return undefined;
  }
  return new FieldReader(value, path, problems);
}
