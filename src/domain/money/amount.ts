import { fail, ok, type Result } from "../result.js";
import type { Currency } from "./currency.js";

/** Amounts are integer minor units (fen, cents) as bigint; decimal strings exist only at the edges. */
export type Amount = bigint;

/**
 * The largest amount fenqi accepts at an edge: 13 integer digits keep every amount in minor units
 * below 2^53, so schedule arithmetic on balances is exact even on JavaScript numbers.
 */
export const amountIntegerDigitsMax = 13;

export interface ParseAmountOptions {
  /** Where the field may be negative (an adjustment); a principal or payment may not. */
  allowNegative?: boolean;
}

const decimalPattern = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a decimal string such as "548.00" into minor units of `currency`.
 * Rejects anything that is not a plain decimal ("1e3", " 5", "", "0x10"), more fraction digits
 * than the currency has ("1.234" for CNY), a negative where none is allowed, and "-0.00" always.
 *
 * @example parseAmount("548.00", CNY, "amount") // ok(54800n)
 */
export function parseAmount(
  text: unknown,
  currency: Currency,
  field: string,
  options: ParseAmountOptions = {},
): Result<Amount> {
  if (typeof text !== "string") {
    return fail("amount.type", field, `${field} must be a decimal string such as "100.00"`);
  }
  const match = decimalPattern.exec(text);
  if (!match) {
    return fail("amount.format", field, `${field} must be a plain decimal such as "100.00"`);
  }
  const [, sign = "", whole = "", fraction = ""] = match;
  if (fraction.length > currency.minorDigits) {
    return fail(
      "amount.precision",
      field,
      `${field} has more than ${currency.minorDigits} decimal places for ${currency.code}`,
    );
  }
  if (whole.length > amountIntegerDigitsMax) {
    return fail("amount.too_large", field, `${field} exceeds ${amountIntegerDigitsMax} digits`);
  }
  const minor = BigInt(whole + fraction.padEnd(currency.minorDigits, "0"));
  if (sign === "-") {
    if (minor === 0n) return fail("amount.negative_zero", field, `${field} must not be "-0"`);
    if (!options.allowNegative)
      return fail("amount.negative", field, `${field} must not be negative`);
    return ok(-minor);
  }
  return ok(minor);
}

/** Formats minor units as a decimal string with exactly the currency's minor digits: 54800n → "548.00". */
export function formatAmount(amount: Amount, currency: Currency): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(currency.minorDigits + 1, "0");
  const cut = digits.length - currency.minorDigits;
  const text = currency.minorDigits === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative ? `-${text}` : text;
}

/** The sum of a list of amounts. */
export function sumAmounts(amounts: Iterable<Amount>): Amount {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
