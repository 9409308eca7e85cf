import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { Instant } from "../domain/calendar/instant.js";
import type {
  AttemptOutcome,
  AttemptSource,
  Channel,
  DecisionOutcome,
  RecipientKind,
} from "../domain/policy/attempt.js";
import type { Page } from "./store.js";

/**
 * What overdue handling keeps (DESIGN.md "Overdue handling"): every judged contact, the plans
 * the strategy made, the outbox, the borrower's consents and choices, and what was delivered
 * inside fenqi (inbox messages, call tasks, letters). Rows hold ids, instants, rule ids and
 * template ids — never a phone number, an address or the text sent to a third party.
 */

/** One judged contact attempt: the decision and, once reported, what became of it. */
export interface ContactAttemptRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly loanId: string;
  readonly recipientKind: RecipientKind;
  /** The emergency contact's id when `recipientKind` is `contact` (or the id asked for when `unregistered`). */
  readonly contactId: string | undefined;
  readonly channel: Channel;
  readonly template: string;
  readonly source: AttemptSource;
  /** When the attempt was proposed for. */
  readonly at: Instant;
  /** When it was judged. */
  readonly decidedAt: Instant;
  readonly outcome: DecisionOutcome;
  readonly until: Instant | undefined;
  readonly rules: readonly string[];
  readonly pack: string;
  readonly house: string | undefined;
  readonly inputHash: string;
  /** The canonical JSON of the decision's inputs, for replay. */
  readonly inputs: string;
  /** The number dialled (an id, never the number), for phone attempts. */
  readonly numberId: string | undefined;
  readonly result: AttemptOutcome | undefined;
  readonly resultAt: Instant | undefined;
  /** The plan this attempt came from, for strategy attempts. */
  readonly planId: string | undefined;
}

export interface ContactAttemptRepository {
  insert(attempt: ContactAttemptRecord): Promise<void>;
  get(id: string): Promise<ContactAttemptRecord | undefined>;
  /** Every attempt about a borrower proposed at or after `since`, oldest first, at most `limit`. */
  history(borrowerId: string, since: Instant, limit: number): Promise<ContactAttemptRecord[]>;
  /** The histories of many borrowers in one query (a batch of judgements). */
  historyMany(
    borrowerIds: readonly string[],
    since: Instant,
  ): Promise<Map<string, ContactAttemptRecord[]>>;
  /** Records what became of an attempt; false when it already has a result. */
  setResult(id: string, result: AttemptOutcome, at: Instant): Promise<boolean>;
  /** A borrower's contact log, oldest first (by decision time, then id); `page.after` is the last id seen. */
  listByBorrower(borrowerId: string, page: Page): Promise<ContactAttemptRecord[]>;
  /** Every attempt in id order, after `afterId` (replay). */
  listAll(afterId: string | undefined, limit: number): Promise<ContactAttemptRecord[]>;
}

/** A contact the strategy plans for a later instant (a ladder step, or a deferral re-planned). */
export interface ContactPlanRecord {
  readonly id: string;
  /** Unique: planning the same step twice (a rerun close) inserts nothing. */
  readonly key: string;
  readonly borrowerId: string;
  readonly loanId: string;
  /** The business date whose ladder steps proposed it: the step is still wanted only if that date's steps, proposed again on the loan as it is now, still hold it. */
  readonly stepDate: CivilDate;
  readonly channel: Channel;
  readonly template: string;
  readonly dueAt: Instant;
  readonly strategy: string;
  readonly status: "pending" | "judged" | "dropped";
}

export interface ContactPlanRepository {
  /** Inserts plans whose key is new; returns how many were inserted. */
  insertMany(plans: readonly ContactPlanRecord[]): Promise<number>;
  /** Pending plans due at or before `now`, oldest first, at most `limit`. */
  due(now: Instant, limit: number): Promise<ContactPlanRecord[]>;
  /** The earliest due instant of a pending plan, if any. */
  nextDue(): Promise<Instant | undefined>;
  /** Moves a pending plan on; false when it was no longer pending (another runner took it). */
  setStatus(id: string, status: "judged" | "dropped"): Promise<boolean>;
  listPendingByLoan(loanId: string): Promise<ContactPlanRecord[]>;
}

export type OutboxStatus = "pending" | "sent" | "failed";

/** A message to send, committed with the decision that allowed it. */
export interface OutboxRecord {
  /** The message id channels de-duplicate on. */
  readonly id: string;
  readonly attemptId: string;
  readonly borrowerId: string;
  readonly loanId: string;
  readonly recipientKind: RecipientKind;
  readonly contactId: string | undefined;
  readonly channel: Channel;
  readonly template: string;
  readonly language: string;
  /** The template's values that are not personal data (amounts, dates, days past due), JSON. */
  readonly values: string;
  readonly status: OutboxStatus;
  readonly tries: number;
  readonly nextTryAt: Instant;
  readonly lastError: string | undefined;
  readonly createdAt: Instant;
  readonly sentAt: Instant | undefined;
}

export interface OutboxRepository {
  insert(message: OutboxRecord): Promise<void>;
  get(id: string): Promise<OutboxRecord | undefined>;
  /** Pending messages due at or before `now`, oldest first, at most `limit`. */
  due(now: Instant, limit: number): Promise<OutboxRecord[]>;
  /**
   * Takes a due message for one sender: moves its next try to `leaseUntil` if it is still
   * pending and still due at `seenNextTryAt`. False when another dispatcher took it first. A
   * dispatcher that dies holding it leaves it to be taken again once the lease ends.
   */
  claim(id: string, seenNextTryAt: Instant, leaseUntil: Instant): Promise<boolean>;
  markSent(id: string, at: Instant): Promise<void>;
  /** A failed try: either a later retry or, with `status: "failed"`, the end. */
  markTry(
    id: string,
    update: { tries: number; nextTryAt: Instant; lastError: string; status: "pending" | "failed" },
  ): Promise<void>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
}

/** A separate consent (單獨同意) and its withdrawal (PIPL Arts. 14, 15, 23). */
export interface ConsentRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly purpose: "emergency_contact";
  readonly contactId: string;
  readonly noticeVersion: string;
  readonly channel: string;
  readonly grantedAt: Instant;
  readonly withdrawnAt: Instant | undefined;
  readonly withdrawChannel: string | undefined;
}

/** A borrower's choice, as an event: the latest of each kind (and recipient, channel) wins. */
export interface PreferenceRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly kind:
    | "channel_opt_out"
    | "channel_opt_in"
    | "cease"
    | "contact_window"
    | "inconvenient"
    | "attorney"
    | "contact_refused"
    | "dispute"
    | "verification";
  readonly recipientKind: "borrower" | "contact";
  readonly contactId: string | undefined;
  readonly channel: Channel | undefined;
  /** Kind-specific JSON: a window `{from,to}` in minutes, a list of windows, a flag. */
  readonly value: string;
  readonly at: Instant;
}

export interface PromiseRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly loanId: string;
  readonly until: CivilDate;
  readonly createdAt: Instant;
  readonly status: "open" | "kept" | "broken" | "cancelled";
}

/** An undecided complaint about collection conduct or hardship request pauses collection (CN-HOLD). */
export interface HoldRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly kind: "complaint" | "hardship";
  readonly loanId: string | undefined;
  readonly detail: string;
  readonly since: Instant;
  readonly decidedAt: Instant | undefined;
  readonly decision: string | undefined;
}

export interface ChoiceRepository {
  insertConsent(consent: ConsentRecord): Promise<void>;
  getConsent(id: string): Promise<ConsentRecord | undefined>;
  withdrawConsent(id: string, at: Instant, channel: string): Promise<boolean>;
  consents(borrowerId: string): Promise<ConsentRecord[]>;
  insertPreference(preference: PreferenceRecord): Promise<void>;
  preferences(borrowerId: string): Promise<PreferenceRecord[]>;
  insertPromise(promise: PromiseRecord): Promise<void>;
  setPromiseStatus(id: string, status: PromiseRecord["status"]): Promise<void>;
  promises(borrowerId: string): Promise<PromiseRecord[]>;
  insertHold(hold: HoldRecord): Promise<void>;
  decideHold(id: string, at: Instant, decision: string): Promise<boolean>;
  holds(borrowerId: string): Promise<HoldRecord[]>;
}

/** Something delivered inside fenqi: an in-app message, a call task, a letter. */
export interface DeliveryRecord {
  /** The outbox id it delivered: a re-delivery of the same message inserts nothing. */
  readonly id: string;
  readonly kind: "inbox" | "call_task" | "letter";
  readonly attemptId: string;
  readonly borrowerId: string;
  readonly loanId: string;
  readonly recipientKind: RecipientKind;
  readonly contactId: string | undefined;
  readonly template: string;
  /** Rendered text sealed under the borrower's data key (inbox, letter); empty for a call task. */
  readonly sealed: string;
  readonly createdAt: Instant;
  /** For call tasks: open until an outcome is recorded. */
  readonly status: "open" | "done";
}

export interface DeliveryRepository {
  /** Inserts; false when this message was delivered already. */
  insert(delivery: DeliveryRecord): Promise<boolean>;
  list(
    filter: { kind: DeliveryRecord["kind"]; borrowerId?: string; status?: "open" | "done" },
    page: Page,
  ): Promise<DeliveryRecord[]>;
  closeCallTask(attemptId: string): Promise<void>;
}
