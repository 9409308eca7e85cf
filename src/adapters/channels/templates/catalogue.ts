import type { Channel } from "../../../domain/policy/attempt.js";
import type { TemplateId } from "../../../domain/policy/templates.js";
import type { Language } from "../../../ports/channel.js";

/**
 * The wording of one template in one language, as ICU MessageFormat strings. A channel uses its
 * own variant where the wording must differ and falls back to `long` otherwise (see
 * `variantOf`). Arguments a message may use: {lenderName}, {callbackNumber}, {optOutUrl},
 * {borrowerName}, {amount} and {dueDate} (already formatted for the language), {loanId} and
 * {daysPastDue} (a number, for `plural`). A limited template may use only {lenderName},
 * {callbackNumber} and {optOutUrl}; the renderer checks both at construction.
 *
 * Texts avoid ASCII apostrophes (ICU quoting) and angle brackets (ICU tags), and the English
 * short texts stay in the GSM-7 alphabet so an SMS is not re-encoded as UCS-2.
 */
export interface TemplateText {
  /** The e-mail subject; also the heading of a letter, the title of an in-app or push message. */
  readonly subject: string;
  /** SMS and push: one or two sentences. */
  readonly short: string;
  /** E-mail, and in-app and letter unless they have their own. */
  readonly long: string;
  readonly inApp?: string;
  readonly letter?: string;
  /**
   * Phone: what the agent says, with notes to the agent in brackets. For `voicemail_limited`,
   * the message left on a machine (US-LIMITED-CONTENT).
   */
  readonly script: string;
}

export type LanguageCatalogue = Readonly<Record<TemplateId, TemplateText>>;
export type Catalogue = Readonly<Record<Language, LanguageCatalogue>>;

export type Variant = "short" | "long" | "inApp" | "letter" | "script";

/** Which variant of a template a channel sends (before falling back to `long`). */
export const variantOf: Readonly<Record<Channel, Variant>> = {
  sms: "short",
  push: "short",
  email: "long",
  in_app: "inApp",
  letter: "letter",
  phone: "script",
};

/** Channels whose message has a subject or title; the others get an empty subject. */
export const channelsWithSubject: readonly Channel[] = ["email", "letter", "in_app", "push"];

/** The arguments any template may use. */
export const templateArgumentNames = [
  "lenderName",
  "callbackNumber",
  "optOutUrl",
  "borrowerName",
  "amount",
  "dueDate",
  "daysPastDue",
  "loanId",
] as const;
export type TemplateArgumentName = (typeof templateArgumentNames)[number];

/** The only arguments a limited template receives (CN-NO-DISCLOSURE, US-THIRD-PARTY). */
export const limitedArgumentNames: readonly TemplateArgumentName[] = [
  "lenderName",
  "callbackNumber",
  "optOutUrl",
];
