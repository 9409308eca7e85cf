import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { loadKeyMaterial } from "../adapters/crypto/key-file.js";
import { createKeyring } from "../adapters/crypto/keyring.js";
import {
  type CloseQueueTiming,
  closeQueueTimingDefault,
  PgBossCloseQueue,
} from "../adapters/jobs/pg-boss-close-queue.js";
import { openStore } from "../adapters/store/open-store.js";
import type { AppContext } from "../app/context.js";
import type { CloseQueue } from "../ports/close-queue.js";
import type { Clock, IdSource } from "../ports/keyring.js";

/** Where fenqi keeps its state: PostgreSQL when `DATABASE_URL` is set, else SQLite in `FENQI_DB` (default ./fenqi.db). */
export interface Configuration {
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  /** The key file, beside the SQLite file unless `FENQI_KEY_FILE` says otherwise. */
  readonly keyFile: string;
}

export function configurationFrom(env: NodeJS.ProcessEnv): Configuration {
  const sqlitePath = resolve(env.FENQI_DB ?? "fenqi.db");
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    sqlitePath,
    keyFile: resolve(env.FENQI_KEY_FILE ?? join(dirname(sqlitePath), "fenqi.key")),
  };
}

export const systemClock: Clock = { now: () => Date.now() };

/** Random ids: a prefix and 16 bytes of base32-like hex, unguessable and sortable by nothing. */
export const randomIds: IdSource = {
  next: (prefix) => `${prefix}_${randomBytes(10).toString("hex")}`,
};

/** The composition root: builds the adapters and hands them to the use cases. */
export async function openApp(
  config: Configuration,
  overrides: Partial<Pick<AppContext, "clock" | "ids">> = {},
): Promise<AppContext> {
  const keyring = createKeyring(loadKeyMaterial(config.keyFile));
  const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
  return { store, keyring, clock: overrides.clock ?? systemClock, ids: overrides.ids ?? randomIds };
}

/** A new API key secret: 32 random bytes, base64url. */
export function newApiSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The queue of daily-close partitions on the PostgreSQL database. Its timing comes from the
 * defaults, each overridable (in seconds) for operations and tests: FENQI_CLOSE_EXPIRE_SECONDS
 * (how long before a silent worker's partition is retried), FENQI_CLOSE_RETRY_DELAY_SECONDS,
 * FENQI_CLOSE_MAINTENANCE_SECONDS and FENQI_CLOSE_POLL_SECONDS.
 */
export function openCloseQueue(databaseUrl: string, env: NodeJS.ProcessEnv): Promise<CloseQueue> {
  return PgBossCloseQueue.open(databaseUrl, closeQueueTimingFrom(env));
}

export function closeQueueTimingFrom(env: NodeJS.ProcessEnv): CloseQueueTiming {
  const seconds = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const d = closeQueueTimingDefault;
  return {
    retryLimit: d.retryLimit,
    expireInSeconds: Math.ceil(seconds("FENQI_CLOSE_EXPIRE_SECONDS", d.expireInSeconds)),
    retryDelaySeconds: Math.ceil(seconds("FENQI_CLOSE_RETRY_DELAY_SECONDS", d.retryDelaySeconds)),
    maintenanceIntervalSeconds: Math.ceil(
      seconds("FENQI_CLOSE_MAINTENANCE_SECONDS", d.maintenanceIntervalSeconds),
    ),
    pollingIntervalSeconds: Math.max(
      0.5,
      seconds("FENQI_CLOSE_POLL_SECONDS", d.pollingIntervalSeconds),
    ),
  };
}
