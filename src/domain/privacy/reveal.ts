import type { Problem } from "../result.js";

/**
 * Revealing masked personal data to staff (DESIGN.md "Privacy": revealing takes a stated reason
 * and writes an audit record). The reason is a short code or text; it is never logged, and the
 * audit leaf holds only its keyed digest.
 */

/** The longest reason accepted, in characters (STYLE 10). */
export const revealReasonLengthMax = 200;

export type RevealField =
  | { readonly kind: "name" | "phone" | "email" }
  | { readonly kind: "contact"; readonly contactId: string };

const contactField = /^contact:([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export function readRevealField(raw: unknown, problems: Problem[]): RevealField | undefined {
  if (raw === "name" || raw === "phone" || raw === "email") return { kind: raw };
  const match = typeof raw === "string" ? contactField.exec(raw) : null;
  if (match?.[1]) return { kind: "contact", contactId: match[1] };
  problems.push({
    code: "field.choice",
    field: "field",
    message: "field must be name, phone, email or contact:<id>",
  });
  return undefined;
}

/** The reason, trimmed; a problem naming `reason` when it is missing, blank, too long or has control characters. */
export function readRevealReason(raw: unknown, problems: Problem[]): string | undefined {
  const reason = typeof raw === "string" ? raw.trim() : "";
  if (reason.length === 0) {
    problems.push({
      code: "field.required",
      field: "reason",
      message: "a reason is required to reveal personal data",
    });
    return undefined;
  }
  // Characters, not UTF-16 units: a Chinese reason counts as written.
  if ([...reason].length > revealReasonLengthMax || /\p{Cc}/u.test(reason)) {
    problems.push({
      code: "field.format",
      field: "reason",
      message: `reason must be at most ${revealReasonLengthMax} characters of text`,
    });
    return undefined;
  }
  return reason;
}

export function revealFieldName(field: RevealField): string {
  return field.kind === "contact" ? `contact:${field.contactId}` : field.kind;
}
