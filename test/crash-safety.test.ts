import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { originate } from "../src/app/loans/loans.js";
import { loanLedgerMismatches } from "../src/app/loans/verify-ledger.js";
import { createProduct } from "../src/app/products.js";
import { openApp } from "../src/cli/compose.js";
import { repoRoot } from "./support/run-cli.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/** Payments in the batch: enough that a random kill lands mid-batch. */
const batchSize = 40;
const childTimeoutMs = 60_000;

interface Child {
  readonly posted: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the batch child; kills it with SIGKILL once it has posted `killAfter` payments (if given). */
function runChild(batch: object, killAfter?: number): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "test/support/payment-batch-child.ts"),
        JSON.stringify(batch),
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const posted: string[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), childTimeoutMs);
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("posted ")) posted.push(line.slice(7));
        if (killAfter !== undefined && posted.length >= killAfter) child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ posted, code, signal });
    });
  });
}

describe.each(storeKinds)("crash safety on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-crash-"));
  const db = testDatabase(kind);
  afterAll(() => db.drop());

  it("posts every payment exactly once after a SIGKILL and a re-run with the same keys", async () => {
    const config = {
      databaseUrl: await db.url(),
      sqlitePath: join(dir, "crash.db"),
      keyFile: join(dir, "crash.key"),
    };
    const ctx = await openApp(config);
    const loanId = await (async () => {
      expect(
        (
          await createProduct(ctx, {
            id: "flat",
            method: "flat_fee",
            periodFeeRate: "0.006",
            installments: [12],
          })
        ).ok,
      ).toBe(true);
      expect(
        (
          await registerBorrower(ctx, {
            id: "b1",
            timezone: "Asia/Shanghai",
            phone: "+8613800000009",
          })
        ).ok,
      ).toBe(true);
      const loan = await originate(ctx, {
        orderId: "order-1",
        borrowerId: "b1",
        productId: "flat",
        principal: "60000.00",
        installments: 12,
        date: "2026-01-10",
      });
      if (!loan.ok) throw new Error(loan.error.message);
      return loan.value.loan.id;
    })();
    await ctx.store.close();

    const payments = Array.from({ length: batchSize }, (_, i) => ({
      key: `crash-${i}`,
      amount: `${(i % 7) + 1}0.${String(i).padStart(2, "0")}`,
      at: "2026-02-10T02:00:00Z",
    }));
    const batch = { ...config, loanId, payments };
    const killAfter = 1 + Math.floor(Math.random() * (batchSize - 2));
    const first = await runChild(batch, killAfter);
    expect(first.signal).toBe("SIGKILL");
    const second = await runChild(batch);
    expect(second.code).toBe(0);

    const check = await openApp(config);
    try {
      const operations = await check.store.transaction((tx) => tx.operations.listByLoan(loanId));
      const keys = operations.map((o) => o.idempotencyKey).sort();
      expect(keys).toEqual(payments.map((p) => p.key).sort());
      const received = operations.reduce((sum, o) => sum + o.amount, 0n);
      const expected = payments.reduce((sum, p) => sum + BigInt(p.amount.replace(".", "")), 0n);
      expect(received).toBe(expected);
      expect(await check.store.transaction((tx) => tx.ledger.total())).toBe(0n);
      expect(await loanLedgerMismatches(check, loanId)).toEqual([]);
    } finally {
      await check.store.close();
    }
  });
});
