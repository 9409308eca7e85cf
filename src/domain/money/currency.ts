/** A currency is a loan property: its code and how many minor digits an amount carries (DESIGN.md). */
export interface Currency {
  readonly code: string;
  readonly minorDigits: number;
}

export const CNY: Currency = { code: "CNY", minorDigits: 2 };
export const USD: Currency = { code: "USD", minorDigits: 2 };

const currencies: ReadonlyMap<string, Currency> = new Map([
  [CNY.code, CNY],
  [USD.code, USD],
]);

export function currencyOf(code: string): Currency | undefined {
  return currencies.get(code);
}

/** 10^minorDigits as a bigint: the number of minor units in one major unit. */
export function minorScale(currency: Currency): bigint {
  return 10n ** BigInt(currency.minorDigits);
}
