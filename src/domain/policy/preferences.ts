import type { ChannelPreference, DecisionInput } from "./attempt.js";
import { houseChannelRule } from "./house-rules.js";
import { deny, type RuleCheck, sameRecipient, type Verdict } from "./verdict.js";

/**
 * The rules that close a channel, a template or all contact because of what the recipient or the
 * lender chose, or a state of the account: CN-CHANNEL-OPT-OUT / US-ELECTRONIC-OPT-OUT, US-CEASE,
 * US-ATTORNEY, CN-HOLD, US-LIMITED-CONTENT, the pack's template list and the house's closed
 * channels. None of them lifts with time alone, so each denies.
 */

/**
 * The recipient's latest choice for the attempt's channel: the record with the latest `at`; on
 * a tie the opt-out wins, because contacting someone who may have opted out is the worse error.
 */
function latestPreference(input: DecisionInput): ChannelPreference | undefined {
  let latest: ChannelPreference | undefined;
  for (const pref of input.preferences.channels) {
    if (pref.channel !== input.attempt.channel) continue;
    if (!sameRecipient(pref.recipient, input.attempt.recipient)) continue;
    const later = latest === undefined || pref.at > latest.at;
    if (later || (pref.at === latest?.at && pref.optedOut)) latest = pref;
  }
  return latest;
}

/**
 * CN-CHANNEL-OPT-OUT: an opted-out channel is closed to non-mandatory messages. US-ELECTRONIC-
 * OPT-OUT: an opted-out e-mail or text medium is closed, mandatory notices included (POLICY.md:
 * "an opted-out medium is closed"; Regulation F 1006.14(h)), so the validation notice then goes
 * by letter.
 */
export const checkOptOut: RuleCheck = (context) => {
  const spec = context.policy.contact.optOut;
  if (!spec.channels.includes(context.input.attempt.channel)) return [];
  if (latestPreference(context.input)?.optedOut !== true) return [];
  const exempt = spec.mandatoryExempt && context.template?.mandatory === true;
  return exempt ? [] : [deny(spec.rule)];
};

/**
 * US-CEASE (to the consumer), US-ATTORNEY (to anyone: a represented consumer is reached through
 * the attorney, and FDCPA §804(6) closes location calls to third parties as well) and CN-HOLD
 * (collection and limited templates while a complaint or hardship request is undecided;
 * reminders and legal notices are not collection, and still go).
 */
export const checkAccountState: RuleCheck = (context) => {
  const { contact } = context.policy;
  const { attempt, preferences } = context.input;
  const verdicts: Verdict[] = [];
  const kind = context.template?.kind;
  if (contact.cease && attempt.recipient.kind === "borrower") {
    if (preferences.ceasedAt !== undefined && kind !== "notice")
      verdicts.push(deny(contact.cease.rule));
  }
  if (contact.attorney && preferences.attorney) verdicts.push(deny(contact.attorney.rule));
  if (contact.hold && preferences.holds.length > 0) {
    if (kind === "collection" || kind === "limited") verdicts.push(deny(contact.hold.rule));
  }
  return verdicts;
};

/**
 * Which template may go where: the pack's list of templates for the debtor (rule
 * `PACK-TEMPLATE`; third parties are judged by their own content rule), US-LIMITED-CONTENT and
 * the channels the house closed. US-LIMITED-CONTENT is modelled as "`voicemail_limited` goes by
 * phone only": before a call the engine cannot know whether it will reach a voicemail, so the
 * other half of the rule (a machine gets nothing but `voicemail_limited`) belongs to the dialer.
 */
export const checkTemplateAndChannel: RuleCheck = (context) => {
  const { contact, templates, deniedChannels } = context.policy;
  const { attempt } = context.input;
  const verdicts: Verdict[] = [];
  const allowed = templates.allowed.borrower as readonly string[];
  if (attempt.recipient.kind === "borrower" && !allowed.includes(attempt.template)) {
    verdicts.push(deny(templates.rule));
  }
  const voicemail = contact.voicemail;
  if (
    voicemail &&
    attempt.template === voicemail.template &&
    attempt.channel !== voicemail.channel
  ) {
    verdicts.push(deny(voicemail.rule));
  }
  if (deniedChannels.includes(attempt.channel)) verdicts.push(deny(houseChannelRule));
  return verdicts;
};
