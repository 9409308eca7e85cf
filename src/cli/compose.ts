import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { createSmsHttpSender, smsConfigFromEnv } from "../adapters/channels/sms-http-sender.js";
import { createSmtpSender, smtpConfigFromEnv } from "../adapters/channels/smtp-sender.js";
import { IcuMessageRenderer } from "../adapters/channels/templates/icu-renderer.js";
import { keyFileRefresher, loadKeyMaterial } from "../adapters/crypto/key-file.js";
import { createKeyring } from "../adapters/crypto/keyring.js";
import { createScryptPasswords } from "../adapters/crypto/scrypt-passwords.js";
import {
  type CloseQueueTiming,
  closeQueueTimingDefault,
  PgBossCloseQueue,
} from "../adapters/jobs/pg-boss-close-queue.js";
import { openStore } from "../adapters/store/open-store.js";
import type { Dispatch } from "../app/contacts/dispatch.js";
import { recordedStrategy } from "../app/contacts/plan-contacts.js";
import type { AppContext } from "../app/context.js";
import { CN1 } from "../domain/jurisdiction/packs.js";
import type { Channel } from "../domain/policy/attempt.js";
import type { HouseRuleSet } from "../domain/policy/house-rules-file.js";
import { type ContactRunnerOptions, contactPollMsDefault } from "../jobs/contact-runner.js";
import type { ChannelSender } from "../ports/channel.js";
import type { CloseQueue } from "../ports/close-queue.js";
import type { Clock, IdSource } from "../ports/keyring.js";

/** Where fenqi keeps its state: PostgreSQL when `DATABASE_URL` is set, else SQLite in `FENQI_DB` (default ./fenqi.db). */
export interface Configuration {
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  /** The key file, beside the SQLite file unless `FENQI_KEY_FILE` says otherwise. */
  readonly keyFile: string;
  /**
   * The lender's house rules, read and checked from `FENQI_HOUSE_RULES` by the commands that
   * judge contacts (src/cli/house-rules-setting.ts) before anything is opened; none: bare packs.
   */
  readonly houseRules?: HouseRuleSet | undefined;
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
  const material = loadKeyMaterial(config.keyFile);
  const refresh = keyFileRefresher(config.keyFile);
  const keyring = createKeyring(material, refresh ? { refresh } : {});
  const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
  return {
    store,
    keyring,
    clock: overrides.clock ?? systemClock,
    ids: overrides.ids ?? randomIds,
    passwords: createScryptPasswords(),
    houseRules: config.houseRules,
  };
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

/**
 * The dispatcher's channels, from the environment: e-mail through SMTP when `SMTP_URL` is set
 * (`SMTP_FROM` for the sender), SMS through the provider at `SMS_URL` (`SMS_TOKEN`); in-app
 * messages, letters and call tasks need nothing. A channel that is not configured keeps its
 * messages pending (retried with backoff, then `failed`), never silently dropped. The lender's
 * identity — the only thing a third party is told — is `FENQI_LENDER_NAME`,
 * `FENQI_CALLBACK_NUMBER` and `FENQI_OPT_OUT_URL`.
 */
export function openDispatch(env: NodeJS.ProcessEnv): Dispatch {
  const senders = new Map<Channel, ChannelSender>();
  if (env.SMTP_URL)
    senders.set("email", createSmtpSender({ ...smtpConfigFromEnv(env), pool: true }));
  if (env.SMS_URL) senders.set("sms", createSmsHttpSender(smsConfigFromEnv(env)));
  return {
    senders,
    renderer: new IcuMessageRenderer(),
    lender: {
      name: env.FENQI_LENDER_NAME || "fenqi",
      callbackNumber: env.FENQI_CALLBACK_NUMBER || "400-000-0000",
      optOutUrl: env.FENQI_OPT_OUT_URL || "https://fenqi.local/opt-out",
    },
  };
}

export async function closeDispatch(dispatch: Dispatch): Promise<void> {
  for (const sender of dispatch.senders.values()) await sender.close();
}

/** The contact runner's settings: `FENQI_STRATEGY` (`default` or `off`), `FENQI_CONTACT_POLL_SECONDS`. */
export function contactRunnerOptions(
  env: NodeJS.ProcessEnv,
  dispatch: Dispatch,
  report: (line: string) => void,
): ContactRunnerOptions {
  const seconds = Number(env.FENQI_CONTACT_POLL_SECONDS);
  return {
    strategy: env.FENQI_STRATEGY === "off" ? undefined : recordedStrategy,
    dispatch,
    timeZone: CN1.timeZone,
    pollMs:
      env.FENQI_CONTACT_POLL_SECONDS && Number.isFinite(seconds) && seconds > 0
        ? Math.ceil(seconds * 1000)
        : contactPollMsDefault,
    report,
  };
}
