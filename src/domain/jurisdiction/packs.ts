import { CNY, type Currency, USD } from "../money/currency.js";

/**
 * A jurisdiction pack: versioned data naming the law a product is sold under (../POLICY.md).
 * This holds what products, schedules and the daily close need; the contact rules of the policy
 * engine extend it.
 */
export interface JurisdictionPack {
  readonly id: JurisdictionId;
  readonly version: number;
  /** "CN@1": the name a decision or product cites. */
  readonly ref: string;
  /** The lender's timezone: business dates are civil dates here. */
  readonly timeZone: string;
  readonly currency: Currency;
  /** All-in annualized cost cap in hundredths of a percent (2400 = 24.00 %), compared with the shown APR. */
  readonly costCapBasis: bigint;
  /** The rule id that the cap enforces. */
  readonly costCapRule: string;
}

export type JurisdictionId = "CN" | "US";

export const jurisdictionIds: readonly JurisdictionId[] = ["CN", "US"];

/** CN@1: NIFA 2018 and the SPC private-lending provisions put the all-in line at 24 % a year. */
export const CN1: JurisdictionPack = {
  id: "CN",
  version: 1,
  ref: "CN@1",
  timeZone: "Asia/Shanghai",
  currency: CNY,
  costCapBasis: 2400n,
  costCapRule: "CN-COST-CAP",
};

/** US@1: the house default of 36 % all-in (the Military Lending Act line). */
export const US1: JurisdictionPack = {
  id: "US",
  version: 1,
  ref: "US@1",
  timeZone: "America/New_York",
  currency: USD,
  costCapBasis: 3600n,
  costCapRule: "US-COST-CAP",
};

const latest: Readonly<Record<JurisdictionId, JurisdictionPack>> = { CN: CN1, US: US1 };

/** The current pack of a jurisdiction. */
export function packFor(id: JurisdictionId): JurisdictionPack {
  return latest[id];
}
