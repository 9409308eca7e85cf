import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import type { CheckpointSigner, SignatureVerifier } from "../../ports/signer.js";
import type { KeyMaterial } from "./keyring.js";

/**
 * The checkpoint key is derived, not stored: seed = HKDF-SHA256(lookup key, no salt,
 * `checkpointKeyInfo`, 32 bytes), the Ed25519 private key is that seed (RFC 8032 §5.1.5).
 *
 * Why derived: every existing key file (and a `FENQI_MASTER_KEY`-only deployment, which has no
 * file to write to) gets the same key with no format change and no rewrite of a 0600 secret file
 * by a running process; and the lookup key is the one secret that never rotates (rotating it
 * would orphan every stored lookup hash), which is what a published verification key needs.
 * Rotating the checkpoint key later means a new `info` string and a new key id; old checkpoints
 * keep verifying with the old public key. The cost: whoever holds the key file can sign — as they
 * can already read everything it protects.
 */
export const checkpointKeyInfo = "fenqi audit checkpoint ed25519 v1";

/** DER prefixes of an Ed25519 PKCS#8 private key and SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");
const keyBytes = 32;
const signatureBytes = 64;

/** The checkpoint key's seed from the key material (see `checkpointKeyInfo`). */
export function checkpointSeedOf(material: KeyMaterial): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", material.lookupKey, Buffer.alloc(0), checkpointKeyInfo, keyBytes),
  );
}

/**
 * A key's id: "ed25519:" and the first 8 bytes of SHA-256 of its raw public key, hex. It names
 * the key without being it, so a checkpoint says which key to check it with.
 */
export function checkpointKeyId(rawPublicKey: Uint8Array): string {
  const digest = createHash("sha256").update(rawPublicKey).digest("hex");
  return `ed25519:${digest.slice(0, 16)}`;
}

function publicKeyOfRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== keyBytes) throw new Error("an Ed25519 public key is 32 bytes");
  return createPublicKey({
    key: Buffer.concat([spkiPrefix, raw]),
    format: "der",
    type: "spki",
  });
}

function rawOfPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(der.length - keyBytes));
}

function verifyWith(key: KeyObject, message: Uint8Array, signature: string): boolean {
  const bytes = Buffer.from(signature, "base64");
  // Buffer.from ignores what is not base64; insisting on the canonical text keeps one spelling.
  if (bytes.length !== signatureBytes || bytes.toString("base64") !== signature) return false;
  return verify(null, message, key, bytes);
}

/** The signer (and verifier of its own signatures) of an Ed25519 key given by its 32-byte seed. */
export function createCheckpointSigner(seed: Uint8Array): CheckpointSigner & SignatureVerifier {
  if (seed.length !== keyBytes) throw new Error("an Ed25519 seed is 32 bytes");
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const raw = rawOfPublicKey(publicKey);
  const keyId = checkpointKeyId(raw);
  return {
    keyId,
    publicKey: () => Buffer.from(raw).toString("base64"),
    publicKeyPem: () => publicKey.export({ format: "pem", type: "spki" }).toString(),
    sign: (message) => sign(null, message, privateKey).toString("base64"),
    verify: (id, message, signature) => id === keyId && verifyWith(publicKey, message, signature),
  };
}

/** The checkpoint signer of a keyring's material: what `fenqi audit` uses. */
export function checkpointSignerOf(material: KeyMaterial): CheckpointSigner & SignatureVerifier {
  return createCheckpointSigner(checkpointSeedOf(material));
}

/** A verifier that knows only public keys (raw 32 bytes, base64): an auditor's, offline. */
export function createSignatureVerifier(publicKeys: readonly string[]): SignatureVerifier {
  const keys = new Map<string, KeyObject>();
  for (const encoded of publicKeys) {
    const raw = new Uint8Array(Buffer.from(encoded, "base64"));
    keys.set(checkpointKeyId(raw), publicKeyOfRaw(raw));
  }
  return {
    verify(keyId, message, signature) {
      const key = keys.get(keyId);
      return key !== undefined && verifyWith(key, message, signature);
    },
  };
}
