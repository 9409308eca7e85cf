import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hexOf } from "./bytes.js";
import { checkpointText, parseCheckpointText } from "./checkpoint.js";
import { auditLeafBytes, auditLeafHash } from "./leaf-hash.js";

const root = Uint8Array.from({ length: 32 }, (_, i) => i);

describe("the checkpoint text", () => {
  it("is the documented four lines and reads back exactly", () => {
    const body = { treeSize: 1234, rootHash: root, at: Date.UTC(2026, 2, 1, 4) };
    const text = checkpointText(body);
    expect(text).toBe(
      "fenqi-audit\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n2026-03-01T04:00:00Z\n",
    );
    expect(parseCheckpointText(text)).toEqual({ ok: true, value: body });
  });

  it("round-trips any size, root and instant", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 52 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) }),
        (treeSize, rootHash, at) => {
          const body = { treeSize, rootHash, at };
          expect(parseCheckpointText(checkpointText(body))).toEqual({ ok: true, value: body });
        },
      ),
    );
  });

  it("refuses every other spelling", () => {
    const text = checkpointText({ treeSize: 7, rootHash: root, at: 0 });
    for (const bad of [
      text.replace("fenqi-audit", "fenqi-audit2"),
      text.replace("\n7\n", "\n07\n"),
      text.replace("\n7\n", "\n-7\n"),
      text.replace("1970-01-01T00:00:00Z", "1970-01-01T08:00:00+08:00"),
      text.replace("=\n", "\n"),
      text.slice(0, -1),
      `${text}\n`,
      text.replace("AAEC", "AAE"),
    ]) {
      expect(parseCheckpointText(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("the audit leaf hash", () => {
  it("is SHA-256(0x00 ‖ canonical JSON of seq, at, kind, subject and data)", () => {
    const leaf = {
      seq: 3,
      at: 1767225600000,
      kind: "loan.originated",
      subject: "L1",
      data: { principal: "1200.00", b: null, a: true, n: 3, s: "中文" },
    };
    const json =
      '{"at":1767225600000,"data":{"a":true,"b":null,"n":3,"principal":"1200.00","s":"中文"},"kind":"loan.originated","seq":3,"subject":"L1"}';
    expect(new TextDecoder().decode(auditLeafBytes(leaf))).toBe(json);
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(json, "utf8")]))
      .digest("hex");
    expect(hexOf(auditLeafHash(leaf))).toBe(expected);
  });
});
