/**
 * Envelope encryption and keyed hashing for personal data (DESIGN.md "Privacy"): each borrower
 * has a data key (AES-256-GCM) wrapped by a master key from a rotatable keyring; lookups by phone
 * or e-mail use an HMAC, never the plain value.
 */
export interface Keyring {
  /** A fresh data key for a new borrower, wrapped by the current master key. */
  newDataKey(): { masterKeyId: string; wrappedDataKey: string; dataKey: Uint8Array };
  /** Unwraps a borrower's data key; throws if the master key is unknown or the wrap was tampered with. */
  unwrapDataKey(masterKeyId: string, wrappedDataKey: string): Uint8Array;
  /** The id of the master key that wraps new data keys now. */
  currentMasterKeyId(): string;
  /**
   * The same data key wrapped under the current master key (key rotation): the sealed data it
   * protects is untouched. Throws as `unwrapDataKey` does.
   */
  rewrapDataKey(
    masterKeyId: string,
    wrappedDataKey: string,
  ): { masterKeyId: string; wrappedDataKey: string };
  /** Encrypts UTF-8 text under a data key: base64 of nonce, tag and ciphertext. */
  seal(dataKey: Uint8Array, plaintext: string, associatedData: string): string;
  open(dataKey: Uint8Array, sealed: string, associatedData: string): string;
  /**
   * Keyed hash of a normalized lookup value (a phone in E.164, a lower-case e-mail), hex; with
   * `reason`, of a reveal's stated reason, so an audit leaf can hold it without holding the text;
   * with `username`, of a normalized username (the users table and failed-login leaves hold it).
   */
  lookupHash(kind: "phone" | "email" | "reason" | "username", value: string): string;
  /** Unkeyed SHA-256 of UTF-8 text, hex: request fingerprints for idempotency. */
  digest(text: string): string;
}

/** The clock of the shell: use cases read time only through it. */
export interface Clock {
  now(): number;
}

/** Random identifiers, injected so tests and simulations are deterministic. */
export interface IdSource {
  next(prefix: string): string;
}
