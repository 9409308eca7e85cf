/**
 * UTF-8 (RFC 3629) by hand: the domain imports no package and no Node builtin (so no `Buffer`,
 * DESIGN.md "Architecture") and does not count on the host's `TextEncoder`; the tests hold this
 * encoder to it.
 */

/** Text up to this many UTF-16 units is encoded into the shared buffer; longer text gets its own. */
const sharedTextUnitsMax = 1 << 18;
let textBuffer = new Uint8Array(1 << 14);

/**
 * Encodes `text` as UTF-8 (RFC 3629) into `out` from `at`, returning the end. `out` must have room
 * for 3 bytes per UTF-16 unit (a surrogate pair's 4 bytes come from 2 units). A lone surrogate
 * becomes U+FFFD (EF BF BD), as `TextEncoder` does, so every string has exactly one encoding.
 */
export function encodeUtf8Into(text: string, out: Uint8Array, at: number): number {
  let o = at;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[o++] = code;
    } else if (code < 0x800) {
      out[o++] = 0xc0 | (code >> 6);
      out[o++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code > 0xdfff) {
      out[o++] = 0xe0 | (code >> 12);
      out[o++] = 0x80 | ((code >> 6) & 0x3f);
      out[o++] = 0x80 | (code & 0x3f);
    } else {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (code >> 18);
        out[o++] = 0x80 | ((code >> 12) & 0x3f);
        out[o++] = 0x80 | ((code >> 6) & 0x3f);
        out[o++] = 0x80 | (code & 0x3f);
      } else {
        out[o++] = 0xef;
        out[o++] = 0xbf;
        out[o++] = 0xbd;
      }
    }
  }
  return o;
}

/**
 * A scratch buffer with room for the UTF-8 of `text`: a shared one (grown if need be) for text of
 * up to `sharedTextUnitsMax` units, so a stray huge string does not stay pinned in memory. Its
 * contents are the caller's only until the next call: use it synchronously and copy what you keep.
 */
export function utf8Scratch(text: string): Uint8Array {
  const room = text.length * 3;
  if (room <= textBuffer.length) return textBuffer;
  if (text.length > sharedTextUnitsMax) return new Uint8Array(room);
  let size = textBuffer.length;
  while (size < room) size *= 2;
  textBuffer = new Uint8Array(size);
  return textBuffer;
}

/**
 * The UTF-8 bytes of `text` (RFC 3629). A lone surrogate becomes U+FFFD, as `TextEncoder` does,
 * so every JavaScript string has exactly one encoding.
 */
export function utf8Bytes(text: string): Uint8Array {
  const buffer = utf8Scratch(text);
  return buffer.slice(0, encodeUtf8Into(text, buffer, 0));
}
