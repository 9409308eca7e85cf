import { type BorrowerInput, readBorrower } from "../domain/borrower/borrower-input.js";
import { maskEmail, maskName, maskPhone } from "../domain/borrower/mask.js";
import { erasedMarker, isErasedKey } from "../domain/privacy/erasure.js";
import type { Problem } from "../domain/result.js";
import type { BorrowerRecord, Page, ResealedBorrower } from "../ports/store.js";
import { pageSizeMax } from "../ports/store.js";
import { audit } from "./audit.js";
import type { AppContext } from "./context.js";
import { AppAbort, type AppResult, appFail, invalid } from "./errors.js";
import { transact } from "./transact.js";

/** The personal data of a borrower, sealed as one document under their data key. */
export interface Profile {
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}

/** What staff and service clients see: personal data masked. */
export interface BorrowerView {
  readonly id: string;
  readonly timezone: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly emergencyContacts: readonly { id: string; relation: string; phone: string }[];
}

const profileAad = (id: string) => `borrower:${id}:profile`;
const contactAad = (id: string, contactId: string) => `borrower:${id}:contact:${contactId}`;

/**
 * Registers a borrower. Personal data is sealed before it reaches the store (AES-256-GCM under a
 * fresh per-borrower data key wrapped by the master key); phone and e-mail are findable only
 * through keyed hashes. The audit leaf holds the id alone.
 */
export async function registerBorrower(
  ctx: AppContext,
  raw: unknown,
): Promise<AppResult<BorrowerView>> {
  const problems: Problem[] = [];
  const input = readBorrower(raw, "", problems);
  if (!input || problems.length) return invalid(problems);
  const record = sealBorrower(ctx, input);
  return transact(ctx, async (tx) => {
    if (!(await tx.borrowers.insert(record)))
      throw new AppAbort({
        code: "already_exists",
        message: `borrower ${input.id} exists already`,
      });
    await audit(tx, record.createdAt, "borrower.registered", input.id, {
      contacts: input.emergencyContacts.length,
    });
    return viewOf(ctx, record);
  });
}

export async function getBorrower(ctx: AppContext, id: string): Promise<AppResult<BorrowerView>> {
  const record = await ctx.store.transaction((tx) => tx.borrowers.get(id));
  return record
    ? { ok: true, value: viewOf(ctx, record) }
    : appFail("not_found", `no borrower ${id}`);
}

export async function listBorrowers(ctx: AppContext, page: Page): Promise<BorrowerView[]> {
  const records = await ctx.store.transaction((tx) =>
    tx.borrowers.list({ ...page, limit: Math.min(page.limit, pageSizeMax) }),
  );
  return records.map((r) => viewOf(ctx, r));
}

/** Seals a validated borrower into its stored form. */
export function sealBorrower(ctx: AppContext, input: BorrowerInput): BorrowerRecord {
  const { masterKeyId, wrappedDataKey, dataKey } = ctx.keyring.newDataKey();
  const profile: Profile = { name: input.name, phone: input.phone, email: input.email };
  return {
    id: input.id,
    timeZone: input.timeZone,
    masterKeyId,
    wrappedDataKey,
    sealed: ctx.keyring.seal(dataKey, JSON.stringify(profile), profileAad(input.id)),
    phoneHash: input.phone ? ctx.keyring.lookupHash("phone", input.phone) : undefined,
    emailHash: input.email ? ctx.keyring.lookupHash("email", input.email.toLowerCase()) : undefined,
    contacts: input.emergencyContacts.map((c) => ({
      contactId: c.id,
      relation: c.relation,
      sealedPhone: ctx.keyring.seal(dataKey, c.phone, contactAad(input.id, c.id)),
      phoneHash: ctx.keyring.lookupHash("phone", c.phone),
    })),
    createdAt: ctx.clock.now(),
  };
}

/** Whether the borrower's data key was destroyed (crypto-shredding): nothing of theirs opens. */
export function isErased(record: BorrowerRecord): boolean {
  return isErasedKey(record.masterKeyId, record.wrappedDataKey);
}

/** Opens the sealed data and masks it: the plain values never leave this function. */
function viewOf(ctx: AppContext, record: BorrowerRecord): BorrowerView {
  if (isErased(record))
    return {
      id: record.id,
      timezone: record.timeZone,
      name: erasedMarker,
      phone: erasedMarker,
      email: erasedMarker,
      emergencyContacts: record.contacts.map((c) => ({
        id: c.contactId,
        relation: c.relation,
        phone: erasedMarker,
      })),
    };
  const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
  const profile = JSON.parse(
    ctx.keyring.open(dataKey, record.sealed, profileAad(record.id)),
  ) as Profile;
  return {
    id: record.id,
    timezone: record.timeZone,
    name: profile.name ? maskName(profile.name) : null,
    phone: profile.phone ? maskPhone(profile.phone) : null,
    email: profile.email ? maskEmail(profile.email) : null,
    emergencyContacts: record.contacts.map((c) => ({
      id: c.contactId,
      relation: c.relation,
      phone: maskPhone(
        ctx.keyring.open(dataKey, c.sealedPhone, contactAad(record.id, c.contactId)),
      ),
    })),
  };
}

/** A borrower's personal data in plain text, for sending a message; it must never be logged or stored. */
export interface OpenedBorrower {
  readonly name: string | undefined;
  readonly phone: string | undefined;
  readonly email: string | undefined;
  readonly contactPhones: ReadonlyMap<string, string>;
}

/** Opens a borrower's personal data; an erased borrower has none (no address, no name). */
export function openBorrower(ctx: AppContext, record: BorrowerRecord): OpenedBorrower {
  if (isErased(record))
    return { name: undefined, phone: undefined, email: undefined, contactPhones: new Map() };
  const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
  const profile = JSON.parse(
    ctx.keyring.open(dataKey, record.sealed, profileAad(record.id)),
  ) as Profile;
  return {
    name: profile.name,
    phone: profile.phone,
    email: profile.email,
    contactPhones: new Map(
      record.contacts.map((c) => [
        c.contactId,
        ctx.keyring.open(dataKey, c.sealedPhone, contactAad(record.id, c.contactId)),
      ]),
    ),
  };
}

/** Seals text about a borrower (an inbox message, a letter) under their data key. */
export function sealForBorrower(
  ctx: AppContext,
  record: BorrowerRecord,
  text: string,
  purpose: string,
): string {
  const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
  return ctx.keyring.seal(dataKey, text, `borrower:${record.id}:${purpose}`);
}

export function openForBorrower(
  ctx: AppContext,
  record: BorrowerRecord,
  sealed: string,
  purpose: string,
): string {
  if (isErased(record)) return erasedMarker;
  const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
  return ctx.keyring.open(dataKey, sealed, `borrower:${record.id}:${purpose}`);
}

/**
 * A borrower's profile sealed again with `changes` applied (a correction), under the same data
 * key, with the lookup hashes of the new values. A value set to `undefined` is removed.
 */
export function resealBorrower(
  ctx: AppContext,
  record: BorrowerRecord,
  changes: Partial<Profile>,
): ResealedBorrower {
  const opened = openBorrower(ctx, record);
  const profile: Profile = {
    name: "name" in changes ? changes.name : opened.name,
    phone: "phone" in changes ? changes.phone : opened.phone,
    email: "email" in changes ? changes.email : opened.email,
  };
  const dataKey = ctx.keyring.unwrapDataKey(record.masterKeyId, record.wrappedDataKey);
  return {
    sealed: ctx.keyring.seal(dataKey, JSON.stringify(profile), profileAad(record.id)),
    phoneHash: profile.phone ? ctx.keyring.lookupHash("phone", profile.phone) : undefined,
    emailHash: profile.email
      ? ctx.keyring.lookupHash("email", profile.email.toLowerCase())
      : undefined,
  };
}
