import { Sha256, sha256Bytes } from "../crypto/sha256.js";
import { assert } from "../result.js";
import { bytesEqual } from "./bytes.js";

/**
 * The Merkle tree of the audit log, exactly as RFC 6962 §2.1 defines it (and RFC 9162 keeps):
 * leaves are hashed SHA-256(0x00 ‖ leaf), interior nodes SHA-256(0x01 ‖ left ‖ right), and a
 * tree of n > 1 leaves splits at the largest power of two smaller than n. The two prefixes keep a
 * leaf from ever passing for a node (a second-preimage attack on the tree).
 *
 * Everything here is synchronous and pure. Sizes and indices are JS integers (below 2^53), so
 * halving is done with arithmetic, never with 32-bit shifts.
 */

/** A SHA-256 digest: 32 bytes. */
export type Hash = Uint8Array;
export const hashBytes = 32;

/** A node of the tree: the leaves [start, end), as RFC 6962 writes D[start:end]. */
export interface NodeRange {
  readonly start: number;
  readonly end: number;
}

/** Leaves past this are refused: the frontier and the proofs index them with JS numbers. */
export const treeSizeMax = 2 ** 52;

/** MTH({}) = SHA-256() (RFC 6962 §2.1): the root of the empty tree. */
export const emptyTreeRoot: Hash = sha256Bytes(new Uint8Array(0));

/** Hashes every leaf: the 0x00 prefix and the leaf go in as two pieces, never concatenated. */
const leafHasher = new Sha256();

/** The leaf hash of `bytes`: SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array): Hash {
  return leafHasher.reset().updateByte(0x00).update(bytes).digest();
}

/** One buffer for every interior hash: the hash is fresh bytes, so reuse is safe. */
const nodeInput = new Uint8Array(1 + 2 * hashBytes);
nodeInput[0] = 0x01;

/** An interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  assert(left.length === hashBytes && right.length === hashBytes, "node children are 32 bytes");
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + hashBytes);
  return sha256Bytes(nodeInput);
}

/** The largest power of two strictly smaller than `n` (n ≥ 2): where RFC 6962 splits. */
export function splitPoint(n: number): number {
  assert(Number.isSafeInteger(n) && n >= 2, `a tree of ${n} leaves does not split`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(size: number, what: string): void {
  assert(
    Number.isSafeInteger(size) && size >= 0 && size <= treeSizeMax,
    `${what} ${size} is not a tree size`,
  );
}

/**
 * The right edge of a tree being built one leaf at a time (a "compact range" from 0): the roots
 * of the perfect subtrees that the binary digits of the size name, largest first. At most one
 * per bit, so memory is O(log n) and each push costs one hash amortized; the root of n leaves is
 * O(n) in all, with no recursion.
 *
 * `onNode` sees every perfect, aligned subtree as it completes — each leaf (width 1) and each
 * merge — which is how `ProofNodeCollector` picks proof nodes out of one pass over the log.
 */
export class MerkleFrontier {
  private readonly hashes: Hash[] = [];
  private readonly starts: number[] = [];
  private readonly widths: number[] = [];
  private count = 0;

  constructor(private readonly onNode?: (start: number, width: number, hash: Hash) => void) {}

  /** The number of leaves pushed. */
  get size(): number {
    return this.count;
  }

  /** Appends the next leaf's hash (already a leaf hash, SHA-256(0x00 ‖ leaf)). */
  push(leaf: Hash): void {
    assert(leaf.length === hashBytes, "a leaf hash is 32 bytes");
    assert(this.count < treeSizeMax, "the tree is full");
    let hash = leaf;
    let start = this.count;
    let width = 1;
    this.onNode?.(start, width, hash);
    while (this.widths.length > 0 && this.widths[this.widths.length - 1] === width) {
      const left = this.hashes.pop() as Hash;
      start = this.starts.pop() as number;
      this.widths.pop();
      hash = nodeHash(left, hash);
      width *= 2;
      this.onNode?.(start, width, hash);
    }
    this.hashes.push(hash);
    this.starts.push(start);
    this.widths.push(width);
    this.count += 1;
  }

  /** MTH(D[0:size]): the subtrees folded right to left, as the RFC's split recursion nests them. */
  root(): Hash {
    return this.count === 0 ? emptyTreeRoot : this.suffixRoot(0);
  }

  /**
   * MTH(D[start:size]) where `start` begins one of the frontier's subtrees: a node on the right
   * edge of the tree of the current size (every non-perfect node of an RFC 6962 tree is one).
   */
  suffixRoot(start: number): Hash {
    const i = this.starts.indexOf(start);
    assert(i >= 0, `${start} is not a subtree boundary of a tree of ${this.count}`);
    let hash = this.hashes[this.hashes.length - 1] as Hash;
    for (let j = this.hashes.length - 2; j >= i; j--) hash = nodeHash(this.hashes[j] as Hash, hash);
    return hash;
  }
}

/** MTH of the given leaf hashes, in O(n) time and O(log n) extra memory. */
export function merkleRoot(leaves: Iterable<Hash>): Hash {
  const frontier = new MerkleFrontier();
  for (const leaf of leaves) frontier.push(leaf);
  return frontier.root();
}

/**
 * The nodes of the audit path of leaf `index` in a tree of `size` (RFC 6962 §2.1.1, PATH), in
 * proof order: the leaf's sibling first, the root's child last.
 */
export function inclusionProofNodes(index: number, size: number): NodeRange[] {
  checkSize(size, "tree size");
  assert(Number.isSafeInteger(index) && index >= 0 && index < size, `no leaf ${index} in ${size}`);
  const nodes: NodeRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      nodes.push({ start: start + k, end });
      end = start + k;
    } else {
      nodes.push({ start, end: start + k });
      start += k;
    }
  }
  return nodes.reverse();
}

/**
 * The nodes of the consistency proof from size `m` to size `n` (RFC 6962 §2.1.2, PROOF and
 * SUBPROOF), in proof order. Empty when m is 0 or m equals n: nothing needs proving.
 */
export function consistencyProofNodes(m: number, n: number): NodeRange[] {
  checkSize(n, "tree size");
  assert(Number.isSafeInteger(m) && m >= 0 && m <= n, `no consistency from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const nodes: NodeRange[] = [];
  let start = 0;
  let end = n;
  let rest = m;
  let whole = true; // SUBPROOF's b: the old tree is a whole subtree here, so its root is known
  while (rest !== end - start) {
    const k = splitPoint(end - start);
    if (rest <= k) {
      nodes.push({ start: start + k, end });
      end = start + k;
    } else {
      nodes.push({ start, end: start + k });
      rest -= k;
      start += k;
      whole = false;
    }
  }
  if (!whole) nodes.push({ start, end });
  return nodes.reverse();
}

/** MTH(D[start:end]) of some log, however it is stored. */
export type SubtreeHash = (node: NodeRange) => Hash;

/** The audit path of leaf `index` in the tree of `size`, with node hashes from `subtree`. */
export function inclusionProof(index: number, size: number, subtree: SubtreeHash): Hash[] {
  return inclusionProofNodes(index, size).map(subtree);
}

/** The consistency proof from size `m` to size `n`, with node hashes from `subtree`. */
export function consistencyProof(m: number, n: number, subtree: SubtreeHash): Hash[] {
  return consistencyProofNodes(m, n).map(subtree);
}

/** Node hashes from leaf hashes held in memory (tests, small logs): O(end − start) per node. */
export function subtreeHashesOf(leaves: readonly Hash[]): SubtreeHash {
  return ({ start, end }) => {
    assert(0 <= start && start < end && end <= leaves.length, `no node [${start}, ${end})`);
    const frontier = new MerkleFrontier();
    for (let i = start; i < end; i++) frontier.push(leaves[i] as Hash);
    return frontier.root();
  };
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function odd(n: number): boolean {
  return n % 2 === 1;
}

/**
 * Whether `proof` shows that the leaf with hash `leaf` is leaf `index` of the tree of `size`
 * whose root is `root` (RFC 9162 §2.1.3.2).
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return false;
  if (index < 0 || index >= size || size > treeSizeMax) return false;
  if (leaf.length !== hashBytes || root.length !== hashBytes) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== hashBytes) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * Whether `proof` shows that the tree of size `m` with root `oldRoot` is a prefix of the tree of
 * size `n` with root `newRoot` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal
 * roots; from the empty tree anything follows, with an empty proof.
 */
export function verifyConsistency(
  m: number,
  n: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n)) return false;
  if (m < 0 || m > n || n > treeSizeMax) return false;
  if (oldRoot.length !== hashBytes || newRoot.length !== hashBytes) return false;
  if (proof.some((p) => p.length !== hashBytes)) return false;
  if (m === 0) return proof.length === 0;
  if (m === n) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Hash;
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

/**
 * Picks given proof nodes out of one pass over a log's leaves: push every leaf hash in order,
 * then read each wanted node's hash. A perfect node (a power-of-two width at an aligned start) is
 * caught as the frontier completes it; any other node of an RFC 6962 tree lies on the right edge
 * of the tree whose size is its end, and is folded from the frontier when the pass reaches that
 * size. So proofs against many tree sizes cost one O(n) pass and O(log n + nodes) memory —
 * the log's rows are never all in memory at once.
 */
export class ProofNodeCollector {
  private readonly frontier: MerkleFrontier;
  /** Starts of wanted perfect nodes: a cheap numeric test before building a key. */
  private readonly perfectStarts = new Set<number>();
  private readonly perfect = new Set<string>();
  /** Wanted right-edge nodes by their end (a tree size): the starts to fold from. */
  private readonly edges = new Map<number, number[]>();
  private readonly found = new Map<string, Hash>();

  constructor(wanted: Iterable<NodeRange>) {
    for (const { start, end } of wanted) {
      assert(Number.isSafeInteger(start) && 0 <= start && start < end, "a node has leaves");
      const width = end - start;
      if (isPowerOfTwo(width) && start % width === 0) {
        this.perfectStarts.add(start);
        this.perfect.add(key(start, end));
      } else {
        const starts = this.edges.get(end) ?? [];
        starts.push(start);
        this.edges.set(end, starts);
      }
    }
    this.frontier = new MerkleFrontier((start, width, hash) => {
      if (!this.perfectStarts.has(start)) return;
      const k = key(start, start + width);
      if (this.perfect.has(k)) this.found.set(k, hash);
    });
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Appends the next leaf hash. */
  push(leaf: Hash): void {
    this.frontier.push(leaf);
    const starts = this.edges.get(this.frontier.size);
    for (const start of starts ?? []) {
      this.found.set(key(start, this.frontier.size), this.frontier.suffixRoot(start));
    }
  }

  /** The root of the leaves pushed so far. */
  root(): Hash {
    return this.frontier.root();
  }

  /** The hash of a wanted node the pass has reached; throws for one it has not. */
  readonly hashOf: SubtreeHash = ({ start, end }) => {
    const hash = this.found.get(key(start, end));
    assert(hash !== undefined, `node [${start}, ${end}) was not wanted or not yet reached`);
    return hash;
  };
}

function key(start: number, end: number): string {
  return `${start}:${end}`;
}
