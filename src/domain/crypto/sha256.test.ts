import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Sha256, sha256Bytes, sha256Hex, utf8Bytes } from "./sha256.js";

function nodeSha256(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}

describe("sha256Hex", () => {
  it("gives the FIPS 180-4 / NIST example digests", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(sha256Hex("a".repeat(1_000_000))).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
  });

  it("hashes around the padding boundaries (55, 56, 63, 64, 65 bytes)", () => {
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const text = "x".repeat(length);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it("agrees with node:crypto on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(nodeSha256(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with node:crypto on random text, hashed as UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(sha256Hex(text)).toBe(nodeSha256(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe("utf8Bytes", () => {
  it("encodes like TextEncoder, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (text) => {
        expect(utf8Bytes(text)).toEqual(new TextEncoder().encode(text));
      }),
    );
    expect([...utf8Bytes("\ud800x")]).toEqual([0xef, 0xbf, 0xbd, 0x78]);
    expect([...utf8Bytes("分期")]).toEqual([0xe5, 0x88, 0x86, 0xe6, 0x9c, 0x9f]);
  });
});

/** `bytes` cut at `cuts` (sorted, clamped), as consecutive pieces. */
function pieces(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...cuts.map((c) => c % (bytes.length + 1)), bytes.length].sort((a, b) => a - b);
  let from = 0;
  return points.map((to) => {
    const piece = bytes.subarray(from, to);
    from = to;
    return piece;
  });
}

function hexOfBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Strings rich in what UTF-8 encoders get wrong: lone and paired surrogates, astral and BMP text. */
const trickyText = fc
  .array(
    fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff", "\ud83d\ude00", "分期", "\u07ff"),
      fc.string({ unit: "grapheme", maxLength: 10 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("the fast SHA-256 against node:crypto", () => {
  it("sha256Hex and sha256Bytes agree on random bytes, across many blocks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        const expected = nodeSha256(bytes);
        expect(sha256Hex(bytes)).toBe(expected);
        expect(hexOfBytes(sha256Bytes(bytes))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("hashes a view into a larger buffer by its own bytes only", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        (bytes, a, b) => {
          const start = a % bytes.length;
          const view = bytes.subarray(start, start + (b % (bytes.length - start + 1)));
          expect(hexOfBytes(sha256Bytes(view))).toBe(nodeSha256(view));
          expect(new Sha256().update(view).digestHex()).toBe(nodeSha256(view));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("hashes incrementally, split at random points, like one shot", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1_000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, cuts) => {
          const expected = nodeSha256(bytes);
          const hasher = new Sha256();
          for (const piece of pieces(bytes, cuts)) hasher.update(piece);
          expect(hexOfBytes(hasher.digest())).toBe(expected);
          // Byte by byte through updateByte, reusing the object after reset.
          hasher.reset();
          for (const byte of bytes) hasher.updateByte(byte);
          expect(hasher.digestHex()).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("hashes text with lone surrogates and astral characters as UTF-8, one shot and in pieces", () => {
    fc.assert(
      fc.property(trickyText, trickyText, (a, b) => {
        expect(sha256Hex(a)).toBe(nodeSha256(a));
        expect(utf8Bytes(a)).toEqual(new TextEncoder().encode(a));
        // Splitting text between strings splits a surrogate pair into two lone surrogates, as
        // node:crypto does when fed the two strings.
        const expected = createHash("sha256").update(a).update(b).digest("hex");
        expect(new Sha256().update(a).update(b).digestHex()).toBe(expected);
        expect(new Sha256().update(utf8Bytes(a)).update(b).digestHex()).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("hashes a 9 KB and a 1 MB message of mixed text like node:crypto", () => {
    const text = "分期 installment \ud83d\ude00 \ud800 ".repeat(400);
    expect(sha256Hex(text)).toBe(nodeSha256(text));
    const big = "x\u00e9\u4e2d\ud83d\ude00".repeat(120_000); // past the shared-buffer limit
    expect(sha256Hex(big)).toBe(nodeSha256(big));
    expect(sha256Hex("short")).toBe(nodeSha256("short")); // the shared buffer still works after
  });

  it("refuses to update or digest after the digest", () => {
    const hasher = new Sha256().update("abc");
    hasher.digest();
    expect(() => hasher.update("d")).toThrow(/after digest/);
    expect(() => hasher.digest()).toThrow(/twice/);
    expect(hasher.reset().update("abc").digestHex()).toBe(sha256Hex("abc"));
  });
});
