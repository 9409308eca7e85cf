import { type KeyFileRotation, rotateKeyFile } from "../../adapters/crypto/key-file.js";
import { type RewrapRun, rewrapBatchMax, rewrapDataKeys } from "../../app/privacy/rotate-keys.js";
import { configurationFrom, openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

const usage = "usage: fenqi keys rotate|rewrap [--batch N]";

/**
 * `fenqi keys rotate [--batch N]`: adds a new master key to the key file, makes it current
 * (older keys stay, to unwrap) and re-wraps every borrower's data key under it, N borrowers per
 * transaction (default and most `rewrapBatchMax`), while servers keep running. `fenqi keys
 * rewrap` finishes an interrupted run under the current key without adding another. Prints one
 * progress line per batch on stderr and the totals on stdout.
 */
export async function keysCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  let batchSize = rewrapBatchMax;
  if (rest.length === 2 && rest[0] === "--batch") batchSize = Number(rest[1]);
  const batchOk = Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= rewrapBatchMax;
  if ((action !== "rotate" && action !== "rewrap") || (rest.length !== 0 && rest.length !== 2)) {
    return reportProblems(io, "keys", [{ code: "usage", field: action ?? "", message: usage }]);
  }
  if (!batchOk || (rest.length === 2 && rest[0] !== "--batch")) {
    return reportProblems(io, "keys", [
      { code: "usage", field: "--batch", message: `--batch must be 1..${rewrapBatchMax}` },
    ]);
  }
  if (process.env.FENQI_MASTER_KEY) {
    return reportProblems(io, "keys", [
      {
        code: "keys.env",
        field: "FENQI_MASTER_KEY",
        message: "keys from the environment cannot be rotated: use a key file (FENQI_KEY_FILE)",
      },
    ]);
  }
  const config = configurationFrom(process.env);
  if (action === "rotate") {
    let rotation: KeyFileRotation;
    try {
      rotation = rotateKeyFile(config.keyFile);
    } catch (error) {
      // The messages name the key file and its lock, never a key.
      const message = error instanceof Error ? error.message : "the key file could not be rotated";
      return reportProblems(io, "keys", [
        { code: "keys.rotate", field: "FENQI_KEY_FILE", message },
      ]);
    }
    io.err(`fenqi keys: master key ${rotation.current} is current (was ${rotation.previous})\n`);
  }
  const ctx = await openApp(config);
  try {
    const run = await rewrapDataKeys(ctx, {
      batchSize,
      onBatch: (r: RewrapRun) =>
        io.err(`fenqi keys: batch ${r.batches}: ${r.rewrapped} re-wrapped so far\n`),
    });
    io.out(
      `re-wrapped ${run.rewrapped} data keys under ${run.masterKeyId} in ${run.batches} batches` +
        `${run.skipped ? ` (${run.skipped} changed meanwhile and were left alone)` : ""}\n`,
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}
