import type { JurisdictionId } from "../jurisdiction/packs.js";
import {
  cnDefaultLadder,
  cnRemindersLadder,
  defaultLadderFor,
  usDefaultLadder,
} from "./default-ladders.js";
import { type Ladder, ladderRef } from "./ladder.js";

/**
 * The ladders a loan may record, by `id@version`, each with the jurisdiction it was written for:
 * the packs' default ladders and CN's reminders-only ladder. A ladder that ever
 * treated a loan stays here under its ref, so a loan recording it is still treated as promised.
 */
const knownLadders: ReadonlyMap<string, { ladder: Ladder; jurisdiction: JurisdictionId }> = new Map(
  (
    [
      [cnDefaultLadder, "CN"],
      [cnRemindersLadder, "CN"],
      [usDefaultLadder, "US"],
    ] as const
  ).map(([ladder, jurisdiction]) => [ladderRef(ladder), { ladder, jurisdiction }]),
);

/** The known ladder of this ref, or undefined. */
export function ladderByRef(ref: string): Ladder | undefined {
  return knownLadders.get(ref)?.ladder;
}

/**
 * The jurisdiction a known ladder was written for: its steps, templates and notices (the US
 * validation notice first) are that pack's, so only its loans may follow it.
 */
export function ladderJurisdiction(ref: string): JurisdictionId | undefined {
  return knownLadders.get(ref)?.jurisdiction;
}

/** The refs a loan may be moved to, in a stable order (for messages and docs). */
export function knownLadderRefs(): string[] {
  return [...knownLadders.keys()].sort();
}

/**
 * The ref of the ladder treating a loan: the one it records or, for a loan stored before loans
 * recorded one (`recorded` undefined), its pack's default ladder.
 */
export function strategyRefOf(recorded: string | undefined, jurisdiction: JurisdictionId): string {
  return recorded ?? ladderRef(defaultLadderFor(jurisdiction));
}

/** The ladder treating a loan, or undefined when the ref it records is not a known ladder. */
export function ladderOfLoan(
  recorded: string | undefined,
  jurisdiction: JurisdictionId,
): Ladder | undefined {
  return ladderByRef(strategyRefOf(recorded, jurisdiction));
}
