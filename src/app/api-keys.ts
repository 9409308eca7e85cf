import type { ApiKeyRecord } from "../ports/store.js";
import { audit } from "./audit.js";
import type { AppContext } from "./context.js";
import { type AppResult, appOk, invalid } from "./errors.js";
import { transact } from "./transact.js";

/** A service client of the API (the mall's checkout), as authenticated. */
export interface ServiceClient {
  readonly id: string;
  readonly name: string;
}

const secretPrefix = "fq_";
const namePattern = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/**
 * Creates an API key and returns its secret once: only the secret's SHA-256 is stored, so a
 * leaked database does not leak working keys.
 */
export async function createApiKey(
  ctx: AppContext,
  name: string,
  secret: string,
): Promise<AppResult<{ client: ServiceClient; secret: string }>> {
  if (!namePattern.test(name)) {
    const problem = {
      code: "field.format",
      field: "NAME",
      message: `NAME must match ${namePattern.source}`,
    };
    return invalid([problem]);
  }
  const full = `${secretPrefix}${secret}`;
  const record: ApiKeyRecord = {
    id: ctx.ids.next("key"),
    name,
    secretHash: ctx.keyring.digest(full),
    createdAt: ctx.clock.now(),
    revokedAt: undefined,
  };
  return transact(ctx, async (tx) => {
    await tx.apiKeys.insert(record);
    await audit(tx, record.createdAt, "api_key.created", record.id, { name });
    return { client: { id: record.id, name }, secret: full };
  });
}

/** The client a bearer secret belongs to, or undefined (unknown or revoked). */
export async function authenticate(
  ctx: AppContext,
  secret: string,
): Promise<ServiceClient | undefined> {
  if (!secret.startsWith(secretPrefix)) return undefined;
  const record = await ctx.store.transaction((tx) =>
    tx.apiKeys.findBySecretHash(ctx.keyring.digest(secret)),
  );
  if (!record || record.revokedAt !== undefined) return undefined;
  return { id: record.id, name: record.name };
}

/** Records a failed authentication on the audit log (DESIGN.md: failed logins are leaves). */
export async function recordFailedAuthentication(
  ctx: AppContext,
  route: string,
): Promise<AppResult<void>> {
  await ctx.store.transaction((tx) =>
    audit(tx, ctx.clock.now(), "auth.failed", "api", { route }).then(() => undefined),
  );
  return appOk(undefined);
}
