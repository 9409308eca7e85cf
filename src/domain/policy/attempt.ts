import type { CivilDate } from "../calendar/civil-date.js";
import type { Instant } from "../calendar/instant.js";

/**
 * The inputs and output of the policy engine (POLICY.md "What a decision looks like"). The
 * engine is a pure function of these values: everything it may look at is named here, so a
 * stored decision can be replayed from its stored inputs.
 */

/** The ways fenqi reaches a person (DESIGN.md "Overdue handling"). */
export const channels = ["sms", "phone", "email", "in_app", "push", "letter"] as const;
export type Channel = (typeof channels)[number];

/** Channels that carry written text: each message carries an opt-out line (US-ELECTRONIC-OPT-OUT). */
export const electronicChannels: readonly Channel[] = ["sms", "email"];

/**
 * Who a contact is addressed to: the debtor, or one of the contact persons the debtor registered
 * (emergency contacts). `unregistered` is anyone else (an address-book entry, a number an agent
 * typed): CN-DEBTOR-ONLY denies it, whatever else holds.
 */
export type Recipient =
  | { readonly kind: "borrower" }
  | { readonly kind: "contact"; readonly contactId: string }
  | { readonly kind: "unregistered" };

export type RecipientKind = Recipient["kind"];

/** Who proposed the attempt: the strategy (automatic) or an agent. */
export type AttemptSource = "strategy" | "agent";

/** What became of a dispatched attempt (POLICY.md counting conventions). */
export const attemptOutcomes = ["answered", "no_answer", "refused", "wrong_number"] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/** A contact someone proposes: the strategy on a close, or an agent from the console. */
export interface ProposedAttempt {
  readonly loanId: string;
  readonly borrowerId: string;
  readonly recipient: Recipient;
  readonly channel: Channel;
  /** A template id of the pack's catalogue (`PolicyPack.templates`). */
  readonly template: string;
  /** When the attempt would be made. */
  readonly at: Instant;
  readonly source: AttemptSource;
}

/** One phone number of a recipient; an agent marks a number `wrong_number` through an outcome. */
export interface PhoneNumberFacts {
  /** A stable id of the number (never the number itself: decisions hold no personal data). */
  readonly id: string;
  readonly wrongNumber: boolean;
}

/** What the engine knows of the recipient, as of the decision. */
export interface RecipientFacts {
  /**
   * The recipient's IANA timezones on file. One zone is the normal case; several mean the
   * location is unknown, and a window must hold in every one of them (US-TIME-WINDOW: "the
   * overlap of the zones on file"). Never empty.
   */
  readonly timeZones: readonly string[];
  /** The debtor's phone numbers (for CN-CONTACT-PERSON's "every number wrong"). */
  readonly debtorNumbers: readonly PhoneNumberFacts[];
  /** The number this attempt dials, for phone attempts (CN-UNANSWERED-DAILY counts per number). */
  readonly numberId: string | undefined;
}

/**
 * One earlier attempt about this borrower (any loan, any recipient), dispatched (allowed) or
 * not. Frequency rules count only dispatched attempts; `outcome` is set once the agent or the
 * channel reports it.
 */
export interface HistoryEntry {
  readonly at: Instant;
  readonly loanId: string;
  readonly recipient: Recipient;
  readonly channel: Channel;
  readonly template: string;
  /** The number dialled, for phone attempts. */
  readonly numberId: string | undefined;
  readonly dispatched: boolean;
  readonly outcome: AttemptOutcome | undefined;
}

/** A separate consent (單獨同意) the debtor gave for contacting one contact person (PIPL Art. 23). */
export interface ConsentFacts {
  readonly purpose: "emergency_contact";
  readonly contactId: string;
  readonly grantedAt: Instant;
  /** When it was withdrawn; a withdrawal takes effect at once for every later decision. */
  readonly withdrawnAt: Instant | undefined;
}

/** A time of day, minutes after local midnight (0..1440). */
export type MinuteOfDay = number;

/** A daily window of local time, [from, to) in minutes after midnight; `from < to`. */
export interface DailyWindow {
  readonly from: MinuteOfDay;
  readonly to: MinuteOfDay;
}

/** A channel a recipient opted out of (or back into: the latest record wins). */
export interface ChannelPreference {
  readonly recipient: Recipient;
  readonly channel: Channel;
  readonly optedOut: boolean;
  readonly at: Instant;
}

/** The debtor's choices and the states that pause collection, as of the decision. */
export interface Preferences {
  readonly channels: readonly ChannelPreference[];
  /** A contact window the debtor agreed to (CN-TIME-WINDOW: replaces the pack's window). */
  readonly agreedWindow: DailyWindow | undefined;
  /** Daily times the consumer named as inconvenient (US-INCONVENIENT). */
  readonly inconvenient: readonly DailyWindow[];
  /** A written cease-contact or refusal to pay (US-CEASE). */
  readonly ceasedAt: Instant | undefined;
  /** The consumer is known to be represented by an attorney (US-ATTORNEY). */
  readonly attorney: boolean;
  /** An open promise-to-pay: automatic contact waits until this date (CN-PROMISE). */
  readonly promiseUntil: CivilDate | undefined;
  /** Undecided complaints about collection conduct or hardship requests (CN-HOLD). */
  readonly holds: readonly { readonly kind: "complaint" | "hardship"; readonly since: Instant }[];
  /** Contact persons who refused or asked not to be contacted (CN-CONTACT-REFUSED). */
  readonly contactsRefused: readonly string[];
  /** The debtor's latest sign of life: a login, a payment or a reply (CN-CONTACT-PERSON). */
  readonly lastSignOfLife: Instant | undefined;
  /** US-VALIDATION: the validation notice and any dispute of the debt. */
  readonly validation: ValidationFacts;
}

export interface ValidationFacts {
  /** When the validation notice was sent (a dispatched `validation_notice`). */
  readonly noticeAt: Instant | undefined;
  /** A dispute received in the 30 days after the notice. */
  readonly disputedAt: Instant | undefined;
  /** Verification sent in answer to the dispute: collection may resume. */
  readonly verifiedAt: Instant | undefined;
}

/** A debtor who has made no choices and is under no hold: the starting point of every fold. */
export const noPreferences: Preferences = {
  channels: [],
  agreedWindow: undefined,
  inconvenient: [],
  ceasedAt: undefined,
  attorney: false,
  promiseUntil: undefined,
  holds: [],
  contactsRefused: [],
  lastSignOfLife: undefined,
  validation: { noticeAt: undefined, disputedAt: undefined, verifiedAt: undefined },
};

/** Everything one decision looks at. `asOf` is when it is judged (the proposal's `at` may be later). */
export interface DecisionInput {
  readonly attempt: ProposedAttempt;
  readonly recipient: RecipientFacts;
  readonly history: readonly HistoryEntry[];
  readonly consents: readonly ConsentFacts[];
  readonly preferences: Preferences;
  readonly asOf: Instant;
}

export type DecisionOutcome = "allow" | "defer" | "deny";

/**
 * The engine's answer. A deny or defer lists every rule that fails, not only the first; a deny
 * wins over a defer; `until` is the earliest instant at which every deferring rule passes.
 */
export interface Decision {
  readonly outcome: DecisionOutcome;
  /** For `defer`: the next allowed instant. */
  readonly until: Instant | undefined;
  /** The rule ids that decided it, sorted; empty for a plain allow. */
  readonly rules: readonly string[];
  /** The pack that judged it, e.g. "CN@1". */
  readonly pack: string;
  /** The house rules in force over the pack, e.g. "house@1", or undefined for none. */
  readonly house: string | undefined;
  /** SHA-256 (hex) of the canonical JSON of the inputs, the pack ref and the house rules. */
  readonly inputHash: string;
}
