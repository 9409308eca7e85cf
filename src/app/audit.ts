import type { AuditLeaf, StoreTx } from "../ports/store.js";

type AuditData = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Appends one leaf to the audit log in the caller's transaction. Callers pass ids, amounts as
 * decimal strings and rule ids — never personal data (DESIGN.md "Audit").
 */
export function audit(
  tx: StoreTx,
  at: number,
  kind: string,
  subject: string,
  data: AuditData,
): Promise<AuditLeaf> {
  return tx.audit.append({ at, kind, subject, data });
}
