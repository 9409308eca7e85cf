import { sql } from "kysely";
import type { Role } from "../../domain/users/roles.js";
import type {
  LoginThrottleRepository,
  SessionRecord,
  SessionRepository,
  UserRecord,
  UserRepository,
} from "../../ports/user-store.js";
import {
  type Db,
  int8OfNumber,
  nullable,
  nullableInt8,
  numberOf,
  optional,
  optionalNumber,
} from "./codec.js";
import type { StoreDialect } from "./dialect.js";

/** Users, found by id or by the keyed hash of their username (migration 0006). */
export class SqlUserRepository implements UserRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async insert(user: UserRecord): Promise<boolean> {
    const result = await this.db
      .insertInto("users")
      .values({
        id: user.id,
        username_hash: user.usernameHash,
        role: user.role,
        borrower_id: nullable(user.borrowerId),
        password_hash: user.passwordHash,
        created_at: int8OfNumber(user.createdAt, "user.createdAt"),
        disabled_at: nullableInt8(user.disabledAt, "user.disabledAt"),
      })
      .onConflict((oc) => oc.column("username_hash").doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row && userOf(row);
  }

  async getLocked(id: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", id)
      // SQLite has no FOR UPDATE: its transactions begin IMMEDIATE and never overlap.
      .$if(this.dialect === "postgres", (q) => q.forUpdate())
      .executeTakeFirst();
    return row && userOf(row);
  }

  async setDisabled(id: string, at: number | undefined): Promise<boolean> {
    const result = await this.db
      .updateTable("users")
      .set({ disabled_at: nullableInt8(at, "user.disabledAt") })
      .where("id", "=", id)
      .where("disabled_at", at === undefined ? "is not" : "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ password_hash: passwordHash })
      .where("id", "=", id)
      .execute();
  }

  async closeForBorrower(borrowerId: string, at: number): Promise<number> {
    const result = await this.db
      .updateTable("users")
      .set({
        disabled_at: int8OfNumber(at, "user.disabledAt"),
        username_hash: sql<string>`'erased:' || ${sql.ref("id")}`,
      })
      .where("borrower_id", "=", borrowerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async findByUsernameHash(hash: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom("users")
      .selectAll()
      .where("username_hash", "=", hash)
      .executeTakeFirst();
    return row && userOf(row);
  }
}

type UserRow = {
  id: string;
  username_hash: string;
  role: string;
  borrower_id: string | null;
  password_hash: string;
  created_at: bigint;
  disabled_at: bigint | null;
};

function userOf(row: UserRow): UserRecord {
  return {
    id: row.id,
    usernameHash: row.username_hash,
    // Written only from `Role` values by `insert`.
    role: row.role as Role,
    borrowerId: optional(row.borrower_id),
    passwordHash: row.password_hash,
    createdAt: numberOf(row.created_at, "users.created_at"),
    disabledAt: optionalNumber(row.disabled_at, "users.disabled_at"),
  };
}

/** Sessions by the SHA-256 of their id; a logout marks the row, it does not delete it. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Db) {}

  async insert(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        id_hash: session.idHash,
        user_id: session.userId,
        csrf_hash: session.csrfHash,
        created_at: int8OfNumber(session.createdAt, "session.createdAt"),
        expires_at: int8OfNumber(session.expiresAt, "session.expiresAt"),
        ended_at: nullableInt8(session.endedAt, "session.endedAt"),
      })
      .execute();
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("id_hash", "=", idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      idHash: row.id_hash,
      userId: row.user_id,
      csrfHash: row.csrf_hash,
      createdAt: numberOf(row.created_at, "sessions.created_at"),
      expiresAt: numberOf(row.expires_at, "sessions.expires_at"),
      endedAt: optionalNumber(row.ended_at, "sessions.ended_at"),
    };
  }

  async end(idHash: string, at: number): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ ended_at: int8OfNumber(at, "session.endedAt") })
      .where("id_hash", "=", idHash)
      .where("ended_at", "is", null)
      .execute();
  }

  async endAllOfUser(userId: string, at: number): Promise<number> {
    const instant = int8OfNumber(at, "session.endedAt");
    const result = await this.db
      .updateTable("sessions")
      .set({ ended_at: instant })
      .where("user_id", "=", userId)
      .where("ended_at", "is", null)
      .where("expires_at", ">", instant)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteExpired(at: number, limit: number): Promise<number> {
    // Neither store has DELETE … LIMIT (SQLite only when compiled for it): the bound is a keyed
    // subquery, which the expires_at index of migration 0009 answers without a scan.
    const expired = this.db
      .selectFrom("sessions")
      .select("id_hash")
      .where("expires_at", "<=", int8OfNumber(at, "at"))
      .limit(limit);
    const result = await this.db
      .deleteFrom("sessions")
      .where("id_hash", "in", expired)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The login throttle: failures per username hash within a window, and the locks they set. */
export class SqlLoginThrottleRepository implements LoginThrottleRepository {
  constructor(private readonly db: Db) {}

  async recordFailure(usernameHash: string, at: number): Promise<void> {
    await this.db
      .insertInto("login_failures")
      .values({ username_hash: usernameHash, at: int8OfNumber(at, "loginFailure.at") })
      .execute();
  }

  async failuresSince(usernameHash: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom("login_failures")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("username_hash", "=", usernameHash)
      .where("at", ">=", int8OfNumber(since, "since"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async clearFailures(usernameHash: string, before?: number): Promise<void> {
    let query = this.db.deleteFrom("login_failures").where("username_hash", "=", usernameHash);
    if (before !== undefined) query = query.where("at", "<", int8OfNumber(before, "before"));
    await query.execute();
  }

  async lockedUntil(usernameHash: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("login_locks")
      .select("locked_until")
      .where("username_hash", "=", usernameHash)
      .executeTakeFirst();
    return row && numberOf(row.locked_until, "login_locks.locked_until");
  }

  async lock(usernameHash: string, until: number): Promise<void> {
    const lockedUntil = int8OfNumber(until, "lockedUntil");
    await this.db
      .insertInto("login_locks")
      .values({ username_hash: usernameHash, locked_until: lockedUntil })
      .onConflict((oc) => oc.column("username_hash").doUpdateSet({ locked_until: lockedUntil }))
      .execute();
  }

  async unlock(usernameHash: string, at: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom("login_locks")
      .where("username_hash", "=", usernameHash)
      .returning("locked_until")
      .executeTakeFirst();
    return result !== undefined && numberOf(result.locked_until, "login_locks.locked_until") > at;
  }

  async deleteFailuresBefore(before: number, limit: number): Promise<number> {
    // The table has no key of its own: a (username, instant) pair names the rows to delete, so
    // one statement removes at most `limit` pairs (identical pairs, all stale, go together).
    const stale = this.db
      .selectFrom("login_failures")
      .select(["username_hash", "at"])
      .where("at", "<", int8OfNumber(before, "before"))
      .limit(limit);
    const result = await this.db
      .deleteFrom("login_failures")
      .where((eb) =>
        eb(eb.refTuple("username_hash", "at"), "in", stale.$asTuple("username_hash", "at")),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteLocksEndedBy(at: number, limit: number): Promise<number> {
    const ended = this.db
      .selectFrom("login_locks")
      .select("username_hash")
      .where("locked_until", "<=", int8OfNumber(at, "at"))
      .limit(limit);
    const result = await this.db
      .deleteFrom("login_locks")
      .where("username_hash", "in", ended)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
