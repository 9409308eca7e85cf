import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type SqlStore } from "../../src/adapters/store/open-store.js";

/**
 * The stores every integration suite runs against (STYLE 3: one contract suite, every store).
 * PostgreSQL is not optional: when it is unreachable the suites fail rather than skip, so a
 * green run always means both stores were tested.
 */
export const storeKinds = ["sqlite", "postgres"] as const;
export type StoreKind = (typeof storeKinds)[number];

/** The server's maintenance database, through which test databases are created and dropped. */
export const postgresAdminUrl =
  process.env.FENQI_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database for one suite: a fresh PostgreSQL database, or nothing for SQLite (the suite picks a file). */
export interface TestDatabase {
  /** The `databaseUrl` to open: created on first call; `undefined` for SQLite. */
  url(): Promise<string | undefined>;
  /** Drops the PostgreSQL database (its connections are ended); nothing for SQLite. */
  drop(): Promise<void>;
}

export function testDatabase(kind: StoreKind): TestDatabase {
  if (kind === "sqlite") return { url: async () => undefined, drop: async () => {} };
  // Random, so concurrent suites (vitest runs files in parallel) never share a database.
  const name = `fenqi_test_${randomBytes(6).toString("hex")}`;
  let created: Promise<string> | undefined;
  return {
    url() {
      created ??= (async () => {
        await admin(`create database "${name}"`);
        const url = new URL(postgresAdminUrl);
        url.pathname = `/${name}`;
        return url.toString();
      })();
      return created;
    },
    async drop() {
      if (created === undefined) return;
      await created.catch(() => undefined);
      await admin(`drop database if exists "${name}" with (force)`);
    },
  };
}

/** Runs one statement on the maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** An open store of `kind` in a place of its own, and how to get rid of it. */
export interface TestStore {
  readonly store: SqlStore;
  /** Opens the same store again (a second process, a restart). */
  reopen(): Promise<SqlStore>;
  /** Closes the store and deletes its database or file. */
  dispose(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  const database = testDatabase(kind);
  const dir = mkdtempSync(join(tmpdir(), "fenqi-store-"));
  const config = { databaseUrl: await database.url(), sqlitePath: join(dir, "store.db") };
  const store = await openStore(config);
  return {
    store,
    reopen: () => openStore(config),
    async dispose() {
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
