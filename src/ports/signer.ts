/**
 * The audit log's checkpoint key (DESIGN.md "Audit": signed checkpoints, Ed25519). The use cases
 * hand it bytes — the checkpoint text of src/domain/audit/checkpoint.ts — and never see the
 * private key.
 */
export interface CheckpointSigner {
  /** Names the public key: the same key always has the same id (docs/audit.md says how). */
  readonly keyId: string;
  /** The raw 32-byte Ed25519 public key, base64: all an outside verifier needs. */
  publicKey(): string;
  /** The public key as PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify`. */
  publicKeyPem(): string;
  /** The Ed25519 signature of `message` (64 bytes), base64. */
  sign(message: Uint8Array): string;
}

/** Checks checkpoint signatures: the signer's own key, or public keys given to an auditor. */
export interface SignatureVerifier {
  /** Whether `signature` (base64) signs `message` under the key named `keyId`; false for a key it does not know. */
  verify(keyId: string, message: Uint8Array, signature: string): boolean;
}
