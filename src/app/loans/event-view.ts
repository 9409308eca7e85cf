import type { LoanEvent } from "../../domain/loan/events.js";
import { formatAmount } from "../../domain/money/amount.js";
import type { Currency } from "../../domain/money/currency.js";

export type EventView = Readonly<Record<string, string | number | Record<string, string>>>;

/** A loan event with its amounts as decimal strings, as reports and API answers show it. */
export function eventView(event: LoanEvent, currency: Currency): EventView {
  const money = (x: bigint) => formatAmount(x, currency);
  const out: Record<string, string | number | Record<string, string>> = {};
  for (const [key, value] of Object.entries(event)) {
    if (typeof value === "bigint") out[key] = money(value);
    else if (typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, money(v as bigint)]));
    } else out[key] = value as string | number;
  }
  return out;
}
