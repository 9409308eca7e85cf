import { assert } from "../result.js";
import { encodeUtf8Into, utf8Scratch } from "./utf8.js";

export { utf8Bytes } from "./utf8.js";

/**
 * SHA-256 (FIPS 180-4, section 6.2) over bytes or UTF-8 text. The domain hashes decision inputs
 * and audit records itself because it may import no package and no `node:crypto` (DESIGN.md
 * "Architecture"); the tests hold it to `node:crypto` on random input.
 *
 * Written for speed in plain TypeScript: blocks are compressed straight from the caller's bytes
 * (or from one reusable UTF-8 buffer for text), the message schedule is one preallocated
 * `Int32Array`, all arithmetic stays in int32 (`| 0`), and nothing is allocated per block.
 * Everything is synchronous and nothing here calls out, so the shared scratch buffers are never
 * in use twice at once.
 */

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const roundConstants = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const initialHash = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const blockBytes = 64;
/** The message length field is 64 bits; JavaScript arrays stop far below 2^53 bits anyway. */
const messageBytesMax = 2 ** 50;
/** A SHA-256 digest is 32 bytes. */
export const sha256DigestBytes = 32;

/** The message schedule W[0..63], shared by every compression (FIPS 180-4 6.2.2 step 1). */
const schedule = new Int32Array(64);

// The four functions of FIPS 180-4 4.1.2, on int32 values (ROTR n is `x >>> n | x << 32 - n`).
// TurboFan inlines them; they keep the unrolled rounds below readable.
function bigSigma0(x: number): number {
  return ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
}
function bigSigma1(x: number): number {
  return ((x >>> 6) | (x << 26)) ^ ((x >>> 11) | (x << 21)) ^ ((x >>> 25) | (x << 7));
}
function smallSigma0(x: number): number {
  return ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
}
function smallSigma1(x: number): number {
  return ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);
}

/**
 * Compresses the 64-byte blocks data[offset, end) into `state` (FIPS 180-4 6.2.2). `end - offset`
 * is a multiple of 64. Words are read big-endian by hand; every sum wraps with `| 0`.
 *
 * The rounds are unrolled by eight so the working variables never shuffle: round t computes
 * T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t], then d += T1 and h = T1 + Σ0(a) + Maj(a, b, c),
 * and the next round reads the eight variables renamed one place along (h, a, b, …, g). That is
 * the standard's assignment chain with the moves left out (a few per cent faster on Node 20; a
 * full 64-round unroll was three times slower).
 */
function compress(state: Int32Array, data: Uint8Array, offset: number, end: number): void {
  const w = schedule;
  const k = roundConstants;
  // Typed-array reads are `number | undefined` under noUncheckedIndexedAccess; every index here
  // is in range by construction, so the casts below cost nothing and hide no `undefined`.
  let h0 = state[0] as number;
  let h1 = state[1] as number;
  let h2 = state[2] as number;
  let h3 = state[3] as number;
  let h4 = state[4] as number;
  let h5 = state[5] as number;
  let h6 = state[6] as number;
  let h7 = state[7] as number;
  for (let p = offset; p < end; p += blockBytes) {
    for (let t = 0, i = p; t < 16; t++, i += 4) {
      w[t] =
        ((data[i] as number) << 24) |
        ((data[i + 1] as number) << 16) |
        ((data[i + 2] as number) << 8) |
        (data[i + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      w[t] =
        (smallSigma1(w[t - 2] as number) +
          (w[t - 7] as number) +
          smallSigma0(w[t - 15] as number) +
          (w[t - 16] as number)) |
        0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    let t1: number;
    for (let t = 0; t < 64; t += 8) {
      t1 = (h + bigSigma1(e) + (g ^ (e & (f ^ g))) + (k[t] as number) + (w[t] as number)) | 0;
      d = (d + t1) | 0;
      h = (t1 + bigSigma0(a) + ((a & b) | (c & (a | b)))) | 0;
      t1 =
        (g + bigSigma1(d) + (f ^ (d & (e ^ f))) + (k[t + 1] as number) + (w[t + 1] as number)) | 0;
      c = (c + t1) | 0;
      g = (t1 + bigSigma0(h) + ((h & a) | (b & (h | a)))) | 0;
      t1 =
        (f + bigSigma1(c) + (e ^ (c & (d ^ e))) + (k[t + 2] as number) + (w[t + 2] as number)) | 0;
      b = (b + t1) | 0;
      f = (t1 + bigSigma0(g) + ((g & h) | (a & (g | h)))) | 0;
      t1 =
        (e + bigSigma1(b) + (d ^ (b & (c ^ d))) + (k[t + 3] as number) + (w[t + 3] as number)) | 0;
      a = (a + t1) | 0;
      e = (t1 + bigSigma0(f) + ((f & g) | (h & (f | g)))) | 0;
      t1 =
        (d + bigSigma1(a) + (c ^ (a & (b ^ c))) + (k[t + 4] as number) + (w[t + 4] as number)) | 0;
      h = (h + t1) | 0;
      d = (t1 + bigSigma0(e) + ((e & f) | (g & (e | f)))) | 0;
      t1 =
        (c + bigSigma1(h) + (b ^ (h & (a ^ b))) + (k[t + 5] as number) + (w[t + 5] as number)) | 0;
      g = (g + t1) | 0;
      c = (t1 + bigSigma0(d) + ((d & e) | (f & (d | e)))) | 0;
      t1 =
        (b + bigSigma1(g) + (a ^ (g & (h ^ a))) + (k[t + 6] as number) + (w[t + 6] as number)) | 0;
      f = (f + t1) | 0;
      b = (t1 + bigSigma0(c) + ((c & d) | (e & (c | d)))) | 0;
      t1 =
        (a + bigSigma1(f) + (h ^ (f & (g ^ h))) + (k[t + 7] as number) + (w[t + 7] as number)) | 0;
      e = (e + t1) | 0;
      a = (t1 + bigSigma0(b) + ((b & c) | (d & (b | c)))) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * Pads and compresses the last partial block: `tail[0, tailLength)` (< 64 bytes) holds the
 * message bytes after the last whole block, and `totalLength` is the whole message's length
 * (FIPS 180-4 5.1.1: a 1 bit, zeros, then the length in bits, big-endian). Overwrites `tail`,
 * which must have room for 128 bytes.
 */
function finish(state: Int32Array, tail: Uint8Array, tailLength: number, totalLength: number) {
  assert(totalLength <= messageBytesMax, `message of ${totalLength} bytes is too long to hash`);
  const end = tailLength + 9 <= blockBytes ? blockBytes : 2 * blockBytes;
  tail[tailLength] = 0x80;
  tail.fill(0, tailLength + 1, end - 8);
  const high = Math.floor(totalLength / 2 ** 29); // (length * 8) / 2^32
  const low = (totalLength * 8) % 2 ** 32;
  tail[end - 8] = high >>> 24;
  tail[end - 7] = high >>> 16;
  tail[end - 6] = high >>> 8;
  tail[end - 5] = high;
  tail[end - 4] = low >>> 24;
  tail[end - 3] = low >>> 16;
  tail[end - 2] = low >>> 8;
  tail[end - 1] = low;
  compress(state, tail, 0, end);
}

/** Scratch for the one-shot functions: the state and the padded last block(s). */
const oneShotState = new Int32Array(8);
const oneShotTail = new Uint8Array(2 * blockBytes);

/** Hashes data[0, length) into `oneShotState`. */
function hashOneShot(data: Uint8Array, length: number): void {
  oneShotState.set(initialHash);
  const whole = length - (length % blockBytes);
  compress(oneShotState, data, 0, whole);
  for (let i = whole; i < length; i++) oneShotTail[i - whole] = data[i] as number;
  finish(oneShotState, oneShotTail, length - whole, length);
}

// ---------------------------------------------------------------------------------------------
// Output

/** "00".."ff", for writing a digest as hex without per-word `toString`/`padStart`. */
const hexOfByte: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, "0"),
);

function hexOfState(state: Int32Array): string {
  let hex = "";
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number;
    hex +=
      (hexOfByte[word >>> 24] as string) +
      (hexOfByte[(word >>> 16) & 0xff] as string) +
      (hexOfByte[(word >>> 8) & 0xff] as string) +
      (hexOfByte[word & 0xff] as string);
  }
  return hex;
}

function bytesOfState(state: Int32Array): Uint8Array {
  const out = new Uint8Array(sha256DigestBytes);
  for (let i = 0, o = 0; i < 8; i++, o += 4) {
    const word = state[i] as number;
    out[o] = word >>> 24;
    out[o + 1] = word >>> 16;
    out[o + 2] = word >>> 8;
    out[o + 3] = word;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// API

/**
 * The SHA-256 digest of `input` as 64 lowercase hex digits. A string is hashed as its UTF-8
 * bytes.
 *
 * @example sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export function sha256Hex(input: string | Uint8Array): string {
  if (typeof input === "string") {
    const buffer = utf8Scratch(input);
    hashOneShot(buffer, encodeUtf8Into(input, buffer, 0));
  } else {
    hashOneShot(input, input.length);
  }
  return hexOfState(oneShotState);
}

/** The SHA-256 digest of `input`: 32 fresh bytes. */
export function sha256Bytes(input: Uint8Array): Uint8Array {
  hashOneShot(input, input.length);
  return bytesOfState(oneShotState);
}

/**
 * SHA-256 over a message given in pieces, so a caller can hash `0x00 ‖ bytes` or
 * `0x01 ‖ left ‖ right` without building the concatenation. `digest`/`digestHex` end the
 * message; `reset` starts a new one with the same object.
 *
 * @example new Sha256().update(Uint8Array.of(0x61)).update("bc").digestHex() // sha256Hex("abc")
 */
export class Sha256 {
  private readonly state = new Int32Array(8);
  /** The bytes after the last whole block; 128 so `finish` can pad in place. */
  private readonly pending = new Uint8Array(2 * blockBytes);
  private pendingLength = 0;
  private length = 0;
  private done = false;

  constructor() {
    this.state.set(initialHash);
  }

  /** Forgets everything hashed so far, as a fresh `Sha256`. */
  reset(): this {
    this.state.set(initialHash);
    this.pendingLength = 0;
    this.length = 0;
    this.done = false;
    return this;
  }

  /** Appends `input` (a string as its UTF-8 bytes) to the message. */
  update(input: Uint8Array | string): this {
    if (typeof input === "string") {
      const buffer = utf8Scratch(input);
      return this.append(buffer, encodeUtf8Into(input, buffer, 0));
    }
    return this.append(input, input.length);
  }

  /** Appends one byte, e.g. a domain-separation prefix. */
  updateByte(byte: number): this {
    assert(!this.done, "update after digest");
    this.length += 1;
    this.pending[this.pendingLength++] = byte;
    if (this.pendingLength === blockBytes) {
      compress(this.state, this.pending, 0, blockBytes);
      this.pendingLength = 0;
    }
    return this;
  }

  /** Ends the message: its digest as 32 fresh bytes. */
  digest(): Uint8Array {
    this.end();
    return bytesOfState(this.state);
  }

  /** Ends the message: its digest as 64 lowercase hex digits. */
  digestHex(): string {
    this.end();
    return hexOfState(this.state);
  }

  private append(data: Uint8Array, length: number): this {
    assert(!this.done, "update after digest");
    this.length += length;
    let i = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(blockBytes - this.pendingLength, length);
      for (; i < take; i++) this.pending[this.pendingLength + i] = data[i] as number;
      this.pendingLength += take;
      if (this.pendingLength < blockBytes) return this;
      compress(this.state, this.pending, 0, blockBytes);
      this.pendingLength = 0;
    }
    const whole = i + (length - i - ((length - i) % blockBytes));
    compress(this.state, data, i, whole);
    for (let j = whole; j < length; j++) this.pending[j - whole] = data[j] as number;
    this.pendingLength = length - whole;
    return this;
  }

  private end(): void {
    assert(!this.done, "digest called twice");
    this.done = true;
    finish(this.state, this.pending, this.pendingLength, this.length);
  }
}
