/**
 * One partition runner of the PostgreSQL close bench, on its own thread with its own pool, as a
 * `fenqi worker` process would run it: the domain step of its loans uses its own core. It opens
 * its store and says so, closes its range of the bench's date when told to go, and answers with
 * what it closed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openStore } from "../src/adapters/store/open-store.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import type { IdRange } from "../src/ports/store.js";
import { benchContext, benchJurisdiction, closeDate } from "./close.js";

export interface RunnerJob {
  readonly url: string;
  readonly range: IdRange;
  readonly runner: string;
}

export type RunnerMessage =
  | { readonly ready: true }
  | { readonly loans: number; readonly quiet: number }
  | { readonly error: string };

const port = parentPort;
if (!port) throw new Error("close-thread runs as a worker thread");
const job = workerData as RunnerJob;
const store = await openStore({ databaseUrl: job.url });
const ctx = benchContext(store, job.runner);
const say = (message: RunnerMessage) => port.postMessage(message);
port.once("message", async () => {
  try {
    const report = await closeBusinessDay(ctx, closeDate, {
      range: job.range,
      jurisdiction: benchJurisdiction,
    });
    say(
      report.ok
        ? { loans: report.value.loans, quiet: report.value.quiet }
        : { error: report.error.message },
    );
  } catch (error) {
    say({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    await store.close();
  }
});
say({ ready: true });
