import type { Instant } from "../calendar/instant.js";
import type { DecisionInput } from "./attempt.js";
import type { ThirdPartyRules } from "./policy-pack.js";
import {
  dayMs,
  defer,
  deny,
  dispatched,
  type RuleCheck,
  type RuleContext,
  type Verdict,
} from "./verdict.js";

/**
 * Contact with anyone but the debtor (DESIGN.md "Overdue handling": third parties are denied by
 * default). CN: CN-DEBTOR-ONLY, CN-CONTACT-CONSENT, CN-CONTACT-PERSON, CN-CONTACT-REFUSED,
 * CN-CONTACT-FREQUENCY, CN-NO-DISCLOSURE. US: US-THIRD-PARTY (limited location request, once
 * per person). Every failing rule is reported, not only the first.
 */

/**
 * CN-CONTACT-CONSENT: a separate consent for this contact and purpose, granted by `at` and not
 * withdrawn by `at` (a withdrawal takes effect at once, PIPL Art. 15).
 */
function hasConsent(input: DecisionInput, contactId: string, at: Instant): boolean {
  return input.consents.some(
    (c) =>
      c.purpose === "emergency_contact" &&
      c.contactId === contactId &&
      c.grantedAt <= at &&
      (c.withdrawnAt === undefined || c.withdrawnAt > at),
  );
}

/**
 * CN-CONTACT-PERSON: the debtor is unreachable (失聯) at `at`. Either every debtor number is
 * marked wrong, or in the `days` before `at` there were at least `attemptsMin` dispatched
 * attempts to the debtor on at least `channelsMin` channels, none answered or refused (a debtor
 * who answered and refused to talk is reachable), and no sign of life (login, payment, reply)
 * since the start of that period.
 */
export function debtorUnreachable(
  input: DecisionInput,
  spec: NonNullable<ThirdPartyRules["unreachable"]>,
  at: Instant,
): boolean {
  const numbers = input.recipient.debtorNumbers;
  if (numbers.length > 0 && numbers.every((n) => n.wrongNumber)) return true;
  const since = at - spec.days * dayMs;
  const attempts = dispatched(input.history).filter(
    (e) => e.recipient.kind === "borrower" && e.at >= since && e.at < at,
  );
  const answered = attempts.some((e) => e.outcome === "answered" || e.outcome === "refused");
  const life = input.preferences.lastSignOfLife;
  const alive = life !== undefined && life >= since;
  const channelCount = new Set(attempts.map((e) => e.channel)).size;
  return (
    !answered && !alive && attempts.length >= spec.attemptsMin && channelCount >= spec.channelsMin
  );
}

/** CN-CONTACT-REFUSED: the contact refused, on record or as the outcome of an earlier attempt. */
function contactRefused(input: DecisionInput, contactId: string): boolean {
  if (input.preferences.contactsRefused.includes(contactId)) return true;
  return input.history.some(
    (e) =>
      e.recipient.kind === "contact" &&
      e.recipient.contactId === contactId &&
      e.outcome === "refused",
  );
}

/**
 * CN-CONTACT-FREQUENCY / US-THIRD-PARTY: at most `max` dispatched attempts per contact person,
 * per rolling `days` × 24 h before `at` (defer until the oldest counted one ages out), or ever
 * when `days` is undefined (deny).
 */
function perContactVerdict(
  input: DecisionInput,
  spec: NonNullable<ThirdPartyRules["perContact"]>,
  contactId: string,
  at: Instant,
): Verdict | undefined {
  const toContact = dispatched(input.history).filter(
    (e) => e.recipient.kind === "contact" && e.recipient.contactId === contactId && e.at <= at,
  );
  if (spec.days === undefined) {
    return toContact.length >= spec.max ? deny(spec.rule) : undefined;
  }
  const period = spec.days * dayMs;
  const recent = toContact
    .map((e) => e.at)
    .filter((t) => t > at - period)
    .sort((a, b) => a - b);
  if (recent.length < spec.max) return undefined;
  return defer(spec.rule, (recent[recent.length - spec.max] as Instant) + period);
}

/** The template rule for a third party: only templates the pack allows that recipient kind. */
function contentVerdict(context: RuleContext): Verdict | undefined {
  const { templates, contact } = context.policy;
  const kind = context.input.attempt.recipient.kind;
  const allowed = templates.allowed[kind] as readonly string[];
  // An unregistered recipient is already denied; its content fails only if it is not limited.
  const fits =
    kind === "unregistered"
      ? context.template?.kind === "limited"
      : allowed.includes(context.input.attempt.template);
  return fits ? undefined : deny(contact.thirdParty.contentRule);
}

export const checkThirdParty: RuleCheck = (context, at) => {
  const { attempt } = context.input;
  const tp = context.policy.contact.thirdParty;
  const recipient = attempt.recipient;
  if (recipient.kind === "borrower") return [];
  const verdicts: (Verdict | undefined)[] = [contentVerdict(context)];
  if (recipient.kind === "unregistered") {
    verdicts.push(deny(tp.unregisteredRule));
  } else {
    const input = context.input;
    const id = recipient.contactId;
    if (tp.consent && !hasConsent(input, id, at)) verdicts.push(deny(tp.consent.rule));
    if (tp.unreachable && !debtorUnreachable(input, tp.unreachable, at)) {
      verdicts.push(deny(tp.unreachable.rule));
    }
    if (tp.refused && contactRefused(input, id)) verdicts.push(deny(tp.refused.rule));
    if (tp.perContact) verdicts.push(perContactVerdict(input, tp.perContact, id, at));
  }
  return verdicts.filter((v): v is Verdict => v !== undefined);
};
