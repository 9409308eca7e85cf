import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import type { Passwords } from "../../ports/passwords.js";

/** scrypt's cost and sizes; see `scryptParameters`. */
export interface ScryptParameters {
  readonly costLog2: number;
  readonly blockSize: number;
  readonly parallelization: number;
  readonly saltBytes: number;
  readonly keyBytes: number;
}

/**
 * scrypt cost parameters (RFC 7914). N = 2^15, r = 8, p = 1 takes 32 MiB and about a tenth of a
 * second per hash: slow enough that a stolen table costs an attacker dearly, fast enough for a
 * login. The parameters travel inside every stored hash, so raising them later leaves the old
 * hashes verifiable.
 */
export const scryptParameters: ScryptParameters = {
  /** log2 of the CPU/memory cost N. */
  costLog2: 15,
  blockSize: 8,
  parallelization: 1,
  saltBytes: 16,
  keyBytes: 32,
};

/**
 * The largest N a stored hash may ask for (OWASP's recommendation, 128 MiB at r = 8): a tampered
 * row must not make verification exhaust memory.
 */
const costLog2Max = 17;
/** Room for N = 2^costLog2Max at r = 8 (128 · N · r bytes) and scrypt's own small buffers. */
const maxmemBytes = 128 * 2 ** costLog2Max * 8 + 1024 * 1024;
const secretBytes = 32;

function derive(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keyBytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Stored as `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>`: everything needed to
 * verify, nothing secret but the key itself.
 */
const storedPattern = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([\w-]{16,64})\$([\w-]{16,128})$/;

export function createScryptPasswords(parameters: ScryptParameters = scryptParameters): Passwords {
  const { costLog2, blockSize, parallelization, saltBytes, keyBytes } = parameters;
  return {
    async hash(password) {
      const salt = randomBytes(saltBytes);
      const options = { N: 2 ** costLog2, r: blockSize, p: parallelization, maxmem: maxmemBytes };
      const key = await derive(password, salt, keyBytes, options);
      const parts = [costLog2, blockSize, parallelization].map(String);
      return ["scrypt", ...parts, salt.toString("base64url"), key.toString("base64url")].join("$");
    },
    async verify(password, stored) {
      const match = storedPattern.exec(stored);
      if (!match) return false;
      const [, log2, r, p, salt, key] = match;
      const n = Number(log2);
      if (n < 10 || n > costLog2Max || Number(r) < 1 || Number(r) > 8 || Number(p) !== 1) {
        return false;
      }
      const expected = Buffer.from(key ?? "", "base64url");
      const options = { N: 2 ** n, r: Number(r), p: Number(p), maxmem: maxmemBytes };
      const actual = await derive(
        password,
        Buffer.from(salt ?? "", "base64url"),
        expected.length,
        options,
      );
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    newSecret: () => randomBytes(secretBytes).toString("base64url"),
  };
}
