import { formatInstant, type Instant, parseInstant } from "../calendar/instant.js";
import { utf8Bytes } from "../crypto/sha256.js";
import { fail, ok, type Result } from "../result.js";
import { base64Of, bytesOfBase64 } from "./bytes.js";
import { type Hash, hashBytes, treeSizeMax } from "./merkle.js";

/**
 * A checkpoint of the audit log (DESIGN.md "Audit"): the tree size, the root hash and when it
 * was taken, as a small text in the spirit of a signed note (C2SP signed-note / the Go checksum
 * database's tree heads) that the checkpoint key signs as UTF-8 bytes:
 *
 * ```
 * fenqi-audit
 * 1234
 * 3q2+7w...=            (base64 of the 32-byte RFC 6962 root)
 * 2026-03-01T04:00:00Z  (UTC, ISO 8601; ".sss" only when the milliseconds are not zero)
 * ```
 *
 * Every line ends with "\n". The first line names the log, so a signature over it can never be
 * mistaken for a signature over anything else the key might sign. docs/audit.md describes it.
 */

export const checkpointOrigin = "fenqi-audit";

export interface CheckpointBody {
  readonly treeSize: number;
  readonly rootHash: Hash;
  readonly at: Instant;
}

/** The text a checkpoint's signature covers. */
export function checkpointText(body: CheckpointBody): string {
  return `${checkpointOrigin}\n${body.treeSize}\n${base64Of(body.rootHash)}\n${formatInstant(body.at)}\n`;
}

/** The bytes a checkpoint's signature covers: the UTF-8 of `checkpointText`. */
export function checkpointMessage(body: CheckpointBody): Uint8Array {
  return utf8Bytes(checkpointText(body));
}

/**
 * Reads a checkpoint text back. Only the exact text `checkpointText` writes is accepted (it is
 * re-rendered and compared), so one checkpoint has one signed form.
 */
export function parseCheckpointText(text: string): Result<CheckpointBody> {
  const lines = text.split("\n");
  const bad = fail("checkpoint.format", "checkpoint", "not a fenqi-audit checkpoint");
  if (lines.length !== 5 || lines[0] !== checkpointOrigin || lines[4] !== "") return bad;
  const treeSize = Number(lines[1]);
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1] ?? "") || treeSize > treeSizeMax) return bad;
  const rootHash = bytesOfBase64(lines[2] ?? "");
  if (rootHash === undefined || rootHash.length !== hashBytes) return bad;
  const at = parseInstant(lines[3], "checkpoint.at");
  if (!at.ok) return bad;
  const body = { treeSize, rootHash, at: at.value };
  return checkpointText(body) === text ? ok(body) : bad;
}
