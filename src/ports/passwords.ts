/**
 * Password hashing and fresh secrets for people who log in (DESIGN.md "Who uses it"). The use
 * cases see only this port; the adapter (src/adapters/crypto/scrypt-passwords.ts) uses scrypt
 * from node:crypto with a per-user random salt and named cost parameters.
 */
export interface Passwords {
  /** A self-describing hash of `password` (algorithm, parameters, salt and key), for storage. */
  hash(password: string): Promise<string>;
  /**
   * Whether `password` matches a stored hash, compared in constant time. A malformed hash is a
   * mismatch, never an exception.
   */
  verify(password: string, stored: string): Promise<boolean>;
  /** A fresh random secret (session ids, CSRF tokens, generated passwords): 256 bits, base64url. */
  newSecret(): string;
}
