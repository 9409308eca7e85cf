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

/** Users, found by id or by the keyed hash of their username (migration 0006). */
export class SqlUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

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
}
