import { describe, expect, it, vi } from "vitest";
import { startRepeating } from "./repeat.js";

describe("a repeating job", () => {
  it("runs at once, again after each run, never two at once, and reports a throw by its kind", async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const failures: string[] = [];
    const handle = startRepeating(
      async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        active--;
        if (runs === 2) throw new TypeError("secret detail");
      },
      1,
      (kind) => failures.push(kind),
    );
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(4));
    await handle.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(stoppedAt);
    expect(most).toBe(1);
    expect(failures).toEqual(["TypeError"]);
  });

  it("waits for the run in progress when stopped", async () => {
    let finished = false;
    const handle = startRepeating(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
      },
      60_000,
      () => {},
    );
    await handle.stop();
    expect(finished).toBe(true);
  });
});
