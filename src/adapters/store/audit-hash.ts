import { createHash } from "node:crypto";
import { assert } from "../../domain/result.js";
import type { AuditLeafInput } from "../../ports/store.js";

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (as JavaScript sorts them), no
 * whitespace, strings and numbers as JSON.stringify writes them. The same leaf always gives the
 * same bytes, so anyone holding a leaf can recompute its hash. Non-finite numbers have no JSON
 * form and are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    assert(Number.isFinite(value), "canonical JSON has no form for a non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  assert(typeof value === "object", `canonical JSON has no form for a ${typeof value}`);
  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${entries.join(",")}}`;
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
