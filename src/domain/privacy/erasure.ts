/**
 * Crypto-shredding (DESIGN.md "Privacy"): erasing a borrower destroys their data key. What stays
 * is ciphertext nobody can open; these markers say so in the store and in every view.
 */

/** What the wrapped data key (and its master key id) become: no key unwraps it. */
export const erasedKeyTombstone = "erased";

/** What a view shows in place of erased personal data. */
export const erasedMarker = "[erased]";

export function isErasedKey(masterKeyId: string, wrappedDataKey: string): boolean {
  return masterKeyId === erasedKeyTombstone || wrappedDataKey === erasedKeyTombstone;
}
