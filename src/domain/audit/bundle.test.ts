import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../crypto/sha256.js";
import { type AuditBundle, bundleFormat, parseBundle, verifyBundle } from "./bundle.js";
import { hexOf } from "./bytes.js";
import { checkpointMessage, checkpointText } from "./checkpoint.js";
import { auditLeafHash } from "./leaf-hash.js";
import {
  consistencyProof,
  type Hash,
  inclusionProof,
  merkleRoot,
  subtreeHashesOf,
} from "./merkle.js";

/** A stand-in signature for the pure tests: the hash of the message under key "k". */
const sign = (message: Uint8Array) => sha256Hex(message);
const verify = (keyId: string, message: Uint8Array, signature: string) =>
  keyId === "k" && signature === sign(message);

/** A log of `n` leaves, and a bundle of [from, to] against checkpoints of the given sizes. */
function bundleOf(n: number, from: number, to: number, sizes: readonly number[]): AuditBundle {
  const fields = Array.from({ length: n }, (_, seq) => ({
    seq,
    at: 1_767_225_600_000 + seq,
    kind: seq % 2 === 0 ? "loan.originated" : "contact.decided",
    subject: `s${seq}`,
    data: { amount: `${seq}.00`, ok: seq % 3 === 0, n: seq },
  }));
  const hashes: Hash[] = fields.map(auditLeafHash);
  const subtree = subtreeHashesOf(hashes);
  const anchor = sizes[sizes.length - 1] as number;
  const checkpoints = sizes.map((size, i) => {
    const body = {
      treeSize: size,
      rootHash: merkleRoot(hashes.slice(0, size)),
      at: 1_767_225_600_000,
    };
    const signed = {
      seq: i,
      text: checkpointText(body),
      keyId: "k",
      signature: sign(checkpointMessage(body)),
    };
    const previous = sizes[i - 1];
    if (previous === undefined) return signed;
    return { ...signed, consistency: consistencyProof(previous, size, subtree).map(hexOf) };
  });
  const leaves = fields.slice(from, to + 1).map((leaf, i) => ({
    ...leaf,
    hash: hexOf(hashes[from + i] as Hash),
    proof: inclusionProof(leaf.seq, anchor, subtree).map(hexOf),
  }));
  return { format: bundleFormat, log: "fenqi-audit", keyId: "k", from, to, checkpoints, leaves };
}

const first = (bundle: AuditBundle) => {
  const problem = verifyBundle(bundle, verify).problems[0];
  return problem ? `${problem.kind} ${problem.position}` : "sound";
};

/** Random logs, ranges inside them and a chain of checkpoint sizes ending at or after `to`. */
const shapes = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.integer({ min: 0, max: n - 1 }),
      fc.integer({ min: 0, max: n - 1 }),
      fc.array(fc.integer({ min: 1, max: n }), { maxLength: 4 }),
    ),
  )
  .map(([n, a, b, extra]) => {
    const [from, to] = a <= b ? [a, b] : [b, a];
    const sizes = [...new Set([...extra.filter((s) => s > to), n])].sort((x, y) => x - y);
    return { n, from, to, sizes };
  });

describe("export bundles (pure)", () => {
  it("verifies every honestly built bundle, and survives a JSON round trip", () => {
    fc.assert(
      fc.property(shapes, ({ n, from, to, sizes }) => {
        const bundle = bundleOf(n, from, to, sizes);
        const parsed = parseBundle(JSON.parse(JSON.stringify(bundle)));
        expect(parsed.ok).toBe(true);
        expect(first(bundle)).toBe("sound");
      }),
    );
  });

  it("names the first bad leaf whichever leaf is edited, removed or moved", () => {
    fc.assert(
      fc.property(shapes, fc.nat(), ({ n, from, to, sizes }, pick) => {
        const bundle = bundleOf(n, from, to, sizes);
        const i = pick % bundle.leaves.length;
        const seq = from + i;
        const leaves = [...bundle.leaves];
        const leaf = leaves[i] as AuditBundle["leaves"][number];
        leaves[i] = { ...leaf, data: { ...leaf.data, amount: "9999.00" } };
        expect(first({ ...bundle, leaves })).toBe(`leaf_hash leaf ${seq}`);
        const removed = bundle.leaves.filter((_, j) => j !== i);
        expect(first({ ...bundle, leaves: removed })).toBe(`leaf_missing leaf ${seq}`);
        if (i + 1 < bundle.leaves.length) {
          const swapped = [...bundle.leaves];
          [swapped[i], swapped[i + 1]] = [swapped[i + 1] as typeof leaf, leaf];
          expect(first({ ...bundle, leaves: swapped })).toBe(`leaf_order leaf ${seq}`);
        }
      }),
    );
  });

  it("refuses what is not a bundle, naming the field", () => {
    const bundle = bundleOf(4, 1, 2, [4]);
    const field = (value: unknown) => {
      const parsed = parseBundle(value);
      return parsed.ok ? "ok" : parsed.error.field;
    };
    expect(field(JSON.parse(JSON.stringify(bundle)))).toBe("ok");
    expect(field(null)).toBe("format");
    expect(field({ ...bundle, format: "fenqi-audit-bundle/2" })).toBe("format");
    expect(field({ ...bundle, from: 3 })).toBe("from");
    expect(field({ ...bundle, checkpoints: [] })).toBe("checkpoints");
    const leaf = bundle.leaves[0];
    expect(field({ ...bundle, leaves: [{ ...leaf, data: { x: [] } }] })).toBe("leaves[0]");
    expect(field({ ...bundle, leaves: [{ ...leaf, seq: -1 }] })).toBe("leaves[0]");
    expect(field({ ...bundle, leaves: [{ ...leaf, proof: "00" }] })).toBe("leaves[0]");
    const [checkpoint] = bundle.checkpoints;
    expect(field({ ...bundle, checkpoints: [{ ...checkpoint, consistency: [] }] })).toBe(
      "checkpoints[0]",
    );
  });

  it("names a checkpoint whose text, signature or consistency proof is wrong", () => {
    const bundle = bundleOf(9, 2, 4, [5, 7, 9]);
    const checkpoints = [...bundle.checkpoints];
    const middle = checkpoints[1] as AuditBundle["checkpoints"][number];
    const garbled = [...checkpoints];
    garbled[1] = { ...middle, text: middle.text.replace("fenqi-audit", "other-log") };
    expect(first({ ...bundle, checkpoints: garbled })).toBe("checkpoint_format checkpoint 1");
    const unsigned = [...checkpoints];
    unsigned[1] = { ...middle, signature: "AAAA" };
    expect(first({ ...bundle, checkpoints: unsigned })).toBe("checkpoint_signature checkpoint 1");
    const unproven = [...checkpoints];
    unproven[1] = { ...middle, consistency: ["zz"] };
    expect(first({ ...bundle, checkpoints: unproven })).toBe("checkpoint_consistency checkpoint 1");
  });
});
