import type { Instant } from "../../domain/calendar/instant.js";
import type {
  ChannelPreference,
  ConsentFacts,
  DailyWindow,
  DecisionInput,
  HistoryEntry,
  Preferences,
  ProposedAttempt,
  Recipient,
  RecipientFacts,
} from "../../domain/policy/attempt.js";
import type {
  ConsentRecord,
  ContactAttemptRecord,
  HoldRecord,
  PreferenceRecord,
  PromiseRecord,
} from "../../ports/contact-store.js";
import type { BorrowerRecord, OperationRecord } from "../../ports/store.js";

/**
 * Turns what the store holds about a borrower into the facts the policy engine judges
 * (POLICY.md "What a decision looks like"). Pure: the use cases load the records, this shapes
 * them, the engine decides.
 */

/** How far back the engine looks: every rule's window (7 days, 30 days) fits well inside. */
export const historyDaysMax = 400;
/** The most history entries one decision reads (STYLE 10): far above any lawful contact rate. */
export const historyEntriesMax = 5_000;

const dayMs = 86_400_000;

export function historySince(asOf: Instant): Instant {
  return asOf - historyDaysMax * dayMs;
}

/** The id of a phone number in decisions: which number, never the number itself. */
export function numberIdOf(recipient: Recipient): string | undefined {
  if (recipient.kind === "borrower") return "borrower:phone";
  if (recipient.kind === "contact") return `contact:${recipient.contactId}:phone`;
  return undefined;
}

export function recipientOf(record: {
  recipientKind: string;
  contactId: string | undefined;
}): Recipient {
  if (record.recipientKind === "contact" && record.contactId)
    return { kind: "contact", contactId: record.contactId };
  if (record.recipientKind === "borrower") return { kind: "borrower" };
  return { kind: "unregistered" };
}

export function historyOf(attempts: readonly ContactAttemptRecord[]): HistoryEntry[] {
  return attempts.map((a) => ({
    at: a.at,
    loanId: a.loanId,
    recipient: recipientOf(a),
    channel: a.channel,
    template: a.template,
    numberId: a.numberId,
    dispatched: a.outcome === "allow",
    outcome: a.result,
  }));
}

export function consentFactsOf(consents: readonly ConsentRecord[], asOf: Instant): ConsentFacts[] {
  return consents
    .filter((c) => c.grantedAt <= asOf)
    .map((c) => ({
      purpose: c.purpose,
      contactId: c.contactId,
      grantedAt: c.grantedAt,
      withdrawnAt: c.withdrawnAt !== undefined && c.withdrawnAt <= asOf ? c.withdrawnAt : undefined,
    }));
}

export interface ChoiceRecords {
  readonly preferences: readonly PreferenceRecord[];
  readonly promises: readonly PromiseRecord[];
  readonly holds: readonly HoldRecord[];
  readonly payments: readonly OperationRecord[];
  readonly history: readonly HistoryEntry[];
}

/** Folds the preference events (the latest of each wins) and the open promises and holds as of `asOf`. */
export function preferencesOf(records: ChoiceRecords, loanId: string, asOf: Instant): Preferences {
  const events = records.preferences.filter((p) => p.at <= asOf);
  const latest = (kind: PreferenceRecord["kind"]) => events.filter((p) => p.kind === kind).at(-1);
  const channelChoices: ChannelPreference[] = events
    .filter((p) => p.kind === "channel_opt_out" || p.kind === "channel_opt_in")
    .flatMap((p) =>
      p.channel
        ? [
            {
              recipient: recipientOf(p),
              channel: p.channel,
              optedOut: p.kind === "channel_opt_out",
              at: p.at,
            },
          ]
        : [],
    );
  const window = latest("contact_window");
  const inconvenient = latest("inconvenient");
  const attorney = latest("attorney");
  const promise = records.promises
    .filter((p) => p.loanId === loanId && p.status === "open" && p.createdAt <= asOf)
    .at(-1);
  const lastPayment = records.payments.filter((p) => p.at <= asOf).at(-1);
  const validationNotice = records.history.find(
    (h) => h.dispatched && h.template === "validation_notice" && h.at <= asOf,
  );
  return {
    channels: channelChoices,
    agreedWindow: window
      ? ((JSON.parse(window.value) as DailyWindow | null) ?? undefined)
      : undefined,
    inconvenient: inconvenient ? (JSON.parse(inconvenient.value) as DailyWindow[]) : [],
    ceasedAt: latest("cease")?.at,
    attorney: attorney ? JSON.parse(attorney.value) === true : false,
    promiseUntil: promise?.until,
    holds: records.holds
      .filter((h) => h.since <= asOf && (h.decidedAt === undefined || h.decidedAt > asOf))
      .map((h) => ({ kind: h.kind, since: h.since })),
    contactsRefused: events
      .filter((p) => p.kind === "contact_refused" && p.contactId !== undefined)
      .map((p) => p.contactId as string),
    lastSignOfLife: lastPayment?.at,
    validation: {
      noticeAt: validationNotice?.at,
      disputedAt: latest("dispute")?.at,
      verifiedAt: latest("verification")?.at,
    },
  };
}

/**
 * The recipient as the engine sees it: the borrower's zone (a contact person's own zone is not
 * on file, so theirs is taken to be the borrower's), the debtor's numbers with any marked
 * `wrong_number` by an outcome, and the number this attempt would dial.
 */
export function recipientFactsOf(
  borrower: BorrowerRecord,
  recipient: Recipient,
  history: readonly HistoryEntry[],
): RecipientFacts {
  const debtorNumber = numberIdOf({ kind: "borrower" }) as string;
  const results = history.filter((h) => h.numberId === debtorNumber && h.outcome !== undefined);
  return {
    timeZones: [borrower.timeZone],
    debtorNumbers: [{ id: debtorNumber, wrongNumber: results.at(-1)?.outcome === "wrong_number" }],
    numberId: numberIdOf(recipient),
  };
}

/** Assembles one decision's input. */
export function decisionInput(
  attempt: ProposedAttempt,
  borrower: BorrowerRecord,
  attempts: readonly ContactAttemptRecord[],
  choices: Omit<ChoiceRecords, "history"> & { consents: readonly ConsentRecord[] },
  asOf: Instant,
): DecisionInput {
  const history = historyOf(attempts.filter((a) => a.at <= asOf || a.decidedAt <= asOf));
  return {
    attempt,
    recipient: recipientFactsOf(borrower, attempt.recipient, history),
    history,
    consents: consentFactsOf(choices.consents, asOf),
    preferences: preferencesOf({ ...choices, history }, attempt.loanId, asOf),
    asOf,
  };
}
