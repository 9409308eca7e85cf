import { parseCivilDate } from "../../../domain/calendar/civil-date.js";
import { formatAmount, parseAmount } from "../../../domain/money/amount.js";
import { currencyOf } from "../../../domain/money/currency.js";
import type { Language } from "../../../ports/channel.js";

/**
 * Amounts and dates as a reader of `language` expects them. Money never passes through a float:
 * the decimal string is checked by the domain's parser and handed to Intl.NumberFormat as a
 * string, which Node 20 formats exactly (ICU decimal arithmetic), whatever its size.
 */

/**
 * Intl.NumberFormat as ES2023 types it: `format` also takes a numeric string and formats it
 * exactly. The project's lib is ES2022, which knows only number | bigint.
 */
interface DecimalFormat {
  format(value: string): string;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<Language, Intl.DateTimeFormat>();

function numberFormat(language: Language, currency: string): Intl.NumberFormat {
  const key = `${language}|${currency}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(language, { style: "currency", currency });
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * Formats a decimal amount string in the currency's style for `language`.
 * Throws for a malformed amount, an unknown currency or more fraction digits than the currency
 * has: each is a bug upstream (amounts leave the domain through `formatAmount`), and rounding it
 * here would state a different sum than the ledger holds. The message names no value.
 *
 * @example formatMoney("1234.56", "CNY", "zh-CN") // "¥1,234.56"
 * @example formatMoney("1234.56", "CNY", "en") // "CN¥1,234.56"
 */
export function formatMoney(amount: string, currencyCode: string, language: Language): string {
  const currency = currencyOf(currencyCode);
  if (currency === undefined) throw new Error(`unknown currency ${currencyCode}`);
  const parsed = parseAmount(amount, currency, "amount", { allowNegative: true });
  if (!parsed.ok) throw new Error(`amount is not a ${currency.code} amount: ${parsed.error.code}`);
  const exact = formatAmount(parsed.value, currency);
  return (numberFormat(language, currency.code) as unknown as DecimalFormat).format(exact);
}

/**
 * Formats a civil date (YYYY-MM-DD) in the long style of `language`. The date is a calendar day,
 * not an instant, so it is formatted in UTC, where its midnight is the same day everywhere.
 *
 * @example formatCivilDate("2026-03-05", "zh-CN") // "2026年3月5日"
 * @example formatCivilDate("2026-03-05", "en") // "March 5, 2026"
 */
export function formatCivilDate(date: string, language: Language): string {
  const parsed = parseCivilDate(date, "dueDate");
  if (!parsed.ok) throw new Error(`dueDate is not a civil date: ${parsed.error.code}`);
  let format = dateFormats.get(language);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" });
    dateFormats.set(language, format);
  }
  const [year, month, day] = parsed.value.split("-").map(Number) as [number, number, number];
  const instant = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  instant.setUTCFullYear(year, month - 1, day);
  return format.format(instant);
}
