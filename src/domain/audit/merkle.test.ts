import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64Of, bytesOfBase64, bytesOfHex, hexOf } from "./bytes.js";
import {
  consistencyProof,
  consistencyProofNodes,
  emptyTreeRoot,
  type Hash,
  inclusionProof,
  inclusionProofNodes,
  leafHash,
  MerkleFrontier,
  merkleRoot,
  ProofNodeCollector,
  subtreeHashesOf,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.js";

/** RFC 6962 written out as its recursive definitions, hashed with node:crypto: the reference. */
const sha = (...parts: Uint8Array[]): Uint8Array =>
  new Uint8Array(createHash("sha256").update(Buffer.concat(parts)).digest());
const refLeaf = (bytes: Uint8Array) => sha(Uint8Array.of(0), bytes);
const refNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
function refSplit(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function refMth(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0] as Uint8Array;
  const k = refSplit(d.length);
  return refNode(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = refSplit(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = refSplit(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}
const refProof = (m: number, d: readonly Uint8Array[]) =>
  m === 0 || m === d.length ? [] : refSubproof(m, d, true);

/** The leaves of the Certificate Transparency test vectors (certificate-transparency merkle_tree_test). */
const vectorLeaves = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map((hex) => bytesOfHex(hex) as Uint8Array);

/** MTH of the first 1..8 of them. */
const vectorRoots = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

const leafHashes = (count: number): Hash[] =>
  Array.from({ length: count }, (_, i) => leafHash(Uint8Array.of(i & 255, i >> 8, 7)));

/** A copy of `bytes` with one bit flipped. */
function flipped(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at % copy.length] = (copy[at % copy.length] as number) ^ (1 << bit);
  return copy;
}

describe("the RFC 6962 Merkle tree", () => {
  it("gives the Certificate Transparency test vectors", () => {
    expect(hexOf(emptyTreeRoot)).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    const hashes = vectorLeaves.map(leafHash);
    for (let n = 1; n <= 8; n++)
      expect(hexOf(merkleRoot(hashes.slice(0, n)))).toBe(vectorRoots[n - 1]);
  });

  it("gives the Certificate Transparency inclusion and consistency proof vectors", () => {
    const hashes = vectorLeaves.map(leafHash);
    const subtree = subtreeHashesOf(hashes);
    expect(inclusionProof(0, 8, subtree).map(hexOf)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(consistencyProof(1, 8, subtree).map(hexOf)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(consistencyProof(6, 8, subtree).map(hexOf)).toEqual([
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    expect(consistencyProof(2, 5, subtree).map(hexOf)).toEqual([
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]);
  });

  it("agrees with the recursive definitions for every size, leaf and pair up to 40", () => {
    const hashes = leafHashes(40);
    const subtree = subtreeHashesOf(hashes);
    for (let n = 0; n <= 40; n++) {
      const d = hashes.slice(0, n);
      expect(hexOf(merkleRoot(d))).toBe(hexOf(refMth(d)));
      for (let m = 0; m < n; m++) {
        expect(inclusionProof(m, n, subtree).map(hexOf)).toEqual(refPath(m, d).map(hexOf));
      }
      for (let m = 0; m <= n; m++) {
        expect(consistencyProof(m, n, subtree).map(hexOf)).toEqual(refProof(m, d).map(hexOf));
      }
    }
    expect(hexOf(leafHash(vectorLeaves[3] as Uint8Array))).toBe(
      hexOf(refLeaf(vectorLeaves[3] as Uint8Array)),
    );
  });

  it("computes the root of a large tree without recursion, one push at a time", () => {
    const frontier = new MerkleFrontier();
    const leaf = leafHash(Uint8Array.of(1));
    for (let i = 0; i < 70_000; i++) frontier.push(leaf);
    expect(frontier.size).toBe(70_000);
    // 70,000 copies of one leaf: perfect subtrees of equal leaves are computed by doubling.
    const perfect = [leaf];
    for (let level = 1; level <= 16; level++) {
      const below = perfect[level - 1] as Hash;
      perfect.push(refNode(below, below));
    }
    // 70,000 = 65,536 + 4,096 + 256 + 64 + 32 + 16.
    const tail = [16, 12, 8, 6, 5, 4].map((level) => perfect[level] as Hash);
    const expected = tail.reduceRight((right, left) => refNode(left, right));
    expect(hexOf(frontier.root())).toBe(hexOf(expected));
  });
});

/** A tree of 1..80 leaves and a leaf in it. */
const treeAndLeaf = fc
  .integer({ min: 1, max: 80 })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
/** Sizes 0 < m < n ≤ 80 (and m = n, m = 0). */
const sizePair = fc
  .integer({ min: 1, max: 80 })
  .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

describe("proofs", () => {
  const hashes = leafHashes(81); // one past the largest tree, for the "size + 1" checks
  const subtree = subtreeHashesOf(hashes);
  const root = (n: number) => merkleRoot(hashes.slice(0, n));

  it("every inclusion proof verifies, and none at another index or size", () => {
    fc.assert(
      fc.property(treeAndLeaf, ([n, m]) => {
        const proof = inclusionProof(m, n, subtree);
        const leaf = hashes[m] as Hash;
        expect(verifyInclusion(m, n, leaf, proof, root(n))).toBe(true);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, leaf, proof, root(n))).toBe(false);
        expect(verifyInclusion(m, n + 1, leaf, proof, root(n + 1))).toBe(false);
        expect(verifyInclusion(m, n, leaf, [...proof, leaf], root(n))).toBe(false);
      }),
    );
  });

  it("a changed bit of the leaf, of any path node or of the root fails", () => {
    fc.assert(
      fc.property(
        treeAndLeaf,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        ([n, m], at, bit, which) => {
          const proof = inclusionProof(m, n, subtree);
          const leaf = hashes[m] as Hash;
          const r = root(n);
          expect(verifyInclusion(m, n, flipped(leaf, at, bit), proof, r)).toBe(false);
          expect(verifyInclusion(m, n, leaf, proof, flipped(r, at, bit))).toBe(false);
          if (proof.length > 0) {
            const k = which % proof.length;
            const bad = proof.map((p, i) => (i === k ? flipped(p, at, bit) : p));
            expect(verifyInclusion(m, n, leaf, bad, r)).toBe(false);
            expect(verifyInclusion(m, n, leaf, proof.slice(0, -1), r)).toBe(false);
          }
        },
      ),
    );
  });

  it("every consistency proof verifies, and fails when either root or a node changes", () => {
    fc.assert(
      fc.property(
        sizePair,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        ([m, n], at, bit, which) => {
          const proof = consistencyProof(m, n, subtree);
          expect(verifyConsistency(m, n, root(m), root(n), proof)).toBe(true);
          if (m === 0) return; // every tree extends the empty one
          expect(verifyConsistency(m, n, flipped(root(m), at, bit), root(n), proof)).toBe(false);
          expect(verifyConsistency(m, n, root(m), flipped(root(n), at, bit), proof)).toBe(false);
          if (proof.length > 0) {
            const k = which % proof.length;
            const bad = proof.map((p, i) => (i === k ? flipped(p, at, bit) : p));
            expect(verifyConsistency(m, n, root(m), root(n), bad)).toBe(false);
          }
          if (m < n) expect(verifyConsistency(m, n, root(m), root(n), [])).toBe(false);
        },
      ),
    );
  });

  it("a collector picks every proof node out of one pass over the leaves", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sizePair, fc.nat()), { minLength: 1, maxLength: 6 }),
        (cases) => {
          const wanted = cases.flatMap(([[m, n], i]) => [
            ...consistencyProofNodes(m, n),
            ...inclusionProofNodes(i % n, n),
          ]);
          const collector = new ProofNodeCollector(wanted);
          for (const leaf of hashes) collector.push(leaf);
          for (const [[m, n], i] of cases) {
            expect(consistencyProof(m, n, collector.hashOf).map(hexOf)).toEqual(
              consistencyProof(m, n, subtree).map(hexOf),
            );
            expect(inclusionProof(i % n, n, collector.hashOf).map(hexOf)).toEqual(
              inclusionProof(i % n, n, subtree).map(hexOf),
            );
          }
        },
      ),
    );
  });
});

describe("hex and base64", () => {
  it("round-trip any bytes and refuse every other spelling", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(bytesOfHex(hexOf(bytes))).toEqual(bytes);
        const b64 = base64Of(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString("base64"));
        expect(bytesOfBase64(b64)).toEqual(bytes);
      }),
    );
    expect(bytesOfBase64("AQI")).toBeUndefined();
    expect(bytesOfBase64("AQJ=")).toBeUndefined(); // non-zero padding bits
    expect(bytesOfBase64("AQ-=")).toBeUndefined();
    expect(bytesOfHex("0A")).toBeUndefined();
    expect(bytesOfHex("abc")).toBeUndefined();
  });
});
