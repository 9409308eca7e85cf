import { canonicalJson } from "../domain/crypto/canonical-json.js";

/** Canonical JSON of a value the app built itself: a refusal here is a bug, so it throws. */
export function canonicalText(value: unknown): string {
  const text = canonicalJson(value);
  if (!text.ok) throw new Error(`not canonical JSON at ${text.error.field}: ${text.error.message}`);
  return text.value;
}
