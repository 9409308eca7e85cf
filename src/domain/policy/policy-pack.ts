import type { JurisdictionId } from "../jurisdiction/packs.js";
import type { Channel, DailyWindow, RecipientKind } from "./attempt.js";
import type { TemplateId } from "./templates.js";

/**
 * A policy pack: the contact rules of one jurisdiction as versioned data (POLICY.md: "a pack is
 * versioned data (`CN@1`, `US@1`): rule ids, parameters, templates allowed per recipient kind").
 * The engine (`judge`) reads only `contact` and `templates`; `rules` is the catalogue every rule
 * id of POLICY.md appears in, with its parameters, a one-line summary and the source, so a
 * compliance officer can read the pack without reading the engine.
 */
export interface PolicyPack {
  readonly jurisdiction: JurisdictionId;
  readonly version: number;
  /** "CN@1": the name a decision cites. */
  readonly ref: string;
  readonly rules: readonly RuleSpec[];
  readonly contact: ContactRules;
  readonly templates: TemplateRules;
}

/** What a rule is about; only `contact` rules are judged by `judge`. */
export type RuleFamily =
  | "contact"
  | "cost"
  | "disclosure"
  | "complaint"
  | "hardship"
  | "retention"
  | "reporting";

/** A parameter value: a count, a duration (its unit in the name), a word or a flag. */
export type RuleParameter = number | string | boolean;

/** One row of POLICY.md, as data. */
export interface RuleSpec {
  readonly id: string;
  readonly family: RuleFamily;
  readonly summary: string;
  readonly source: string;
  readonly parameters: Readonly<Record<string, RuleParameter>>;
}

/** A rule that only needs its id. */
export interface NamedRule {
  readonly rule: string;
}

/**
 * The parameters of every contact rule the engine judges. A family that is `undefined` does not
 * exist in the pack (CN has no validation notice; US no daily conversation cap). Each carries the
 * rule id a decision names when it fails.
 */
export interface ContactRules {
  /** CN-TIME-WINDOW / US-TIME-WINDOW: contact only inside `window`, local time of the recipient. */
  readonly timeWindow: NamedRule & {
    readonly window: DailyWindow;
    /** CN: a window the debtor agreed to replaces `window` (for the debtor only). */
    readonly agreedWindowReplaces: boolean;
  };
  /** US-INCONVENIENT: the consumer's inconvenient times are closed. */
  readonly inconvenient: NamedRule | undefined;
  /** CN-VOICE-DAILY: conversations (answered calls) with the debtor per local day. */
  readonly conversationsDaily: (NamedRule & { readonly max: number }) | undefined;
  /** CN-UNANSWERED-DAILY: unanswered dials to one number per local day. */
  readonly unansweredDaily: (NamedRule & { readonly max: number }) | undefined;
  /** US-7IN7-CALLS: call attempts per debt in any `days` consecutive local days. */
  readonly callsPerDebt: (NamedRule & { readonly max: number; readonly days: number }) | undefined;
  /** US-7DAY-AFTER-CONVERSATION: no call before local day `days + 1` (conversation day is day 1). */
  readonly quietAfterConversation: (NamedRule & { readonly days: number }) | undefined;
  /** CN-CHANNEL-OPT-OUT / US-ELECTRONIC-OPT-OUT. */
  readonly optOut: NamedRule & {
    /** The channels an opt-out can close (US: electronic media only). */
    readonly channels: readonly Channel[];
    /** Whether a mandatory template still goes through an opted-out channel. */
    readonly mandatoryExempt: boolean;
  };
  /** US-CEASE: after a cease, only `notice` templates. */
  readonly cease: NamedRule | undefined;
  /** US-ATTORNEY: a represented consumer is contacted through the attorney only. */
  readonly attorney: NamedRule | undefined;
  /** CN-PROMISE: no automatic contact before an open promise's date. */
  readonly promise: NamedRule | undefined;
  /** CN-HOLD: no collection contact while a complaint or hardship request is undecided. */
  readonly hold: NamedRule | undefined;
  /** US-VALIDATION. */
  readonly validation:
    | (NamedRule & {
        readonly noticeTemplate: TemplateId;
        /** Days after the first collection communication within which the notice must go. */
        readonly noticeDays: number;
        /** Days after the notice within which a dispute pauses collection. */
        readonly disputeDays: number;
      })
    | undefined;
  /** US-LIMITED-CONTENT: the voicemail template may go by phone only. */
  readonly voicemail:
    | (NamedRule & { readonly template: TemplateId; readonly channel: Channel })
    | undefined;
  readonly thirdParty: ThirdPartyRules;
}

/** The rules for anyone but the debtor. */
export interface ThirdPartyRules {
  /** Denies a recipient who is not a registered contact person (CN-DEBTOR-ONLY). */
  readonly unregisteredRule: string;
  /** Denies a template not allowed for the recipient kind (CN-NO-DISCLOSURE, US-THIRD-PARTY). */
  readonly contentRule: string;
  /** CN-CONTACT-CONSENT: a separate consent for that contact and purpose, not withdrawn. */
  readonly consent: (NamedRule & { readonly purpose: "emergency_contact" }) | undefined;
  /** CN-CONTACT-PERSON: the debtor must be unreachable. */
  readonly unreachable:
    | (NamedRule & {
        readonly days: number;
        readonly attemptsMin: number;
        readonly channelsMin: number;
      })
    | undefined;
  /** CN-CONTACT-REFUSED. */
  readonly refused: NamedRule | undefined;
  /**
   * At most `max` attempts per contact person: per `days` (CN-CONTACT-FREQUENCY, a defer), or
   * ever when `days` is undefined (US-THIRD-PARTY "once per person", a deny).
   */
  readonly perContact:
    | (NamedRule & { readonly max: number; readonly days: number | undefined })
    | undefined;
}

/** Which templates may go to whom. */
export interface TemplateRules {
  /** The rule a borrower template outside `allowed.borrower` fails: not a POLICY.md rule, the pack's own. */
  readonly rule: string;
  readonly allowed: Readonly<Record<RecipientKind, readonly TemplateId[]>>;
  /** The template to use when none is named (an agent's quick action). */
  readonly defaults: Readonly<Record<RecipientKind, TemplateId | undefined>>;
}
