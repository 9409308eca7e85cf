import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex, utf8Bytes } from "./sha256.js";

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
