import { createHash } from "node:crypto";
import type { JournalEntry } from "../../src/domain/ledger/journal.js";
import type { InstallmentState, LoanState } from "../../src/domain/loan/loan.js";
import type {
  AuditLeaf,
  BorrowerRecord,
  OperationRecord,
  ProductRecord,
} from "../../src/ports/store.js";

/**
 * Records for the store contract suite. Amounts above 2^53 appear on purpose: a double anywhere
 * between the domain and the table would round them, and the suite would see it.
 */

/** 2026-01-10T02:00:00Z: the instant of every fixture. */
export const at = Date.UTC(2026, 0, 10, 2);
export const big = 2n ** 60n;

/** Resolves for everyone once `parties` callers are waiting. */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return open;
  };
}

/** The RFC 6962 leaf hash recomputed here independently: SHA-256(0x00 ‖ sorted-key JSON). */
export function expectedLeafHash(leaf: AuditLeaf): string {
  const sortKeys = (value: unknown): unknown =>
    value !== null && typeof value === "object"
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        )
      : value;
  const { seq, at, kind, subject, data } = leaf;
  const json = JSON.stringify(sortKeys({ seq, at, kind, subject, data }));
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(json, "utf8")]))
    .digest("hex");
}

export function productRecord(id: string): ProductRecord {
  return {
    id,
    jurisdiction: "CN",
    definition: {
      id,
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3, 12],
      nested: { a: null },
    },
    createdAt: at,
  };
}

export function borrowerRecord(id: string): BorrowerRecord {
  return {
    id,
    timeZone: "Asia/Shanghai",
    masterKeyId: "mk-1",
    wrappedDataKey: `wrapped-${id}`,
    sealed: `sealed-${id}`,
    phoneHash: `ph-${id}`,
    emailHash: `em-${id}`,
    // Deliberately not in id order: the store keeps the order given.
    contacts: [
      { contactId: "ec-z", relation: "parent", sealedPhone: "sp-z", phoneHash: `cph-z-${id}` },
      { contactId: "ec-a", relation: "spouse", sealedPhone: "sp-a", phoneHash: `cph-a-${id}` },
    ],
    createdAt: at,
  };
}

export function installment(n: number): InstallmentState {
  return {
    n,
    due: `2026-${String(n + 1).padStart(2, "0")}-10`,
    principal: 100_000n,
    interest: 1_234n,
    fee: 600n,
    charged: false,
    // Above 2^53, so a double anywhere on the way would show.
    late: n === 2 ? big + 1n : 0n,
    lateFeeCharged: n === 2,
    paid: { late: 0n, fee: 0n, interest: 0n, principal: 0n },
  };
}

export function loanState(
  id: string,
  borrowerId: string,
  productId: string,
  count: number,
): LoanState {
  return {
    id,
    borrowerId,
    productId,
    orderId: `order-${id}`,
    currency: "CNY",
    principal: BigInt(count) * 100_000n,
    origination: "2026-01-10",
    status: "open",
    installments: Array.from({ length: count }, (_, k) => installment(k + 1)),
    principalReduced: 0n,
    credit: 0n,
    installmentCount: 4,
    apr: "12.34",
    ear: "13.45",
    delinquency: {
      closedThrough: "2026-01-09",
      dpd: 0,
      bucket: "current",
      principalDays: 0n,
      lateClamped: 0n,
      reported: false,
    },
    version: 1,
  };
}

/** A balanced two-leg entry under `prefix`: cash debited, receivable credited. */
export function entry(loanId: string, prefix: string, amount: bigint): JournalEntry {
  return {
    loanId,
    kind: "payment",
    date: "2026-02-10",
    postings: [
      { account: `${prefix}cash`, amount },
      { account: `${prefix}receivable`, amount: -amount },
    ],
  };
}

export function idempotencyRecord(key: string) {
  return { scope: "test", key, requestHash: `rh-${key}`, response: `{"ok":true}`, createdAt: at };
}

export function operationRecord(
  id: string,
  loanId: string,
  when: number,
  idempotencyKey: string | undefined,
): OperationRecord {
  return {
    id,
    loanId,
    kind: "payment",
    amount: big + 3n,
    businessDate: "2026-02-10",
    at: when,
    allocated: { late: 1n, fee: 2n, interest: 3n, principal: big - 6n, credit: 3n },
    idempotencyKey,
  };
}
