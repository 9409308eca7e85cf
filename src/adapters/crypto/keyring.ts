import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from "node:crypto";
import type { Keyring } from "../../ports/keyring.js";

/** AES-256-GCM: 32-byte keys, 12-byte nonces, 16-byte tags. */
const keyBytes = 32;
const nonceBytes = 12;
const tagBytes = 16;

/** The key material a keyring holds: master keys by id (the newest wraps new data keys) and the lookup-hash key. */
export interface KeyMaterial {
  readonly currentMasterKeyId: string;
  readonly masterKeys: ReadonlyMap<string, Uint8Array>;
  readonly lookupKey: Uint8Array;
}

function encrypt(key: Uint8Array, plaintext: Uint8Array, associatedData: string): string {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64");
}

function decrypt(key: Uint8Array, sealed: string, associatedData: string): Buffer {
  const bytes = Buffer.from(sealed, "base64");
  if (bytes.length < nonceBytes + tagBytes) throw new Error("sealed value is too short");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, nonceBytes));
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(bytes.subarray(nonceBytes, nonceBytes + tagBytes));
  return Buffer.concat([decipher.update(bytes.subarray(nonceBytes + tagBytes)), decipher.final()]);
}

/** How a keyring learns of keys added after it was built (a rotation by another process). */
export interface KeyringOptions {
  /**
   * The key material as it is now: read again when `force` (a wrap names a master key this
   * keyring does not hold) or when its source changed; `undefined` when nothing changed.
   */
  readonly refresh?: (force: boolean) => KeyMaterial | undefined;
}

/**
 * Envelope encryption with node:crypto. A data key is wrapped under a master key with the master
 * key's id as associated data, so a wrap cannot be replayed under another id; sealed personal
 * data binds its owner through the associated data the caller passes (e.g. `borrower:B1:profile`).
 *
 * Rotation without downtime: `fenqi keys rotate` adds a master key to the key file and re-wraps
 * data keys under it while servers run. A server started before the rotation reloads the material
 * when it meets a wrap under the new key, and before wrapping a new data key when the file
 * changed, so it wraps new keys under the new current key too; the old keys stay in the file, so
 * either wrap opens during the run.
 */
export function createKeyring(initial: KeyMaterial, options: KeyringOptions = {}): Keyring {
  let material = initial;
  const adopt = (fresh: KeyMaterial | undefined) => {
    if (fresh === undefined) return;
    // The lookup key never rotates: every stored lookup hash (and the checkpoint key) hangs on it.
    if (!Buffer.from(fresh.lookupKey).equals(Buffer.from(material.lookupKey)))
      throw new Error("the reloaded key material has another lookup key");
    material = fresh;
  };
  const master = (id: string): Uint8Array => {
    if (!material.masterKeys.has(id)) adopt(options.refresh?.(true));
    const key = material.masterKeys.get(id);
    if (!key) throw new Error(`unknown master key ${id}`);
    return key;
  };
  const wrap = (dataKey: Uint8Array) => {
    adopt(options.refresh?.(false));
    const id = material.currentMasterKeyId;
    return { masterKeyId: id, wrappedDataKey: encrypt(master(id), dataKey, `master:${id}`) };
  };
  const unwrap = (masterKeyId: string, wrappedDataKey: string) =>
    new Uint8Array(decrypt(master(masterKeyId), wrappedDataKey, `master:${masterKeyId}`));
  return {
    newDataKey() {
      const dataKey = new Uint8Array(randomBytes(keyBytes));
      return { ...wrap(dataKey), dataKey };
    },
    unwrapDataKey: unwrap,
    currentMasterKeyId: () => material.currentMasterKeyId,
    rewrapDataKey(masterKeyId, wrappedDataKey) {
      return wrap(unwrap(masterKeyId, wrappedDataKey));
    },
    seal(dataKey, plaintext, associatedData) {
      return encrypt(dataKey, Buffer.from(plaintext, "utf8"), associatedData);
    },
    open(dataKey, sealed, associatedData) {
      return decrypt(dataKey, sealed, associatedData).toString("utf8");
    },
    lookupHash(kind, value) {
      return createHmac("sha256", material.lookupKey).update(`${kind}:${value}`).digest("hex");
    },
    digest(text) {
      return createHash("sha256").update(text, "utf8").digest("hex");
    },
  };
}

/**
 * Key material from one 32-byte master key given in the environment (`FENQI_MASTER_KEY`, base64).
 * The lookup key is derived from it (HKDF-SHA256), so the same master key always finds the same
 * borrowers; rotating keys needs a key file, which keeps both.
 */
export function materialFromMasterKey(base64: string): KeyMaterial {
  const key = Buffer.from(base64, "base64");
  if (key.length !== keyBytes)
    throw new Error(`FENQI_MASTER_KEY must be ${keyBytes} bytes in base64`);
  const lookupKey = new Uint8Array(
    hkdfSync("sha256", key, Buffer.alloc(0), "fenqi lookup hash", keyBytes),
  );
  return {
    currentMasterKeyId: "env",
    masterKeys: new Map([["env", new Uint8Array(key)]]),
    lookupKey,
  };
}

export function generateKeyBytes(): Uint8Array {
  return new Uint8Array(randomBytes(keyBytes));
}
