import type { Instant } from "../domain/calendar/instant.js";
import type { Role } from "../domain/users/roles.js";

/**
 * People who log in, their sessions and the login throttle (DESIGN.md "Who uses it", "Audit").
 * No username, session id or CSRF token is stored in clear: usernames as the keyring's keyed
 * hash (so a table dump names nobody), session ids and CSRF tokens as SHA-256 digests.
 */
export interface UserRecord {
  readonly id: string;
  /** `keyring.lookupHash("username", normalized username)`. */
  readonly usernameHash: string;
  readonly role: Role;
  /** The borrower a `borrower` user is; absent for staff. */
  readonly borrowerId: string | undefined;
  /** The `Passwords` port's self-describing hash. */
  readonly passwordHash: string;
  readonly createdAt: Instant;
  readonly disabledAt: Instant | undefined;
}

export interface UserRepository {
  /** Inserts a user; false when the username (its hash) is taken. */
  insert(user: UserRecord): Promise<boolean>;
  get(id: string): Promise<UserRecord | undefined>;
  /**
   * A user read under a row lock held until the transaction ends (PostgreSQL `FOR UPDATE`;
   * SQLite's transactions are serial already), so a login that opens a session cannot pass a
   * concurrent disable or password change that would have closed it.
   */
  getLocked(id: string): Promise<UserRecord | undefined>;
  /**
   * Disables the user at `at`, or enables them again with `undefined`. False when they were
   * already so (nothing changed; an erased borrower's login keeps its first `disabledAt`).
   */
  setDisabled(id: string, at: Instant | undefined): Promise<boolean>;
  /** Replaces the stored password hash. */
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  findByUsernameHash(hash: string): Promise<UserRecord | undefined>;
  /**
   * An erased borrower's logins: disabled, and the username's keyed hash replaced by a value
   * derived from the user id alone, so nothing links the account to the person any more.
   * Returns how many users were closed.
   */
  closeForBorrower(borrowerId: string, at: Instant): Promise<number>;
}

export interface SessionRecord {
  /** SHA-256 of the session id the cookie carries. */
  readonly idHash: string;
  readonly userId: string;
  /** SHA-256 of the session's CSRF (synchronizer) token. */
  readonly csrfHash: string;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
  /** When the user logged out; absent while the session stands. */
  readonly endedAt: Instant | undefined;
}

export interface SessionRepository {
  insert(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Ends a session (logout); ending one already ended keeps the first instant. */
  end(idHash: string, at: Instant): Promise<void>;
  /**
   * Ends every session of the user still open at `at` (not ended, not expired), in one statement;
   * returns how many.
   */
  endAllOfUser(userId: string, at: Instant): Promise<number>;
  /**
   * Deletes up to `limit` sessions expired at `at` (`expiresAt <= at`, ended or not) in one
   * statement; returns how many. Live sessions are kept.
   */
  deleteExpired(at: Instant, limit: number): Promise<number>;
}

/**
 * Failed logins per username hash (kept for one throttle window, whether or not the username
 * exists, so the throttle says nothing about which usernames are real) and the locks they cause.
 */
export interface LoginThrottleRepository {
  recordFailure(usernameHash: string, at: Instant): Promise<void>;
  /** Failures at or after `since`. */
  failuresSince(usernameHash: string, since: Instant): Promise<number>;
  /** Forgets the failures before `before` (all of them without it): keeps the table bounded. */
  clearFailures(usernameHash: string, before?: Instant): Promise<void>;
  lockedUntil(usernameHash: string): Promise<Instant | undefined>;
  /** Locks the username until `until` (replacing an earlier lock). */
  lock(usernameHash: string, until: Instant): Promise<void>;
  /** Lifts the username's lock, if any; true when there was one still in force at `at`. */
  unlock(usernameHash: string, at: Instant): Promise<boolean>;
  /**
   * Deletes, in one statement, failures before `before` of up to `limit` (username, instant)
   * pairs — identical pairs go together — across every username; returns how many rows.
   */
  deleteFailuresBefore(before: Instant, limit: number): Promise<number>;
  /** Deletes up to `limit` locks that ended at or before `at`, in one statement; returns how many. */
  deleteLocksEndedBy(at: Instant, limit: number): Promise<number>;
}
