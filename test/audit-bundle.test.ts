import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkpointSignerOf,
  createCheckpointSigner,
  createSignatureVerifier,
} from "../src/adapters/crypto/checkpoint-signer.js";
import { loadKeyMaterial } from "../src/adapters/crypto/key-file.js";
import type { SqlStore } from "../src/adapters/store/open-store.js";
import { createApiKey } from "../src/app/api-keys.js";
import { registerBorrower } from "../src/app/borrowers.js";
import { proposeContact } from "../src/app/contacts/agent-contact.js";
import { contactLog } from "../src/app/contacts/contact-log.js";
import type { AppContext } from "../src/app/context.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { issueCheckpoint } from "../src/app/transparency/checkpoints.js";
import { exportBundle } from "../src/app/transparency/export-bundle.js";
import { replayDecisions } from "../src/app/transparency/replay-decisions.js";
import { newApiSecret, openApp } from "../src/cli/compose.js";
import {
  type AuditBundle,
  type BundleReport,
  parseBundle,
  verifyBundle,
} from "../src/domain/audit/bundle.js";
import { base64Of, bytesOfHex } from "../src/domain/audit/bytes.js";
import { checkpointMessage, parseCheckpointText } from "../src/domain/audit/checkpoint.js";
import { auditLeafHash } from "../src/domain/audit/leaf-hash.js";
import { verifyInclusion } from "../src/domain/audit/merkle.js";
import { utf8Bytes } from "../src/domain/crypto/sha256.js";
import { buildServer } from "../src/http/server.js";
import { startCheckpointScheduler } from "../src/jobs/checkpoint-scheduler.js";
import { runFenqi, spawnFenqi } from "./support/run-cli.js";
import { type StoreKind, storeKinds, testDatabase } from "./support/stores.js";

/** 2026-02-15T02:00:00Z, 10:00 in Shanghai: a time of day the CN pack allows contact. */
const start = Date.UTC(2026, 1, 15, 2);

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** The first problem of a report as "kind position", or "sound". */
function first(report: BundleReport): string {
  const problem = report.problems[0];
  return problem ? `${problem.kind} ${problem.position}` : "sound";
}

/** A deep copy to tamper with. */
function copy(bundle: AuditBundle): AuditBundle {
  return JSON.parse(JSON.stringify(bundle)) as AuditBundle;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

describe.each(storeKinds)("audit bundles, replay and proofs on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-bundle-"));
  const database = testDatabase(kind);
  const keyFile = join(dir, "b.key");
  let ctx: AppContext;
  let now = start;
  let counter = 0;
  let loanId = "";
  const signer = () => checkpointSignerOf(loadKeyMaterial(keyFile, {}));
  const verifyWith = (publicKey: string) => {
    const verifier = createSignatureVerifier([publicKey]);
    return (keyId: string, message: Uint8Array, signature: string) =>
      verifier.verify(keyId, message, signature);
  };
  const db = () => (ctx.store as SqlStore).db;
  /** Proposes a contact a minute after the last; a decision (allow, defer or deny) and a leaf. */
  const propose = async (channel: string, to: string) => {
    now += 60_000;
    return must(await proposeContact(ctx, loanId, { channel, to }));
  };
  const leafCount = () => ctx.store.transaction((tx) => tx.audit.count());

  beforeAll(async () => {
    ctx = await openApp(
      { databaseUrl: await database.url(), sqlitePath: join(dir, "b.db"), keyFile },
      {
        clock: { now: () => now },
        ids: { next: (p) => `${p}_${String(++counter).padStart(4, "0")}` },
      },
    );
    must(
      await createProduct(ctx, {
        id: "flat",
        method: "flat_fee",
        periodFeeRate: "0.006",
        installments: [12],
      }),
    );
    must(
      await registerBorrower(ctx, {
        id: "b1",
        timezone: "Asia/Shanghai",
        phone: "+8613800000001",
        emergencyContacts: [{ id: "ec1", relation: "parent", phone: "+8613900000001" }],
      }),
    );
    must(await registerBorrower(ctx, { id: "b2", timezone: "Asia/Shanghai" }));
    const created = must(
      await originate(ctx, {
        orderId: "o1",
        borrowerId: "b1",
        productId: "flat",
        principal: "6000.00",
        installments: 12,
        date: "2026-01-10",
      }),
    );
    loanId = created.loan.id;
    await propose("sms", "borrower");
    await propose("phone", "borrower");
    await propose("sms", "ec1");
    must(await issueCheckpoint(ctx, signer()));
    await propose("email", "borrower");
    await propose("sms", "somebody");
    must(await issueCheckpoint(ctx, signer()));
    await propose("sms", "borrower");
  });
  afterAll(async () => {
    await ctx?.store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports the whole log, issuing a checkpoint first when none covers the range", async () => {
    const count = await leafCount();
    const latest = await ctx.store.transaction((tx) => tx.checkpoints.latest());
    expect(latest?.treeSize).toBeLessThan(count);
    const { bundle, issued } = must(await exportBundle(ctx, { from: 0, to: count - 1 }, signer()));
    expect(issued).toMatchObject({ seq: 2, treeSize: count });
    expect(bundle.checkpoints.map((c) => c.seq)).toEqual([2]);
    expect(bundle.leaves.map((l) => l.seq)).toEqual([...Array(count).keys()]);
    expect(bundle.keyId).toBe(signer().keyId);
    expect(first(verifyBundle(bundle, verifyWith(signer().publicKey())))).toBe("sound");
    // The bundle names the key, never holds it.
    expect(JSON.stringify(bundle)).not.toContain(signer().publicKey());
  });

  it("verifies an intact bundle with the right key and fails it with another", async () => {
    const { bundle, issued } = must(await exportBundle(ctx, { from: 1, to: 4 }, signer()));
    expect(issued).toBeUndefined();
    expect(bundle.checkpoints.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(bundle.checkpoints[0]?.consistency).toBeUndefined();
    expect(bundle.checkpoints[1]?.consistency?.length).toBeGreaterThan(0);
    const parsed = must(parseBundle(JSON.parse(JSON.stringify(bundle))));
    const report = verifyBundle(parsed, verifyWith(signer().publicKey()));
    expect(report).toMatchObject({ sound: true, leaves: 4, checkpoints: 3, problems: [] });
    expect(report.anchor?.seq).toBe(2);

    const other = createCheckpointSigner(new Uint8Array(32).fill(5));
    const wrongKey = verifyBundle(parsed, verifyWith(other.publicKey()));
    expect(wrongKey.sound).toBe(false);
    expect(first(wrongKey)).toBe("checkpoint_signature checkpoint 0");
  });

  it("names the first bad position of a bundle tampered each way", async () => {
    const { bundle } = must(await exportBundle(ctx, { from: 1, to: 6 }, signer()));
    const check = (b: AuditBundle) => first(verifyBundle(b, verifyWith(signer().publicKey())));
    expect(check(bundle)).toBe("sound");

    // One byte of one leaf.
    const edited = copy(bundle) as Mutable<AuditBundle>;
    const leaf = edited.leaves[2] as Mutable<AuditBundle["leaves"][number]>;
    leaf.subject = `${leaf.subject.slice(0, -1)}${leaf.subject.endsWith("1") ? "2" : "1"}`;
    const editedReport = verifyBundle(edited, verifyWith(signer().publicKey()));
    expect(editedReport.problems.map((p) => `${p.kind} ${p.position}`)).toEqual([
      "leaf_hash leaf 3",
      "leaf_inclusion leaf 3",
    ]);
    // The same edit with a hash recomputed to match: only the proof can tell.
    leaf.hash = Buffer.from(auditLeafHash(leaf)).toString("hex");
    expect(check(edited)).toBe("leaf_inclusion leaf 3");

    // A leaf removed from the middle, and from the end.
    const removed = copy(bundle) as Mutable<AuditBundle>;
    removed.leaves.splice(1, 1);
    expect(check(removed)).toBe("leaf_missing leaf 2");
    const cut = copy(bundle) as Mutable<AuditBundle>;
    cut.leaves.pop();
    expect(check(cut)).toBe("leaf_missing leaf 6");

    // Two leaves reordered, each keeping its fields and proof.
    const reordered = copy(bundle) as Mutable<AuditBundle>;
    reordered.leaves.splice(1, 2, ...reordered.leaves.slice(1, 3).reverse());
    expect(check(reordered)).toBe("leaf_order leaf 2");

    // A forged checkpoint: another root under the old signature …
    const forged = copy(bundle) as Mutable<AuditBundle>;
    const anchor = forged.checkpoints[2] as Mutable<AuditBundle["checkpoints"][number]>;
    const body = must(parseCheckpointText(anchor.text));
    const root = Uint8Array.from(body.rootHash);
    root[0] = (root[0] as number) ^ 1;
    anchor.text = anchor.text.replace(base64Of(body.rootHash), base64Of(root));
    expect(check(forged)).toBe("checkpoint_signature checkpoint 2");
    // … or signed by another key under the log's key id.
    const other = createCheckpointSigner(new Uint8Array(32).fill(6));
    anchor.signature = other.sign(checkpointMessage({ ...body, rootHash: root }));
    const forgedReport = verifyBundle(forged, verifyWith(signer().publicKey()));
    expect(forgedReport.problems.map((p) => `${p.kind} ${p.position}`).slice(0, 3)).toEqual([
      "checkpoint_signature checkpoint 2",
      "checkpoint_consistency checkpoint 2",
      "leaf_inclusion leaf 1",
    ]);

    // A consistency proof edited.
    const inconsistent = copy(bundle) as Mutable<AuditBundle>;
    const step = inconsistent.checkpoints[1] as Mutable<AuditBundle["checkpoints"][number]>;
    step.consistency = (step.consistency ?? []).map((h) => (h[0] === "0" ? "1" : "0") + h.slice(1));
    expect(check(inconsistent)).toBe("checkpoint_consistency checkpoint 1");

    // Checkpoints reordered: a tree that shrinks.
    const shrinking = copy(bundle) as Mutable<AuditBundle>;
    shrinking.checkpoints.reverse();
    expect(check(shrinking)).toMatch(/^checkpoint_order checkpoint 1$/);
  });

  it("refuses ranges it cannot export", async () => {
    const count = await leafCount();
    const code = async (from: number, to: number) => {
      const r = await exportBundle(ctx, { from, to }, signer());
      return r.ok ? "ok" : r.error.code;
    };
    expect(await code(3, 2)).toBe("invalid_input");
    expect(await code(-1, 2)).toBe("invalid_input");
    expect(await code(0, count)).toBe("not_found");
    expect(await code(0, 20_000)).toBe("invalid_input");
  });

  it("replays every stored decision clean, and reports one edited in the store", async () => {
    const clean = await replayDecisions(ctx);
    expect(clean).toMatchObject({ decisions: 6, disagreeing: 0, disagreements: [] });

    const [denied] = await db()
      .selectFrom("contact_attempts")
      .selectAll()
      .where("outcome", "=", "deny")
      .orderBy("id")
      .limit(1)
      .execute();
    if (!denied) throw new Error("a denied decision expected");
    await db()
      .updateTable("contact_attempts")
      .set({ outcome: "allow", rules: "[]" })
      .where("id", "=", denied.id)
      .execute();
    try {
      const report = await replayDecisions(ctx);
      expect(report.disagreeing).toBe(1);
      const fields = report.disagreements.map((d) => `${d.attemptId} ${d.field}`);
      expect(fields).toContain(`${denied.id} outcome`);
      expect(fields).toContain(`${denied.id} leaf.outcome`);
    } finally {
      await db()
        .updateTable("contact_attempts")
        .set({ outcome: denied.outcome, rules: denied.rules })
        .where("id", "=", denied.id)
        .execute();
    }

    // Inputs edited (still canonical JSON): the hash of what was judged no longer matches.
    const edited = denied.inputs.replace(/"asOf":(\d+)/, (_, n) => `"asOf":${Number(n) + 1}`);
    expect(edited).not.toBe(denied.inputs);
    await db()
      .updateTable("contact_attempts")
      .set({ inputs: edited })
      .where("id", "=", denied.id)
      .execute();
    try {
      const report = await replayDecisions(ctx);
      expect(report.disagreements.map((d) => `${d.attemptId} ${d.field}`)).toContain(
        `${denied.id} inputHash`,
      );
      await db()
        .updateTable("contact_attempts")
        .set({ inputs: "{not json" })
        .where("id", "=", denied.id)
        .execute();
      expect((await replayDecisions(ctx)).disagreements).toEqual([
        {
          attemptId: denied.id,
          field: "inputs",
          stored: "unreadable",
          replayed: "not a decision input",
        },
      ]);
    } finally {
      await db()
        .updateTable("contact_attempts")
        .set({ inputs: denied.inputs })
        .where("id", "=", denied.id)
        .execute();
    }
    expect((await replayDecisions(ctx)).disagreeing).toBe(0);
  });

  it("serves a contact-log entry's inclusion proof that the borrower checks with the public key alone", async () => {
    const key = must(await createApiKey(ctx, "checkout", newApiSecret()));
    const app = await buildServer(ctx);
    const call = (url: string) =>
      app.inject({ method: "GET", url, headers: { authorization: `Bearer ${key.secret}` } });
    try {
      must(await issueCheckpoint(ctx, signer()));
      const newest = await propose("email", "borrower"); // after the latest checkpoint
      // The contact log route's access belongs to the login work; its use case is read here.
      const log = { items: must(await contactLog(ctx, "b1", { limit: 100 })) };
      expect(log.items.length).toBe(7);
      expect(log.items.every((e) => typeof e.auditSeq === "number")).toBe(true);
      const publicKey = signer().publicKey();
      for (const entry of log.items.filter((e) => e.id !== newest.id)) {
        const response = await call(`/api/v1/borrowers/b1/contact-log/${entry.id}/proof`);
        expect(response.statusCode).toBe(200);
        const body = response.json() as {
          leaf: Parameters<typeof auditLeafHash>[0] & { hash: string };
          seq: number;
          checkpoint: { text: string; keyId: string; signature: string };
          proof: string[];
        };
        // What the borrower does: hash the leaf's fields, walk the path, check the signature.
        expect(body.seq).toBe(entry.auditSeq);
        expect(body.leaf).toMatchObject({ kind: "contact.decided", subject: entry.id });
        const checkpoint = must(parseCheckpointText(body.checkpoint.text));
        const path = body.proof.map((h) => bytesOfHex(h) as Uint8Array);
        const leafHash = auditLeafHash(body.leaf);
        expect(
          verifyInclusion(body.seq, checkpoint.treeSize, leafHash, path, checkpoint.rootHash),
        ).toBe(true);
        const { keyId, signature, text } = body.checkpoint;
        expect(verifyWith(publicKey)(keyId, utf8Bytes(text), signature)).toBe(true);
        // A path for another leaf does not pass for this one.
        expect(
          verifyInclusion(body.seq + 1, checkpoint.treeSize, leafHash, path, checkpoint.rootHash),
        ).toBe(false);
      }
      const pending = await call(`/api/v1/borrowers/b1/contact-log/${newest.id}/proof`);
      expect(pending.statusCode).toBe(404);
      const [someone] = log.items;
      const wrongBorrower = await call(`/api/v1/borrowers/b2/contact-log/${someone?.id}/proof`);
      expect(wrongBorrower.statusCode).toBe(404);
      const noKey = await app.inject({
        method: "GET",
        url: `/api/v1/borrowers/b1/contact-log/${someone?.id}/proof`,
      });
      expect(noKey.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("issues checkpoints on a schedule, and none while the log has not grown", async () => {
    const lines: string[] = [];
    const running = startCheckpointScheduler(ctx, signer(), 3_600_000, (l) => lines.push(l));
    await running.stop();
    const count = await leafCount();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^checkpoint \\d+: size ${count}$`));
    const again = startCheckpointScheduler(ctx, signer(), 3_600_000, (l) => lines.push(l));
    await again.stop();
    expect(lines).toHaveLength(1);
    expect((await ctx.store.transaction((tx) => tx.checkpoints.latest()))?.treeSize).toBe(count);
  });
});

describe("fenqi audit export | verify-bundle | replay", () => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-bundle-cli-"));
  const env = { FENQI_DB: join(dir, "fenqi.db"), FENQI_MASTER_KEY: "" };
  const file = join(dir, "bundle.json");
  let dirCounter = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exports a bundle and verifies it offline from the file and the public key alone", async () => {
    const ctx = await openApp(
      { databaseUrl: undefined, sqlitePath: env.FENQI_DB, keyFile: join(dir, "fenqi.key") },
      { clock: { now: () => start }, ids: { next: (p) => `${p}_${++dirCounter}` } },
    );
    try {
      must(await registerBorrower(ctx, { id: "b1", timezone: "Asia/Shanghai" }));
      must(await registerBorrower(ctx, { id: "b2", timezone: "Asia/Shanghai" }));
      must(await registerBorrower(ctx, { id: "b3", timezone: "Asia/Shanghai" }));
    } finally {
      await ctx.store.close();
    }
    const exported = spawnFenqi(["audit", "export", "--from", "0", "--to", "2", file], env);
    expect(exported.stderr).toBe("");
    expect(exported.stdout).toContain("no checkpoint covered leaf 2; issued checkpoint 0");
    expect(exported.code).toBe(0);
    const publicKey = /public key ([A-Za-z0-9+/]{43}=)/.exec(exported.stdout)?.[1] as string;
    expect(publicKey).toBeDefined();

    // A separate process with no usable store or key file anywhere: it must not need one.
    const nowhere = join(dir, "nowhere");
    const offline = spawnFenqi(["audit", "verify-bundle", file, "--pubkey", publicKey], {
      FENQI_DB: join(nowhere, "fenqi.db"),
      FENQI_KEY_FILE: join(nowhere, "fenqi.key"),
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/nothing",
    });
    expect(offline.stderr).toBe("");
    expect(offline.stdout).toMatch(/^fenqi audit verify-bundle: sound: leaves 0–2 \(3\)/);
    expect(offline.code).toBe(0);
    expect(existsSync(nowhere)).toBe(false);

    const text = readFileSync(file, "utf8");
    const bundle = JSON.parse(text) as Mutable<AuditBundle>;
    const tampered = join(dir, "tampered.json");
    const verifyFile = (contents: string, key = publicKey) => {
      writeFileSync(tampered, contents);
      return runFenqi(["audit", "verify-bundle", tampered, "--pubkey", key]);
    };
    const removed = copy(bundle) as Mutable<AuditBundle>;
    removed.leaves.splice(1, 1);
    const gap = await verifyFile(JSON.stringify(removed));
    expect(gap.stdout).toContain("NOT SOUND: first bad position: leaf 1:");
    expect(gap.code).toBe(1);
    const oneByte = text.replace('"subject": "b2"', '"subject": "b3"');
    expect(oneByte).not.toBe(text);
    const changed = await verifyFile(oneByte);
    expect(changed.stdout).toContain("first bad position: leaf 1: leaf 1 does not match its hash");
    expect(changed.code).toBe(1);
    const other = createCheckpointSigner(new Uint8Array(32).fill(8)).publicKey();
    const wrongKey = await verifyFile(text, other);
    expect(wrongKey.stdout).toContain("first bad position: checkpoint 0:");
    expect(wrongKey.code).toBe(1);

    const notJson = await verifyFile("{ not json");
    expect(notJson.stderr).toContain("the bundle is not JSON");
    expect(notJson.code).toBe(2);
    const notBundle = await verifyFile(JSON.stringify({ format: "something else" }));
    expect(notBundle.stderr).toContain("[bundle.format]");
    expect(notBundle.code).toBe(2);
    const missing = await runFenqi([
      "audit",
      "verify-bundle",
      join(dir, "absent.json"),
      "--pubkey",
      publicKey,
    ]);
    expect(missing.stderr).toContain("the bundle cannot be read");
    expect(missing.code).toBe(2);
    const noKey = await runFenqi(["audit", "verify-bundle", file]);
    expect(noKey.stderr).toContain("usage: fenqi audit");
    expect(noKey.code).toBe(2);

    const replay = spawnFenqi(["audit", "replay"], env);
    expect(replay.stdout).toContain("fenqi audit replay: 0 decisions replayed");
    expect(replay.code).toBe(0);
  });
});
