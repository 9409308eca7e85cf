import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/adapters/store/open-store.js";
import { spawnFenqi } from "./support/run-cli.js";

/**
 * The audit log of the demo store a newcomer creates verifies, and a copy of it with one leaf
 * edited behind fenqi's back does not: `fenqi audit verify` names the leaf.
 */
describe("fenqi audit verify on the demo store", () => {
  it("passes on the demo store and fails on a tampered copy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fenqi-audit-demo-"));
    const env = { FENQI_DB: join(dir, "fenqi.db"), FENQI_KEY_FILE: join(dir, "fenqi.key") };
    const demo = spawnFenqi(["demo"], env);
    expect(demo.code).toBe(0);
    expect(spawnFenqi(["audit", "checkpoint"], env).code).toBe(0);
    const sound = spawnFenqi(["audit", "verify"], env);
    expect(sound.stdout).toMatch(/^fenqi audit verify: sound: \d+ leaves/);
    expect(sound.code).toBe(0);

    const copy = { FENQI_DB: join(dir, "copy.db"), FENQI_KEY_FILE: env.FENQI_KEY_FILE };
    copyFileSync(env.FENQI_DB, copy.FENQI_DB);
    const store = await openStore({ sqlitePath: copy.FENQI_DB });
    try {
      await store.db
        .updateTable("audit_leaves")
        .set({ data: '{"edited":true}' })
        .where("seq", "=", 5n)
        .execute();
    } finally {
      await store.close();
    }
    const broken = spawnFenqi(["audit", "verify"], copy);
    expect(broken.stdout).toContain("NOT SOUND: first bad position: leaf 5:");
    expect(broken.code).toBe(1);
    // The original is untouched and still sound.
    expect(spawnFenqi(["audit", "verify"], env).code).toBe(0);
  }, 120_000);
});
