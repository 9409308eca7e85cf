import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  keyFileRefresher,
  loadKeyMaterial,
  rotateKeyFile,
} from "../src/adapters/crypto/key-file.js";
import { createKeyring } from "../src/adapters/crypto/keyring.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import { openBorrower, registerBorrower } from "../src/app/borrowers.js";
import type { AppContext } from "../src/app/context.js";
import { requestDeletion } from "../src/app/privacy/requests.js";
import { rewrapDataKeys } from "../src/app/privacy/rotate-keys.js";
import type { BorrowerRecord } from "../src/ports/store.js";
import { runFenqi } from "./support/run-cli.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

const noEnv = {};
const ids = ["b1", "b2", "b3", "b4", "b5", "b6", "b7"];
const phoneOf = (id: string) => `+86138000000${id.slice(1).padStart(2, "0")}`;

describe.each(storeKinds)("master key rotation on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-keys-"));
  const database = testDatabase(kind);
  const keyFile = join(dir, "k.key");
  let store: SqlStore;
  let counter = 0;
  let databaseUrl: string | undefined;

  /** A process's keyring: the key file as it is now, refreshed when the file changes. */
  const contextNow = (): AppContext => {
    const refresh = keyFileRefresher(keyFile, noEnv);
    return {
      store,
      keyring: createKeyring(loadKeyMaterial(keyFile, noEnv), refresh ? { refresh } : {}),
      clock: { now: () => Date.UTC(2026, 0, 10, 2) + counter },
      ids: { next: (p) => `${p}_${String(++counter).padStart(6, "0")}` },
    };
  };
  const all = () =>
    store.transaction(async (tx) => {
      const rows = await Promise.all([...ids, "b8", "b9"].map((id) => tx.borrowers.get(id)));
      return rows.filter((r): r is BorrowerRecord => r !== undefined);
    });

  beforeAll(async () => {
    databaseUrl = await database.url();
    store = await openStore({ databaseUrl, sqlitePath: join(dir, "k.db") });
    loadKeyMaterial(keyFile, noEnv);
  });
  afterAll(async () => {
    await store?.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-wraps every data key under the new master key in restartable batches, leaving sealed data as it was", async () => {
    const before = contextNow();
    const idle = contextNow();
    for (const id of ids)
      expect(
        (
          await registerBorrower(before, {
            id,
            timezone: "Asia/Shanghai",
            name: `借款人${id}`,
            phone: phoneOf(id),
            emergencyContacts: [
              {
                id: "ec1",
                relation: "parent",
                phone: `+86139000000${id.slice(1).padStart(2, "0")}`,
              },
            ],
          })
        ).ok,
      ).toBe(true);
    expect((await requestDeletion(before, "b7", { actor: "b7" })).ok).toBe(true);
    const original = await all();
    expect(new Set(original.map((r) => r.masterKeyId))).toEqual(new Set(["mk1", "erased"]));

    const rotation = rotateKeyFile(keyFile, noEnv);
    expect(rotation).toEqual({ previous: "mk1", current: "mk2", masterKeyIds: ["mk1", "mk2"] });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const after = contextNow();
    expect(after.keyring.currentMasterKeyId()).toBe("mk2");

    // A run that dies after its first committed batch.
    await expect(
      rewrapDataKeys(after, {
        batchSize: 2,
        onBatch: () => {
          throw new Error("crash");
        },
      }),
    ).rejects.toThrow("crash");
    const halfway = await all();
    expect(halfway.filter((r) => r.masterKeyId === "mk2").map((r) => r.id)).toEqual(["b1", "b2"]);
    // Mid-run, every borrower opens under either wrap, for a process started before the rotation too.
    for (const record of halfway.filter((r) => r.id !== "b7")) {
      expect(openBorrower(before, record).phone).toBe(phoneOf(record.id));
      expect(openBorrower(after, record).phone).toBe(phoneOf(record.id));
    }

    const run = await rewrapDataKeys(after, { batchSize: 2 });
    expect(run).toEqual({ masterKeyId: "mk2", rewrapped: 4, skipped: 0, batches: 2 });
    expect(await rewrapDataKeys(after, { batchSize: 2 })).toMatchObject({
      rewrapped: 0,
      batches: 0,
    });

    const rotated = await all();
    for (const record of rotated) {
      const old = original.find((r) => r.id === record.id);
      if (!old) throw new Error(record.id);
      // Only the wrap changed: the sealed profile and contacts are byte for byte the same.
      expect(record.sealed).toBe(old.sealed);
      expect(record.contacts).toEqual(old.contacts);
      expect(record.phoneHash).toBe(old.phoneHash);
      if (record.id === "b7") {
        expect(record).toMatchObject({ masterKeyId: "erased", wrappedDataKey: "erased" });
        continue;
      }
      expect(record.masterKeyId).toBe("mk2");
      expect(record.wrappedDataKey).not.toBe(old.wrappedDataKey);
      expect(openBorrower(after, record)).toMatchObject({
        name: `借款人${record.id}`,
        phone: phoneOf(record.id),
      });
    }

    // A process that started before the rotation and read nothing since wraps new keys under mk2.
    expect(
      (
        await registerBorrower(idle, {
          id: "b8",
          timezone: "Asia/Shanghai",
          phone: "+8613800000808",
        })
      ).ok,
    ).toBe(true);
    const b8 = (await all()).find((r) => r.id === "b8");
    expect(b8?.masterKeyId).toBe("mk2");

    const leaves = await store.transaction(async (tx) => tx.audit.list(0, 100));
    expect(leaves.filter((l) => l.kind === "keys.rewrapped").map((l) => l.data.rewrapped)).toEqual([
      4, 0,
    ]);
  });

  it("`fenqi keys rotate` adds mk3 and reports how many were re-wrapped", async () => {
    const names = ["DATABASE_URL", "FENQI_DB", "FENQI_KEY_FILE", "FENQI_MASTER_KEY"] as const;
    const saved = names.map((name) => [name, process.env[name]] as const);
    process.env.DATABASE_URL = databaseUrl ?? "";
    process.env.FENQI_DB = join(dir, "k.db");
    process.env.FENQI_KEY_FILE = keyFile;
    delete process.env.FENQI_MASTER_KEY;
    try {
      const result = await runFenqi(["keys", "rotate", "--batch", "3"]);
      expect(result.stderr).toContain("master key mk3 is current (was mk2)");
      expect(result.stdout).toBe("re-wrapped 7 data keys under mk3 in 3 batches\n");
      expect(result.code).toBe(0);
      const bad = await runFenqi(["keys", "rotate", "--batch", "0"]);
      expect(bad.code).toBe(2);
      // A second rotation while one holds the lock changes nothing.
      writeFileSync(`${keyFile}.lock`, "1\n");
      const locked = await runFenqi(["keys", "rotate"]);
      rmSync(`${keyFile}.lock`);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain("another key rotation holds");
      expect(loadKeyMaterial(keyFile, noEnv).currentMasterKeyId).toBe("mk3");
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const reader = contextNow();
    for (const record of await all()) {
      if (record.id === "b7") continue;
      expect(record.masterKeyId).toBe("mk3");
      expect(openBorrower(reader, record).phone).toBeDefined();
    }
  });
});
