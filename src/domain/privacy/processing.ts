import type { CivilDate } from "../calendar/civil-date.js";
import type { RetentionVerdict } from "./retention.js";

/**
 * What fenqi processes about a borrower, why and for how long (PIPL Arts. 17 and 48: the
 * borrower may ask for the processing rules to be explained). Data, not prose scattered in code:
 * the export and `processingRules` both show this table with the borrower's own dates.
 */

/** The legal bases of PIPL Art. 13 this table uses. */
export type LegalBasis = "contract" | "legal_obligation" | "consent";

export interface ProcessingPurpose {
  readonly id: string;
  /** The data processed, by category: never a value. */
  readonly data: readonly string[];
  readonly purpose: string;
  readonly basis: LegalBasis;
  /** The law or rule that grounds it. */
  readonly source: string;
  /** How long: `retention` (until the borrower's retention ends), `consent` (until withdrawn) or `permanent` (holds no personal data). */
  readonly keptFor: "retention" | "consent" | "permanent";
}

export const processingPurposes: readonly ProcessingPurpose[] = [
  {
    id: "servicing",
    data: ["name", "phone", "email", "time zone"],
    purpose: "servicing the installment contract: schedules, reminders, payment notices",
    basis: "contract",
    source: "PIPL Art. 13(2)",
    keptFor: "retention",
  },
  {
    id: "loans",
    data: ["loans", "installments", "payments and refunds", "ledger postings"],
    purpose: "keeping the contract's accounts and the lender's books",
    basis: "contract",
    source: "PIPL Art. 13(2)",
    keptFor: "retention",
  },
  {
    id: "collection_records",
    data: ["contact attempts and decisions", "promises to pay", "holds", "deliveries"],
    purpose: "proving lawful collection conduct",
    basis: "legal_obligation",
    source: "PIPL Art. 13(3); CN-RETENTION / US-RETENTION",
    keptFor: "retention",
  },
  {
    id: "emergency_contacts",
    data: ["emergency contacts' phone numbers"],
    purpose: "asking a registered contact person to pass on a call-back request",
    basis: "consent",
    source: "PIPL Arts. 14, 15, 23; CN-CONTACT-CONSENT",
    keptFor: "consent",
  },
  {
    id: "choices",
    data: ["consents and withdrawals", "channel and contact preferences", "privacy requests"],
    purpose: "honouring and proving the borrower's choices",
    basis: "legal_obligation",
    source: "PIPL Arts. 14, 15, 44–48",
    keptFor: "retention",
  },
  {
    id: "audit",
    data: ["audit leaves: ids, amounts, rule ids, keyed hashes"],
    purpose: "an append-only record of every change, decision and reveal",
    basis: "legal_obligation",
    source: "PIPL Arts. 51, 54",
    keptFor: "permanent",
  },
];

export interface ProcessingRuleView extends ProcessingPurpose {
  /** The date the data may be erased from; null while consent stands, or when nothing holds it. */
  readonly until: CivilDate | null;
}

/** The table with the borrower's dates filled in. */
export function processingRulesFor(retention: RetentionVerdict): ProcessingRuleView[] {
  return processingPurposes.map((p) => ({
    ...p,
    until: p.keptFor === "retention" ? (retention.until ?? null) : null,
  }));
}
