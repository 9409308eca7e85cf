import type { Instant } from "../calendar/instant.js";
import { canonicalJsonUtf8 } from "../crypto/canonical-json.js";
import { assert } from "../result.js";
import { type Hash, leafHash } from "./merkle.js";

/** The fields of an audit leaf that its hash covers (DESIGN.md "Audit"). */
export interface AuditLeafFields {
  readonly seq: number;
  readonly at: Instant;
  readonly kind: string;
  readonly subject: string;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * The bytes a leaf's hash covers: the UTF-8 canonical JSON (sorted keys, no whitespace) of
 * `{seq, at, kind, subject, data}`. The leaf number is inside, so a leaf moved to another place
 * no longer matches its hash. The store writes the same bytes (src/adapters/store/audit-hash.ts),
 * and the audit-log test holds the two to each other.
 */
export function auditLeafBytes(leaf: AuditLeafFields): Uint8Array {
  const { seq, at, kind, subject, data } = leaf;
  const bytes = canonicalJsonUtf8({ seq, at, kind, subject, data });
  assert(bytes.ok, "an audit leaf holds only strings, finite numbers, booleans and null");
  return bytes.value;
}

/** The RFC 6962 leaf hash of an audit leaf: SHA-256(0x00 ‖ auditLeafBytes(leaf)). */
export function auditLeafHash(leaf: AuditLeafFields): Hash {
  return leafHash(auditLeafBytes(leaf));
}
