import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { generateKeyBytes, type KeyMaterial, materialFromMasterKey } from "./keyring.js";

/** The key file: JSON with base64 keys. It is created once, readable by its owner only (0600). */
interface KeyFile {
  readonly version: 1;
  readonly current: string;
  readonly masterKeys: Record<string, string>;
  readonly lookupKey: string;
}

function toMaterial(file: KeyFile): KeyMaterial {
  return {
    currentMasterKeyId: file.current,
    masterKeys: new Map(
      Object.entries(file.masterKeys).map(([id, key]) => [
        id,
        new Uint8Array(Buffer.from(key, "base64")),
      ]),
    ),
    lookupKey: new Uint8Array(Buffer.from(file.lookupKey, "base64")),
  };
}

/**
 * The keyring's material: `FENQI_MASTER_KEY` when set, otherwise the key file at `path`, which is
 * generated on first use with mode 0600 (the `wx` flag refuses to overwrite one that appeared
 * meanwhile).
 */
export function loadKeyMaterial(path: string, env: NodeJS.ProcessEnv = process.env): KeyMaterial {
  const fromEnv = env.FENQI_MASTER_KEY;
  if (fromEnv) return materialFromMasterKey(fromEnv);
  if (!existsSync(path)) {
    const file: KeyFile = {
      version: 1,
      current: "mk1",
      masterKeys: { mk1: Buffer.from(generateKeyBytes()).toString("base64") },
      lookupKey: Buffer.from(generateKeyBytes()).toString("base64"),
    };
    try {
      writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return toMaterial(readKeyFile(path));
}

function readKeyFile(path: string): KeyFile {
  const file = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  if (file.version !== 1 || !file.masterKeys[file.current])
    throw new Error("the key file is not a fenqi key file");
  return file;
}

/**
 * The keyring's `refresh` for a key file: the material again when forced or when the file's
 * modification time changed since the last read, else `undefined`. Nothing when the keys come
 * from `FENQI_MASTER_KEY`, which cannot change under a running process.
 */
export function keyFileRefresher(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): ((force: boolean) => KeyMaterial | undefined) | undefined {
  if (env.FENQI_MASTER_KEY) return undefined;
  let seen = statSync(path).mtimeMs;
  return (force) => {
    const mtime = statSync(path).mtimeMs;
    if (!force && mtime === seen) return undefined;
    seen = mtime;
    return toMaterial(readKeyFile(path));
  };
}

/** What a rotation of the key file did. */
export interface KeyFileRotation {
  readonly previous: string;
  readonly current: string;
  /** Every master key id the file holds now, oldest first. */
  readonly masterKeyIds: readonly string[];
}

/**
 * Adds a fresh master key to the key file and makes it current, keeping every older key so
 * data keys wrapped under them still open until they are re-wrapped (`rewrapDataKeys`). The
 * file is replaced atomically (written beside it with mode 0600, then renamed), so a reader sees
 * the old file or the new one, never half of one. The lookup key is kept: every lookup hash
 * depends on it. Refused when the keys come from `FENQI_MASTER_KEY`, and while another rotation
 * holds the lock file beside the key file: two rotations reading the same file would both write
 * the same new key id with different keys, and the loser's wraps would open with nothing.
 */
export function rotateKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): KeyFileRotation {
  if (env.FENQI_MASTER_KEY)
    throw new Error("keys from FENQI_MASTER_KEY cannot be rotated: use a key file");
  loadKeyMaterial(path, env);
  const lock = `${path}.lock`;
  try {
    writeFileSync(lock, `${process.pid}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new Error(`another key rotation holds ${lock}; remove it if no rotation is running`);
  }
  try {
    return addMasterKey(path);
  } finally {
    rmSync(lock, { force: true });
  }
}

function addMasterKey(path: string): KeyFileRotation {
  const file = readKeyFile(path);
  const numbers = Object.keys(file.masterKeys).map((id) => Number(/^mk(\d+)$/.exec(id)?.[1] ?? 0));
  const current = `mk${Math.max(0, ...numbers) + 1}`;
  const next: KeyFile = {
    ...file,
    current,
    masterKeys: {
      ...file.masterKeys,
      [current]: Buffer.from(generateKeyBytes()).toString("base64"),
    },
  };
  const temporary = `${path}.rotating`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return { previous: file.current, current, masterKeyIds: Object.keys(next.masterKeys) };
}
