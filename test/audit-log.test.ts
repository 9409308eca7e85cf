import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkpointSignerOf,
  createCheckpointSigner,
  createSignatureVerifier,
} from "../src/adapters/crypto/checkpoint-signer.js";
import { loadKeyMaterial } from "../src/adapters/crypto/key-file.js";
import { createKeyring, materialFromMasterKey } from "../src/adapters/crypto/keyring.js";
import { auditLeafHash as storeLeafHash } from "../src/adapters/store/audit-hash.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import { registerBorrower } from "../src/app/borrowers.js";
import type { AppContext } from "../src/app/context.js";
import { originate, pay } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { inclusionProof, issueCheckpoint } from "../src/app/transparency/checkpoints.js";
import { exportBundle } from "../src/app/transparency/export-bundle.js";
import { type AuditReport, verifyAudit } from "../src/app/transparency/verify-audit.js";
import { verifyBundle } from "../src/domain/audit/bundle.js";
import { bytesOfHex, hexOf } from "../src/domain/audit/bytes.js";
import {
  checkpointMessage,
  checkpointText,
  parseCheckpointText,
} from "../src/domain/audit/checkpoint.js";
import { auditLeafHash } from "../src/domain/audit/leaf-hash.js";
import { verifyInclusion } from "../src/domain/audit/merkle.js";
import { type AuditLeaf, ConcurrentUpdateError } from "../src/ports/store.js";
import { runFenqi, spawnFenqi } from "./support/run-cli.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/** 2026-03-01T04:00:00Z, noon in Shanghai; each reading of the clock moves it on a second. */
const start = Date.UTC(2026, 2, 1, 4);
const masterKey = Buffer.alloc(32, 7).toString("base64");

/** Registers a borrower, originates two loans and pays one: leaves, entries and postings. */
async function buildHistory(ctx: AppContext, tag: string): Promise<void> {
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  must(
    await createProduct(ctx, {
      id: `flat-${tag}`,
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3, 12],
    }),
  );
  must(await registerBorrower(ctx, { id: `b-${tag}`, timezone: "Asia/Shanghai" }));
  const loans = [];
  for (const order of ["o1", "o2"]) {
    loans.push(
      must(
        await originate(ctx, {
          orderId: `${tag}-${order}`,
          borrowerId: `b-${tag}`,
          productId: `flat-${tag}`,
          principal: "1200.00",
          installments: 3,
          date: "2026-01-10",
        }),
      ).loan,
    );
  }
  must(
    await pay(
      ctx,
      (loans[0] as { id: string }).id,
      { amount: "436.00", at: "2026-02-10T02:00:00Z" },
      { scope: "test", key: `${tag}-pay-1` },
    ),
  );
}

function firstProblem(report: AuditReport): string {
  const first = report.problems[0];
  return first ? `${first.kind} ${first.position}` : "sound";
}

describe.each(storeKinds)("the transparency log on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-audit-"));
  const database = testDatabase(kind);
  const material = materialFromMasterKey(masterKey);
  const signer = checkpointSignerOf(material);
  let store: SqlStore;
  let ctx: AppContext;
  let clock = start;
  let counter = 0;

  const leafRow = (seq: number) =>
    store.db
      .selectFrom("audit_leaves")
      .selectAll()
      .where("seq", "=", BigInt(seq))
      .executeTakeFirstOrThrow();
  const verifyNow = () => verifyAudit(ctx, signer);

  beforeAll(async () => {
    store = await openStore({ databaseUrl: await database.url(), sqlitePath: join(dir, "a.db") });
    ctx = {
      store,
      keyring: createKeyring(material),
      clock: { now: () => (clock += 1000) },
      ids: { next: (p) => `${p}_${String(++counter).padStart(4, "0")}` },
    };
    await buildHistory(ctx, "x");
    expect((await issueCheckpoint(ctx, signer)).ok).toBe(true);
    await buildHistory(ctx, "y");
    expect((await issueCheckpoint(ctx, signer)).ok).toBe(true);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("verifies an untouched log, with every leaf hash as the store computed it", async () => {
    const report = await verifyNow();
    expect(firstProblem(report)).toBe("sound");
    expect(report).toMatchObject({ sound: true, checkpoints: 2, loans: 4, problemsOmitted: 0 });
    const leaves = await store.transaction((tx) => tx.audit.list(0, 500));
    expect(report.leaves).toBe(leaves.length);
    expect(leaves.length).toBeGreaterThan(8);
    for (const leaf of leaves) {
      expect(hexOf(auditLeafHash(leaf))).toBe(leaf.hash);
      expect(storeLeafHash(leaf)).toBe(leaf.hash);
    }
    const latest = await store.transaction((tx) => tx.checkpoints.latest());
    expect(latest).toMatchObject({ seq: 1, treeSize: leaves.length, rootHash: report.rootHash });
  });

  it("gives every covered leaf an inclusion proof that verifies against the latest checkpoint", async () => {
    const latest = await store.transaction((tx) => tx.checkpoints.latest());
    if (!latest) throw new Error("no checkpoint");
    const root = bytesOfHex(latest.rootHash) as Uint8Array;
    for (let seq = 0; seq < latest.treeSize; seq++) {
      const proof = await inclusionProof(ctx, seq);
      if (!proof.ok) throw new Error(proof.error.message);
      const { leaf, checkpoint } = proof.value;
      expect(checkpoint.seq).toBe(latest.seq);
      const path = proof.value.proof.map((h) => bytesOfHex(h) as Uint8Array);
      // Checked from the leaf's fields, not its stored hash: what a borrower holds.
      expect(verifyInclusion(seq, latest.treeSize, auditLeafHash(leaf), path, root)).toBe(true);
    }
    const beyond = await inclusionProof(ctx, latest.treeSize);
    expect(beyond.ok ? "ok" : beyond.error.code).toBe("not_found");
  });

  it("signs the documented checkpoint text, checkable with the public key alone", async () => {
    const [first] = await store.transaction((tx) => tx.checkpoints.list(0, 1));
    if (!first) throw new Error("no checkpoint");
    const body = {
      treeSize: first.treeSize,
      rootHash: bytesOfHex(first.rootHash) as Uint8Array,
      at: first.at,
    };
    const text = checkpointText(body);
    expect(text).toMatch(/^fenqi-audit\n\d+\n[A-Za-z0-9+/]{43}=\n2026-03-01T04:\d\d:\d\dZ\n$/);
    expect(parseCheckpointText(text)).toEqual({ ok: true, value: body });
    expect(parseCheckpointText(text.replace("fenqi-audit", "other")).ok).toBe(false);
    const auditor = createSignatureVerifier([signer.publicKey()]);
    expect(auditor.verify(first.keyId, checkpointMessage(body), first.signature)).toBe(true);
    const pem = createPublicKey(signer.publicKeyPem());
    expect(nodeVerify(null, Buffer.from(text), pem, Buffer.from(first.signature, "base64"))).toBe(
      true,
    );
    const other = createCheckpointSigner(new Uint8Array(32).fill(9));
    expect(other.keyId).not.toBe(signer.keyId);
    expect(other.verify(first.keyId, checkpointMessage(body), first.signature)).toBe(false);
  });

  it("refuses a checkpoint of a smaller tree than the latest", async () => {
    const attempt = store.transaction((tx) =>
      tx.checkpoints.append({
        treeSize: 1,
        rootHash: "00".repeat(32),
        at: clock,
        keyId: signer.keyId,
        signature: "",
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it("names a leaf whose data changed by one byte", async () => {
    const before = await leafRow(3);
    const data = before.data.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10));
    const edited = data === before.data ? before.data.replace("}", ',"x":1}') : data;
    await store.db
      .updateTable("audit_leaves")
      .set({ data: edited })
      .where("seq", "=", 3n)
      .execute();
    try {
      const report = await verifyNow();
      expect(report.sound).toBe(false);
      expect(firstProblem(report)).toBe("leaf_hash leaf 3");
      // The rebuilt tree no longer matches either checkpoint.
      expect(report.problems.map((p) => `${p.kind} ${p.position}`)).toContain(
        "checkpoint_root checkpoint 0",
      );
    } finally {
      await store.db
        .updateTable("audit_leaves")
        .set({ data: before.data })
        .where("seq", "=", 3n)
        .execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names a leaf edited together with its stored hash through the checkpoint that covers it", async () => {
    const before = await leafRow(2);
    const parsed = JSON.parse(before.data) as AuditLeaf["data"];
    const forged = { ...parsed, forged: true };
    const leaf = { seq: 2, at: Number(before.at), kind: before.kind, subject: before.subject };
    const hash = storeLeafHash({ ...leaf, data: forged });
    const data = JSON.stringify(Object.fromEntries(Object.entries(forged).sort()));
    await store.db.updateTable("audit_leaves").set({ data, hash }).where("seq", "=", 2n).execute();
    try {
      expect(firstProblem(await verifyNow())).toBe("checkpoint_root checkpoint 0");
    } finally {
      await store.db
        .updateTable("audit_leaves")
        .set({ data: before.data, hash: before.hash })
        .where("seq", "=", 2n)
        .execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names a deleted leaf, and a checkpoint whose leaves were cut off the end", async () => {
    const middle = await leafRow(4);
    await store.db.deleteFrom("audit_leaves").where("seq", "=", 4n).execute();
    try {
      const report = await verifyNow();
      expect(firstProblem(report)).toBe("leaf_missing leaf 4");
      expect((await issueCheckpoint(ctx, signer)).ok).toBe(false);
    } finally {
      await store.db.insertInto("audit_leaves").values(middle).execute();
    }
    const count = await store.transaction((tx) => tx.audit.count());
    const last = await leafRow(count - 1);
    await store.db.deleteFrom("audit_leaves").where("seq", "=", last.seq).execute();
    try {
      expect(firstProblem(await verifyNow())).toBe("checkpoint_size checkpoint 1");
    } finally {
      await store.db.insertInto("audit_leaves").values(last).execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names the first of two leaves whose contents were swapped", async () => {
    const [a, b] = [await leafRow(1), await leafRow(2)];
    const contents = (row: typeof a) => ({
      at: row.at,
      kind: row.kind,
      subject: row.subject,
      data: row.data,
      hash: row.hash,
    });
    await store.db.updateTable("audit_leaves").set(contents(b)).where("seq", "=", 1n).execute();
    await store.db.updateTable("audit_leaves").set(contents(a)).where("seq", "=", 2n).execute();
    try {
      const report = await verifyNow();
      expect(report.problems.slice(0, 2).map((p) => `${p.kind} ${p.position}`)).toEqual([
        "leaf_hash leaf 1",
        "leaf_hash leaf 2",
      ]);
    } finally {
      await store.db.updateTable("audit_leaves").set(contents(a)).where("seq", "=", 1n).execute();
      await store.db.updateTable("audit_leaves").set(contents(b)).where("seq", "=", 2n).execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names a checkpoint whose root or signature was forged", async () => {
    const [first, second] = await store.transaction((tx) => tx.checkpoints.list(0, 2));
    if (!first || !second) throw new Error("two checkpoints expected");
    const forgedRoot = `${first.rootHash.slice(0, 10)}${first.rootHash[10] === "0" ? "1" : "0"}${first.rootHash.slice(11)}`;
    await store.db
      .updateTable("audit_checkpoints")
      .set({ root_hash: forgedRoot })
      .where("seq", "=", 1n)
      .execute();
    try {
      const report = await verifyNow();
      expect(report.problems.map((p) => `${p.kind} ${p.position}`)).toEqual([
        "checkpoint_signature checkpoint 1",
        "checkpoint_root checkpoint 1",
        "checkpoint_consistency checkpoint 1",
      ]);
    } finally {
      await store.db
        .updateTable("audit_checkpoints")
        .set({ root_hash: second.rootHash })
        .where("seq", "=", 1n)
        .execute();
    }
    // A signature by another key, for the same text, under the log's key id.
    const other = createCheckpointSigner(new Uint8Array(32).fill(3));
    const body = {
      treeSize: first.treeSize,
      rootHash: bytesOfHex(first.rootHash) as Uint8Array,
      at: first.at,
    };
    await store.db
      .updateTable("audit_checkpoints")
      .set({ signature: other.sign(checkpointMessage(body)) })
      .where("seq", "=", 0n)
      .execute();
    try {
      expect(firstProblem(await verifyNow())).toBe("checkpoint_signature checkpoint 0");
    } finally {
      await store.db
        .updateTable("audit_checkpoints")
        .set({ signature: first.signature })
        .where("seq", "=", 0n)
        .execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names the journal entry whose posting was edited, and the loan it throws off", async () => {
    const posting = await store.db
      .selectFrom("postings")
      .innerJoin("journal_entries", "journal_entries.id", "postings.entry_id")
      .select(["postings.entry_id", "postings.seq", "postings.amount", "journal_entries.loan_id"])
      .where("postings.account", "like", "loan:%:principal")
      .orderBy("postings.entry_id")
      .executeTakeFirstOrThrow();
    const where = sql<boolean>`entry_id = ${posting.entry_id} and seq = ${posting.seq}`;
    await store.db
      .updateTable("postings")
      .set({ amount: BigInt(posting.amount) + 1n })
      .where(where)
      .execute();
    try {
      const report = await verifyNow();
      expect(report.problems.map((p) => `${p.kind} ${p.position}`)).toEqual([
        `ledger_entry journal entry ${posting.entry_id}`,
        "ledger_total ledger",
        `ledger_balance loan ${posting.loan_id}`,
      ]);
      expect(report.problems[0]?.message).toContain("sums to 1, not 0");
    } finally {
      await store.db.updateTable("postings").set({ amount: posting.amount }).where(where).execute();
    }
    expect((await verifyNow()).sound).toBe(true);
  });

  it("names a tampered leaf at the same position in an exported bundle as in verify", async () => {
    const latest = await store.transaction((tx) => tx.checkpoints.latest());
    if (!latest) throw new Error("no checkpoint");
    const range = { from: 0, to: latest.treeSize - 1 };
    const check = async () => {
      const exported = await exportBundle(ctx, range, signer);
      if (!exported.ok) throw new Error(exported.error.message);
      expect(exported.value.issued).toBeUndefined();
      const report = verifyBundle(exported.value.bundle, (k, m, s) => signer.verify(k, m, s));
      const first = report.problems[0];
      return first ? `${first.kind} ${first.position}` : "sound";
    };
    expect(await check()).toBe("sound");
    const before = await leafRow(5);
    await store.db
      .updateTable("audit_leaves")
      .set({ kind: `${before.kind}x` })
      .where("seq", "=", 5n)
      .execute();
    try {
      expect(firstProblem(await verifyNow())).toBe("leaf_hash leaf 5");
      expect(await check()).toBe("leaf_hash leaf 5");
    } finally {
      await store.db
        .updateTable("audit_leaves")
        .set({ kind: before.kind })
        .where("seq", "=", 5n)
        .execute();
    }
    expect(await check()).toBe("sound");
  });
});

describe("fenqi audit", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-audit-cli-"));
  const env = { FENQI_DB: join(dir, "fenqi.db"), FENQI_MASTER_KEY: "" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("verify exits 0 on a sound store and 1 naming the first bad leaf", async () => {
    const material = loadKeyMaterial(join(dir, "fenqi.key"), {});
    const store = await openStore({ sqlitePath: env.FENQI_DB });
    let counter = 0;
    let clock = start;
    const ctx: AppContext = {
      store,
      keyring: createKeyring(material),
      clock: { now: () => (clock += 1000) },
      ids: { next: (p) => `${p}_${++counter}` },
    };
    try {
      await buildHistory(ctx, "cli");
    } finally {
      await store.close();
    }

    const issued = spawnFenqi(["audit", "checkpoint"], env);
    expect(issued.stderr).toBe("");
    expect(issued.stdout).toMatch(/checkpoint 0: size \d+, root /);
    expect(issued.code).toBe(0);
    const sound = spawnFenqi(["audit", "verify"], env);
    expect(sound.stdout).toMatch(/^fenqi audit verify: sound: \d+ leaves/);
    expect(sound.code).toBe(0);

    const tampered = await openStore({ sqlitePath: env.FENQI_DB });
    try {
      await tampered.db
        .updateTable("audit_leaves")
        .set({ subject: "someone-else" })
        .where("seq", "=", 2n)
        .execute();
    } finally {
      await tampered.close();
    }
    const broken = spawnFenqi(["audit", "verify"], env);
    expect(broken.stdout).toContain("NOT SOUND: first bad position: leaf 2:");
    expect(broken.code).toBe(1);

    const usage = await runFenqi(["audit", "verify", "--bogus"]);
    expect(usage.stderr).toContain("usage: fenqi audit verify");
    expect(usage.code).toBe(2);
  });
});
