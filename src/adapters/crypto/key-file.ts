import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
  const file = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  if (file.version !== 1 || !file.masterKeys[file.current])
    throw new Error("the key file is not a fenqi key file");
  return toMaterial(file);
}
