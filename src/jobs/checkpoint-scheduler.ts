import type { AppContext } from "../app/context.js";
import { issueCheckpoint } from "../app/transparency/checkpoints.js";
import type { CheckpointSigner } from "../ports/signer.js";
import { type RepeatingHandle, startRepeating } from "./repeat.js";

/** How often `fenqi serve` signs a checkpoint unless `FENQI_CHECKPOINT_MINUTES` says otherwise. */
export const defaultCheckpointMinutes = 60;
/** The longest interval accepted: a week. Checkpoints are what auditors hold us to; rarer is no log. */
export const checkpointMinutesMax = 7 * 24 * 60;

/** `FENQI_CHECKPOINT_MINUTES`: whole minutes from 1 to a week, or "off"; undefined when neither. */
export function parseCheckpointMinutes(text: string): number | "off" | undefined {
  if (text === "off") return "off";
  if (!/^[1-9][0-9]{0,5}$/.test(text)) return undefined;
  const minutes = Number(text);
  return minutes <= checkpointMinutesMax ? minutes : undefined;
}

export type CheckpointSchedulerHandle = RepeatingHandle;

/**
 * Signs a checkpoint of the audit log at start and then every `intervalMs` (DESIGN.md "Audit":
 * "signed checkpoints are issued periodically"), inside `fenqi serve`. A run whose log has not
 * grown since the latest checkpoint issues nothing: an identical tree head adds no evidence. A
 * failure (a gap in the log, a store error) is reported and tried again at the next run;
 * `fenqi audit verify` names the cause. Runs never overlap (`startRepeating`).
 */
export function startCheckpointScheduler(
  ctx: AppContext,
  signer: CheckpointSigner,
  intervalMs: number,
  report: (line: string) => void,
): CheckpointSchedulerHandle {
  return startRepeating(
    async () => {
      const { leaves, latest } = await ctx.store.transaction(async (tx) => ({
        leaves: await tx.audit.count(),
        latest: await tx.checkpoints.latest(),
      }));
      if (latest !== undefined && latest.treeSize === leaves) return;
      const issued = await issueCheckpoint(ctx, signer);
      report(
        issued.ok
          ? `checkpoint ${issued.value.seq}: size ${issued.value.treeSize}`
          : `checkpoint refused: ${issued.error.code}; fenqi audit verify names the cause`,
      );
    },
    intervalMs,
    (kind) => report(`checkpoint failed (${kind}); it runs again next time`),
  );
}
