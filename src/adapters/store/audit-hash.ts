import { createHash } from "node:crypto";
import { canonicalJson as domainCanonicalJson } from "../../domain/crypto/canonical-json.js";
import { assert } from "../../domain/result.js";
import type { AuditLeafInput } from "../../ports/store.js";

/**
 * Canonical JSON of a leaf's fields: the domain's one definition (sorted keys, no whitespace),
 * so the bytes the store hashes are the bytes an auditor's verifier rebuilds. Leaf data holds
 * only strings, finite numbers, booleans and null, which it always accepts.
 */
export function canonicalJson(value: unknown): string {
  const text = domainCanonicalJson(value);
  assert(text.ok, `an audit leaf has no canonical JSON: ${text.ok ? "" : text.error.message}`);
  return text.value;
}

/** RFC 6962 §2.1 prefixes a leaf with 0x00 (an interior node with 0x01), so a leaf can never pass for a node. */
const leafPrefix = Buffer.from([0x00]);

/** The leaf hash: hex SHA-256(0x00 ‖ canonical JSON of {seq, at, kind, subject, data}). */
export function auditLeafHash(leaf: AuditLeafInput & { readonly seq: number }): string {
  const body = canonicalJson({
    seq: leaf.seq,
    at: leaf.at,
    kind: leaf.kind,
    subject: leaf.subject,
    data: leaf.data,
  });
  return createHash("sha256").update(leafPrefix).update(body, "utf8").digest("hex");
}
