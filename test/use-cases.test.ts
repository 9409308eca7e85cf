import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import type { AppContext } from "../src/app/context.js";
import {
  getLoan,
  originate,
  pay,
  refund,
  settle,
  settlementQuote,
} from "../src/app/loans/loans.js";
import { loanLedgerMismatches } from "../src/app/loans/verify-ledger.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/** A clock fixed at 2026-03-01T04:00:00Z (noon in Shanghai), so business dates are known. */
const now = Date.UTC(2026, 2, 1, 4);

describe.each(storeKinds)("servicing use cases on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-usecases-"));
  const db = testDatabase(kind);
  let ctx: AppContext;
  let counter = 0;

  beforeAll(async () => {
    ctx = await openApp(
      { databaseUrl: await db.url(), sqlitePath: join(dir, "uc.db"), keyFile: join(dir, "uc.key") },
      { clock: { now: () => now }, ids: { next: (p) => `${p}_${++counter}` } },
    );
    expect(
      (
        await createProduct(ctx, {
          id: "flat",
          method: "flat_fee",
          periodFeeRate: "0.006",
          installments: [3, 12],
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await createProduct(ctx, {
          id: "loan10",
          method: "equal_installment",
          annualRate: "0.10",
          installments: [4],
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await registerBorrower(ctx, {
          id: "b1",
          timezone: "Asia/Shanghai",
          phone: "+8613800000001",
        })
      ).ok,
    ).toBe(true);
  });
  afterAll(async () => {
    await ctx.store.close();
    await db.drop();
  });

  async function newLoan(
    order: string,
    productId = "flat",
    principal = "6000.00",
    installments = 12,
    date = "2026-01-10",
  ) {
    const r = await originate(ctx, {
      orderId: order,
      borrowerId: "b1",
      productId,
      principal,
      installments,
      date,
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it("originates once per order: same terms replay, other terms conflict", async () => {
    const first = await newLoan("o-1");
    expect(first).toMatchObject({ replayed: false, apr: "13.03", ear: "13.84" });
    expect(first.loan.installments).toHaveLength(12);
    const again = await newLoan("o-1");
    expect(again.replayed).toBe(true);
    expect(again.loan.id).toBe(first.loan.id);
    const other = await originate(ctx, {
      orderId: "o-1",
      borrowerId: "b1",
      productId: "flat",
      principal: "6001.00",
      installments: 12,
      date: "2026-01-10",
    });
    expect(other.ok ? "" : other.error.code).toBe("conflict");
  });

  it("replays an order without a date, and after a prepayment shortened its term", async () => {
    const first = await newLoan("o-replay", "loan10", "8000.00", 4, "2026-01-10");
    expect(first.loan).toMatchObject({ installmentCount: 4, apr: "10.00", ear: "10.47" });
    const paid = await pay(
      ctx,
      first.loan.id,
      { amount: "7000.00", at: "2026-02-10T01:00:00Z" },
      { scope: "s", key: "pre" },
    );
    expect(paid.ok && paid.value.loan.installments.length).toBeLessThan(4);
    const retry = await originate(ctx, {
      orderId: "o-replay",
      borrowerId: "b1",
      productId: "loan10",
      principal: "8000.00",
      installments: 4,
    });
    expect(retry.ok && retry.value).toMatchObject({
      replayed: true,
      apr: "10.00",
      loan: { id: first.loan.id },
    });
  });

  it("refuses bad origination input, naming the field, and writes nothing", async () => {
    const bad = await originate(ctx, {
      orderId: "o-bad",
      borrowerId: "b1",
      productId: "flat",
      principal: "1.234",
      installments: 12,
    });
    expect(bad.ok ? [] : bad.error.problems?.map((p) => p.field)).toEqual(["principal"]);
    const unknown = await originate(ctx, {
      orderId: "o-bad",
      borrowerId: "nobody",
      productId: "flat",
      principal: "100.00",
      installments: 12,
    });
    expect(unknown.ok ? "" : unknown.error.code).toBe("not_found");
    const future = await originate(ctx, {
      orderId: "o-bad",
      borrowerId: "b1",
      productId: "flat",
      principal: "100.00",
      installments: 12,
      date: "2026-03-02",
    });
    expect(future.ok ? "" : future.error.code).toBe("invalid_input");
  });

  it("posts a payment once per idempotency key and refuses the key with another body", async () => {
    const { loan } = await newLoan("o-2");
    const key = { scope: "client:payments", key: "pay-1" };
    const first = await pay(ctx, loan.id, { amount: "536.00", at: "2026-02-10T01:00:00Z" }, key);
    const again = await pay(ctx, loan.id, { amount: "536.00", at: "2026-02-10T01:00:00Z" }, key);
    if (!first.ok || !again.ok) throw new Error("payment refused");
    expect(again.value.replayed).toBe(true);
    expect(again.value.operation.id).toBe(first.value.operation.id);
    expect(first.value.operation.allocated).toEqual({
      late: "0.00",
      fee: "36.00",
      interest: "0.00",
      principal: "500.00",
      credit: "0.00",
    });
    const different = await pay(
      ctx,
      loan.id,
      { amount: "537.00", at: "2026-02-10T01:00:00Z" },
      key,
    );
    expect(different.ok ? "" : different.error.code).toBe("idempotency_conflict");
    const after = await getLoan(ctx, loan.id);
    expect(after.ok && after.value.paid).toEqual({
      late: "0.00",
      fee: "36.00",
      interest: "0.00",
      principal: "500.00",
    });
    expect(await loanLedgerMismatches(ctx, loan.id)).toEqual([]);
  });

  it("changes nothing on a bad amount, a future time or an unknown loan", async () => {
    const { loan } = await newLoan("o-3");
    const before = await getLoan(ctx, loan.id);
    for (const [body, code] of [
      [{ amount: "1.234" }, "invalid_input"],
      [{ amount: "0.00" }, "invalid_input"],
      [{ amount: 10 }, "invalid_input"],
      [{ amount: "10.00", at: "2026-04-01T00:00:00Z" }, "invalid_input"],
      [{ amount: "10.00", at: "2026-01-01T00:00:00Z" }, "invalid_input"],
    ] as const) {
      const r = await pay(ctx, loan.id, body, { scope: "s", key: `bad-${JSON.stringify(body)}` });
      expect(r.ok ? "" : r.error.code).toBe(code);
    }
    expect(await getLoan(ctx, loan.id)).toEqual(before);
    const missing = await pay(ctx, "L_nope", { amount: "1.00" }, { scope: "s", key: "k" });
    expect(missing.ok ? "" : missing.error.code).toBe("not_found");
  });

  it("quotes and settles early with pro-rata interest", async () => {
    const { loan } = await newLoan("o-4", "loan10", "8000.00", 4, "2026-02-14");
    const quote = await settlementQuote(ctx, loan.id, "2026-03-01");
    // 8000.00 × 10 % / 12 × 15 / 28 = 35.714 → 35.71
    expect(quote.ok && quote.value).toMatchObject({
      principal: "8000.00",
      proRataInterest: "35.71",
      total: "8035.71",
    });
    const settled = await settle(ctx, loan.id, {});
    expect(settled.ok && settled.value.loan.status).toBe("settled");
    expect(settled.ok && settled.value.operation.amount).toBe("8035.71");
    const again = await settle(ctx, loan.id, {});
    expect(again.ok ? "" : again.error.code).toBe("loan_not_open");
  });

  it("cancels on a full return before the first due date", async () => {
    const { loan } = await newLoan("o-5", "flat", "1200.00", 3, "2026-02-20");
    const r = await refund(ctx, loan.id, { amount: "1200.00" });
    expect(r.ok && r.value.loan.status).toBe("cancelled");
    expect(r.ok && r.value.loan.charged).toEqual({ interest: "0.00", fee: "0.00", late: "0.00" });
    expect(await loanLedgerMismatches(ctx, loan.id)).toEqual([]);
  });

  it("keeps the whole ledger balanced and the audit log free of personal data", async () => {
    expect(await ctx.store.transaction((tx) => tx.ledger.total())).toBe(0n);
    const leaves = await ctx.store.transaction((tx) => tx.audit.list(0, 1000));
    expect(leaves.length).toBeGreaterThan(5);
    const text = JSON.stringify(leaves);
    expect(text).not.toContain("13800000001");
    const first = leaves[0]?.seq ?? 0;
    expect(leaves.map((l) => l.seq)).toEqual(leaves.map((_, i) => first + i));
  });
});
