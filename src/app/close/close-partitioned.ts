import type { CivilDate } from "../../domain/calendar/civil-date.js";
import type { JurisdictionId } from "../../domain/jurisdiction/packs.js";
import { assert } from "../../domain/result.js";
import type { ClosePartition, CloseQueue } from "../../ports/close-queue.js";
import type { IdRange } from "../../ports/store.js";
import type { AppContext } from "../context.js";
import type { AppResult } from "../errors.js";
import { type CloseOptions, type CloseReport, closeBusinessDay } from "./close-business-day.js";

/** Partitions a close is cut into unless told otherwise. */
export const closePartitionsDefault = 8;

/**
 * The ranges between consecutive cuts: [-∞, b1), [b1, b2), …, [bk, +∞). Together they cover
 * every id exactly once — also ids of loans created after the cut — whatever the bounds.
 */
export function rangesBetween(bounds: readonly string[]): IdRange[] {
  const ranges: IdRange[] = [];
  let from: string | undefined;
  for (const bound of bounds) {
    assert(from === undefined || bound > from, "partition bounds must ascend");
    ranges.push(from === undefined ? { below: bound } : { from, below: bound });
    from = bound;
  }
  ranges.push(from === undefined ? {} : { from });
  return ranges;
}

/**
 * Plans the daily close of `date` across workers: cuts the open and charged-off loans into about
 * `parts` ranges of equal size and enqueues one partition per range (of `jurisdiction`'s loans
 * only, when given). Planning a date again enqueues nothing new as long as the cut gives as many
 * partitions (the queue knows each by date, jurisdiction, index and count); either way every
 * partition is safe to run twice.
 */
export async function planClose(
  ctx: AppContext,
  queue: CloseQueue,
  date: CivilDate,
  parts: number,
  jurisdiction?: JurisdictionId,
): Promise<readonly ClosePartition[]> {
  const bounds = await ctx.store.transaction((tx) => tx.loans.partitionBounds(parts));
  const ranges = rangesBetween(bounds);
  const partitions = ranges.map((range, index) => ({
    date,
    ...(jurisdiction === undefined ? {} : { jurisdiction }),
    index,
    of: ranges.length,
    range,
  }));
  await queue.enqueue(partitions);
  return partitions;
}

/** Closes one partition: the daily close of its date over its range (and jurisdiction), resumable as ever. */
export function runClosePartition(
  ctx: AppContext,
  partition: ClosePartition,
  options: Omit<CloseOptions, "range" | "collectEvents" | "jurisdiction"> = {},
): Promise<AppResult<CloseReport>> {
  return closeBusinessDay(ctx, partition.date, {
    ...options,
    range: partition.range,
    jurisdiction: partition.jurisdiction,
  });
}
