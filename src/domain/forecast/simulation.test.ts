import { describe, expect, it } from "vitest";
import { decisionInput } from "../policy/fixtures.js";
import { type Agendum, takeEarliest } from "./simulation.js";

/** An agendum at `at` (ms) from `source`, numbered `sequence`: the fixture's SMS to the borrower. */
function agendum(at: number, source: Agendum["source"], sequence: number): Agendum {
  return { attempt: decisionInput(at).attempt, source, sequence };
}

/** `at/source/sequence` of an agendum, for comparing orders at a glance. */
const key = (a: Agendum) => `${a.attempt.at}/${a.source}/${a.sequence}`;

describe("takeEarliest", () => {
  it("takes by instant, then the strategy before a probe, then by sequence", () => {
    const agenda = [
      agendum(2_000, "probe", 0),
      agendum(2_000, "strategy", 4),
      agendum(1_000, "strategy", 3),
      agendum(2_000, "strategy", 1),
      agendum(1_000, "probe", 2),
    ];
    const taken: string[] = [];
    while (agenda.length > 0) taken.push(key(takeEarliest(agenda)));
    expect(taken).toEqual([
      "1000/strategy/3",
      "1000/probe/2",
      "2000/strategy/1",
      "2000/strategy/4",
      "2000/probe/0",
    ]);
  });

  it("removes only the agendum it returns and keeps the others in place", () => {
    const agenda = [
      agendum(3_000, "strategy", 0),
      agendum(1_000, "probe", 1),
      agendum(2_000, "strategy", 2),
    ];
    expect(key(takeEarliest(agenda))).toBe("1000/probe/1");
    expect(agenda.map(key)).toEqual(["3000/strategy/0", "2000/strategy/2"]);
  });
});
