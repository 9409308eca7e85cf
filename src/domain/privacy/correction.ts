import { readEmail, readName, readPhone } from "../borrower/borrower-input.js";
import type { Problem } from "../result.js";
import { FieldReader, isRawObject } from "../validation/reader.js";
import { type CorrectableField, correctableFields } from "./requests.js";

/** A correction request's new values: at least one of name, phone, e-mail. Personal data. */
export type CorrectionInput = Partial<Record<CorrectableField, string>>;

/** The borrower's own reader of each correctable field: a field added without one does not compile. */
const fieldReaders: Readonly<Record<CorrectableField, (r: FieldReader) => string>> = {
  name: readName,
  phone: readPhone,
  email: readEmail,
};

/**
 * Reads a correction with the borrower's own rules for each field (a name of 1–100 characters,
 * an E.164 phone, an e-mail); messages name the field, never the value.
 */
export function readCorrection(raw: unknown, problems: Problem[]): CorrectionInput | undefined {
  if (!isRawObject(raw)) {
    problems.push({ code: "field.type", field: "", message: "a correction is an object" });
    return undefined;
  }
  const keys = Object.keys(raw);
  const allowed: readonly string[] = correctableFields;
  for (const key of keys.filter((k) => !allowed.includes(k)))
    problems.push({ code: "field.unknown", field: key, message: `${key} cannot be corrected` });
  if (keys.length === 0)
    problems.push({
      code: "field.required",
      field: "",
      message: "name at least one of name, phone, email",
    });
  if (problems.length > 0) return undefined;
  const r = new FieldReader(raw, "", problems);
  const out: CorrectionInput = {};
  // Every field named is read, so one named without a value is refused as missing.
  for (const field of correctableFields.filter((f) => keys.includes(f)))
    out[field] = fieldReaders[field](r);
  return problems.length > 0 ? undefined : out;
}
