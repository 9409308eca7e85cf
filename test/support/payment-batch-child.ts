/**
 * A child process for the crash-safety test: posts a batch of payments through the payment use
 * case, one line on stdout after each commit, so the parent can kill it (SIGKILL) at any point
 * and run it again with the same batch and keys.
 *
 * argv: JSON { databaseUrl?, sqlitePath, keyFile, loanId, payments: [{ key, amount, at }] }
 */
import { pay } from "../../src/app/loans/loans.js";
import { openApp } from "../../src/cli/compose.js";

interface Batch {
  readonly databaseUrl?: string;
  readonly sqlitePath: string;
  readonly keyFile: string;
  readonly loanId: string;
  readonly payments: readonly { key: string; amount: string; at: string }[];
}

const batch = JSON.parse(process.argv[2] ?? "{}") as Batch;
const ctx = await openApp({
  databaseUrl: batch.databaseUrl,
  sqlitePath: batch.sqlitePath,
  keyFile: batch.keyFile,
});
for (const payment of batch.payments) {
  const result = await pay(
    ctx,
    batch.loanId,
    { amount: payment.amount, at: payment.at },
    { scope: "crash-test", key: payment.key },
  );
  if (!result.ok) {
    process.stderr.write(`payment ${payment.key} refused: ${result.error.code}\n`);
    process.exit(3);
  }
  process.stdout.write(`posted ${payment.key}\n`);
}
await ctx.store.close();
process.stdout.write("done\n");
