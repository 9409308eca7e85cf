import { isValidTimeZone } from "../calendar/instant.js";
import type { Problem } from "../result.js";
import { type FieldReader, readObject } from "../validation/reader.js";

/** Relations an emergency contact may have to the borrower. */
export const relations = [
  "parent",
  "spouse",
  "child",
  "sibling",
  "relative",
  "friend",
  "colleague",
  "other",
] as const;
export type Relation = (typeof relations)[number];

export interface EmergencyContactInput {
  readonly id: string;
  readonly relation: Relation;
  readonly phone: string;
}

/** A borrower as a scenario or the API describes one. Phone and e-mail are personal data: never logged, never in an error. */
export interface BorrowerInput {
  readonly id: string;
  readonly timeZone: string;
  readonly name: string | undefined;
  readonly phone: string | undefined;
  readonly email: string | undefined;
  readonly emergencyContacts: readonly EmergencyContactInput[];
}

export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A name: 1 to 100 characters, no control characters. */
const namePattern = /^[^\p{Cc}]{1,100}$/u;
/** E.164: a plus sign and 7 to 15 digits. */
const phonePattern = /^\+[1-9][0-9]{6,14}$/;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;
/** A borrower registers at most this many emergency contacts. */
export const emergencyContactsMax = 5;

/*
 * One reader per personal-data field of the borrower, by the rule registration checks it with; a
 * correction (src/domain/privacy/correction.ts) reads its new values with the same readers. A bad
 * value records a problem naming the field and the rule, never the value, and reads as "" (the
 * caller fails on any problem).
 */

/**
 * Reads the `name` field: 1 to 100 characters, no control characters.
 *
 * @example
 * const r = new FieldReader({ name: "李四" }, "", problems);
 * readName(r); // "李四"
 */
export function readName(r: FieldReader): string {
  return r.string("name", namePattern);
}

/** Reads the `phone` field: E.164 (`+8613811112222`). */
export function readPhone(r: FieldReader): string {
  return r.string("phone", phonePattern);
}

/** Reads the `email` field: one `@`, a dotted domain, no white space. */
export function readEmail(r: FieldReader): string {
  return r.string("email", emailPattern);
}

/**
 * Validates one borrower. Messages name the field and the rule, never the value, because the
 * value is personal data (DESIGN.md "Privacy").
 */
export function readBorrower(
  raw: unknown,
  path: string,
  problems: Problem[],
): BorrowerInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const timeZone = r.string("timezone", /^[A-Za-z_+\-/0-9]{1,64}$/);
  if (timeZone !== "" && !isValidTimeZone(timeZone)) {
    r.problem("borrower.timezone", "timezone", `${r.field("timezone")} is not an IANA time zone`);
  }
  const borrower: BorrowerInput = {
    id: r.string("id", idPattern),
    timeZone,
    name: r.has("name") ? readName(r) : undefined,
    phone: r.has("phone") ? readPhone(r) : undefined,
    email: r.has("email") ? readEmail(r) : undefined,
    emergencyContacts: r.array("emergencyContacts", (e, p) => readContact(e, p, problems), []),
  };
  if (borrower.emergencyContacts.length > emergencyContactsMax) {
    r.problem(
      "borrower.contacts",
      "emergencyContacts",
      `${r.field("emergencyContacts")} holds at most ${emergencyContactsMax}`,
    );
  }
  const ids = borrower.emergencyContacts.map((c) => c.id);
  if (new Set(ids).size !== ids.length) {
    r.problem(
      "borrower.contact_id",
      "emergencyContacts",
      `${r.field("emergencyContacts")} repeats a contact id`,
    );
  }
  r.rejectUnknown();
  return borrower;
}

function readContact(
  raw: unknown,
  path: string,
  problems: Problem[],
): EmergencyContactInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const contact = {
    id: r.string("id", idPattern),
    relation: r.choice("relation", relations),
    phone: readPhone(r),
  };
  r.rejectUnknown();
  return contact;
}
