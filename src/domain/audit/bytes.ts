/**
 * Hex and base64 for hashes and signatures. The domain has no `Buffer` (a Node builtin) and may
 * not depend on `atob`/`btoa` being there, so these few lines do it by hand. Parsing is strict:
 * anything that is not exactly the canonical text of some bytes gives `undefined`, so one value
 * never has two spellings that both verify.
 */

const hexDigits = "0123456789abcdef";
const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Lowercase hex of `bytes`. @example hexOf(Uint8Array.of(0, 255)) // "00ff" */
export function hexOf(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += hexDigits[byte >> 4] + (hexDigits[byte & 15] as string);
  return out;
}

/** The bytes of lowercase hex text, or `undefined` if it is not lowercase hex of whole bytes. */
export function bytesOfHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = nibble(text.charCodeAt(2 * i));
    const low = nibble(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

/** The value of a lowercase hex digit's char code, or −1. (Hashes are decoded per node: no regex, no slices.) */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** Standard padded base64 (RFC 4648 §4). @example base64Of(Uint8Array.of(1, 2, 3)) // "AQID" */
export function base64Of(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += base64Alphabet[(triple >> 18) & 63];
    out += base64Alphabet[(triple >> 12) & 63];
    out += b === undefined ? "=" : base64Alphabet[(triple >> 6) & 63];
    out += c === undefined ? "=" : base64Alphabet[triple & 63];
  }
  return out;
}

/**
 * The bytes of standard padded base64, or `undefined` when the text is not the canonical
 * encoding of some bytes (wrong alphabet, missing padding, or non-zero bits in the padding).
 */
export function bytesOfBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text[i + j] as string;
      triple = (triple << 6) | (ch === "=" ? 0 : base64Alphabet.indexOf(ch));
    }
    const bytes = [(triple >> 16) & 255, (triple >> 8) & 255, triple & 255];
    for (const byte of bytes) if (o < out.length) out[o++] = byte;
  }
  return base64Of(out) === text ? out : undefined;
}

/** Whether two byte strings are equal (not constant-time: hashes here are public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
