import type { CivilDate } from "../domain/calendar/civil-date.js";
import type { Instant } from "../domain/calendar/instant.js";
import type { PrivacyRequestKind, PrivacyRequestStatus } from "../domain/privacy/requests.js";
import type { Page } from "./store.js";

/**
 * What data-subject rights need from the store (DESIGN.md "Privacy"; PIPL Arts. 45–48): the
 * requests with their deadlines, the restriction they put in force, the withdrawal of what was
 * queued for an erased or restricted borrower, the logins whose sessions erasure ends, and the
 * reads an export makes across tables.
 * Rows hold ids, instants and field names — a correction's new values only sealed.
 */

export interface PrivacyRequestRecord {
  readonly id: string;
  readonly borrowerId: string;
  readonly kind: PrivacyRequestKind;
  readonly status: PrivacyRequestStatus;
  readonly receivedAt: Instant;
  /** When the answer is due (`responseDeadline`). */
  readonly dueAt: Instant;
  /** For a correction: the field names asked to change (never their values). */
  readonly fields: readonly string[];
  /** For a correction: the new values, sealed under the borrower's data key; empty otherwise. */
  readonly sealed: string;
  /** For a deletion under retention: the date erasure is due. */
  readonly eraseOn: CivilDate | undefined;
  /** When the request was answered (applied, restricted, erased or rejected). */
  readonly answeredAt: Instant | undefined;
  /** Who answered it: a staff or service client id, or `system` for the due-erasure runner. */
  readonly answeredBy: string | undefined;
}

/** The change of a request's state, applied only if it is still in the state `from`. */
export interface PrivacyRequestUpdate {
  readonly status: PrivacyRequestStatus;
  readonly answeredAt: Instant;
  readonly answeredBy: string;
  readonly eraseOn?: CivilDate | undefined;
}

/** One journal entry with its postings, as the export shows it. */
export interface JournalLine {
  readonly entryId: string;
  readonly loanId: string;
  readonly operationId: string;
  readonly kind: string;
  readonly date: CivilDate;
  readonly at: Instant;
  readonly postings: readonly { readonly account: string; readonly amount: bigint }[];
}

export interface PrivacyRepository {
  insertRequest(request: PrivacyRequestRecord): Promise<void>;
  getRequest(id: string): Promise<PrivacyRequestRecord | undefined>;
  /** A borrower's requests, oldest first. */
  requests(borrowerId: string): Promise<PrivacyRequestRecord[]>;
  /** Moves a request from `from` on; false when it was no longer in that state (another runner). */
  updateRequest(
    id: string,
    from: PrivacyRequestStatus,
    update: PrivacyRequestUpdate,
  ): Promise<boolean>;
  /** Deletions waiting for retention to end whose erasure is due on or before `date`, by id, at most `limit`. */
  dueErasures(date: CivilDate, limit: number): Promise<PrivacyRequestRecord[]>;
  /** Whether a deletion under retention restricts the processing of the borrower's data. */
  isRestricted(borrowerId: string): Promise<boolean>;
  /**
   * Stops what was queued for a borrower: pending outbox messages become `failed` with `reason`,
   * pending contact plans `dropped`. Returns how many of each.
   */
  withdrawQueued(borrowerId: string, reason: string): Promise<{ messages: number; plans: number }>;
  /** The journal entries of `loanIds` in entry order, postings attached (an export). */
  journalOf(loanIds: readonly string[]): Promise<JournalLine[]>;
  /** The user ids of the borrower's logins, by id, one page: erasure ends their sessions. */
  loginsOf(borrowerId: string, page: Page): Promise<{ readonly id: string }[]>;
}
