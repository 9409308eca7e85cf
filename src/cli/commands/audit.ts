import { readFileSync, statSync, writeFileSync } from "node:fs";
import {
  checkpointSignerOf,
  createSignatureVerifier,
} from "../../adapters/crypto/checkpoint-signer.js";
import { loadKeyMaterial } from "../../adapters/crypto/key-file.js";
import { issueCheckpoint } from "../../app/transparency/checkpoints.js";
import { exportBundle } from "../../app/transparency/export-bundle.js";
import { replayDecisions } from "../../app/transparency/replay-decisions.js";
import {
  type AuditProblem,
  type AuditReport,
  verifyAudit,
} from "../../app/transparency/verify-audit.js";
import { type BundleReport, parseBundle, verifyBundle } from "../../domain/audit/bundle.js";
import { base64Of, bytesOfHex } from "../../domain/audit/bytes.js";
import { formatInstant } from "../../domain/calendar/instant.js";
import type { SignatureVerifier } from "../../ports/signer.js";
import { configurationFrom, openApp } from "../compose.js";
import { houseRulesSetting } from "../house-rules-setting.js";
import { type CommandIo, exitInput, exitInternal, exitOk, reportProblems } from "../io.js";

const usage =
  "usage: fenqi audit verify [--json] [--public-key BASE64]... | fenqi audit checkpoint | " +
  "fenqi audit export --from SEQ --to SEQ FILE | fenqi audit verify-bundle FILE --pubkey BASE64 [--json] | " +
  "fenqi audit replay [--json]";

/**
 * `fenqi audit verify` checks the audit log, its signed checkpoints and the ledger (DESIGN.md
 * "Audit"): exit 0 and a summary when sound, exit 1 naming the first bad position when not.
 * Signatures are checked with this installation's checkpoint key, or only with the public keys
 * given by `--public-key` (what an outside auditor holds). `--json` prints the whole report.
 *
 * `fenqi audit checkpoint` signs and stores a checkpoint of the log as it is now and prints it.
 *
 * `fenqi audit export` writes a range of leaves as a self-contained bundle; `fenqi audit
 * verify-bundle` checks one offline with the public key alone, opening no store; `fenqi audit
 * replay` re-judges every stored contact decision. docs/audit.md describes all of them.
 */
export async function auditCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === "checkpoint" && rest.length === 0) return checkpoint(io);
  if (action === "export") {
    const options = exportOptions(rest);
    if (options !== undefined) return exportCommand(io, options);
  }
  if (action === "verify-bundle") {
    const options = verifyBundleOptions(rest);
    if (options !== undefined) return verifyBundleCommand(io, options);
  }
  if (action === "replay" && (rest.length === 0 || (rest.length === 1 && rest[0] === "--json")))
    return replay(io, rest.length === 1);
  if (action === "verify") {
    const options = verifyOptions(rest);
    if (options !== undefined) return verify(io, options);
  }
  return reportProblems(io, "audit", [{ code: "usage", field: action ?? "", message: usage }]);
}

interface VerifyOptions {
  readonly json: boolean;
  readonly publicKeys: readonly string[];
}

function verifyOptions(args: readonly string[]): VerifyOptions | undefined {
  let json = false;
  const publicKeys: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === "--json") json = true;
    else if (arg === "--public-key" && value !== undefined && bytesOfBase64Key(value)) {
      publicKeys.push(value);
      i++;
    } else return undefined;
  }
  return { json, publicKeys };
}

/** An Ed25519 public key is 32 bytes: 44 base64 characters ending in "=". */
function bytesOfBase64Key(text: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(text);
}

async function verify(io: CommandIo, options: VerifyOptions): Promise<number> {
  const config = configurationFrom(process.env);
  const verifier: SignatureVerifier =
    options.publicKeys.length > 0
      ? createSignatureVerifier(options.publicKeys)
      : checkpointSignerOf(loadKeyMaterial(config.keyFile));
  const ctx = await openApp(config);
  try {
    const report = await verifyAudit(ctx, verifier);
    if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(summary(report));
    return report.sound ? exitOk : exitInternal;
  } finally {
    await ctx.store.close();
  }
}

function summary(report: AuditReport): string {
  const root = base64Of(bytesOfHex(report.rootHash) ?? new Uint8Array(0));
  const counts = `${report.leaves} leaves (root ${root}), ${report.checkpoints} checkpoints, ${report.loans} loans`;
  const [first] = report.problems;
  if (first === undefined) {
    return `fenqi audit verify: sound: ${counts}; every leaf, checkpoint signature, consistency proof and ledger balance checks\n`;
  }
  return problemLines("verify", first, counts, report.problems, report.problemsOmitted);
}

async function checkpoint(io: CommandIo): Promise<number> {
  const config = configurationFrom(process.env);
  const signer = checkpointSignerOf(loadKeyMaterial(config.keyFile));
  const ctx = await openApp(config);
  try {
    const issued = await issueCheckpoint(ctx, signer);
    if (!issued.ok) {
      io.err(`fenqi audit checkpoint: ${issued.error.message} [${issued.error.code}]\n`);
      return exitInternal;
    }
    const c = issued.value;
    const root = base64Of(bytesOfHex(c.rootHash) ?? new Uint8Array(0));
    io.out(
      `fenqi audit checkpoint: checkpoint ${c.seq}: size ${c.treeSize}, root ${root}, at ${formatInstant(c.at)}\n` +
        `  key ${c.keyId} (public key ${signer.publicKey()})\n  signature ${c.signature}\n`,
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

/** A leaf seq: a decimal without leading zeros. */
function seqOf(text: string | undefined): number | undefined {
  return text !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : undefined;
}

interface ExportOptions {
  readonly from: number;
  readonly to: number;
  readonly file: string;
}

function exportOptions(args: readonly string[]): ExportOptions | undefined {
  let from: number | undefined;
  let to: number | undefined;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--from" || arg === "--to") {
      const seq = seqOf(args[++i]);
      if (seq === undefined) return undefined;
      if (arg === "--from") from = seq;
      else to = seq;
    } else if (!arg.startsWith("-") && file === undefined) file = arg;
    else return undefined;
  }
  if (from === undefined || to === undefined || file === undefined) return undefined;
  return { from, to, file };
}

async function exportCommand(io: CommandIo, options: ExportOptions): Promise<number> {
  const config = configurationFrom(process.env);
  const signer = checkpointSignerOf(loadKeyMaterial(config.keyFile));
  const ctx = await openApp(config);
  try {
    const exported = await exportBundle(ctx, options, signer);
    if (!exported.ok) {
      const { code, message } = exported.error;
      io.err(`fenqi audit export: ${message} [${code}]\n`);
      return code === "conflict" ? exitInternal : exitInput;
    }
    const { bundle, issued } = exported.value;
    writeFileSync(options.file, `${JSON.stringify(bundle, null, 1)}\n`);
    const anchor = bundle.checkpoints[bundle.checkpoints.length - 1];
    if (issued !== undefined) {
      io.out(
        `fenqi audit export: no checkpoint covered leaf ${options.to}; issued checkpoint ${issued.seq} (size ${issued.treeSize})\n`,
      );
    }
    io.out(
      `fenqi audit export: wrote leaves ${bundle.from}–${bundle.to} (${bundle.leaves.length}), ` +
        `${bundle.checkpoints.length} checkpoints, anchored at checkpoint ${anchor?.seq}, ` +
        `key ${bundle.keyId} (public key ${signer.publicKey()}) to ${options.file}\n`,
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}

/** The largest bundle file read (STYLE 10): 10 000 leaves with their paths are far below it. */
export const bundleFileBytesMax = 64 * 1024 * 1024;

interface VerifyBundleOptions {
  readonly file: string;
  readonly publicKeys: readonly string[];
  readonly json: boolean;
}

function verifyBundleOptions(args: readonly string[]): VerifyBundleOptions | undefined {
  let file: string | undefined;
  let json = false;
  const publicKeys: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = args[i + 1];
    if (arg === "--json") json = true;
    else if (
      (arg === "--pubkey" || arg === "--public-key") &&
      value !== undefined &&
      bytesOfBase64Key(value)
    ) {
      publicKeys.push(value);
      i++;
    } else if (!arg.startsWith("-") && file === undefined) file = arg;
    else return undefined;
  }
  if (file === undefined || publicKeys.length === 0) return undefined;
  return { file, publicKeys, json };
}

/**
 * Offline by construction: reads one file and checks it with the public keys given. It opens no
 * store and reads no key file or environment — an outside auditor runs it with nothing else.
 */
async function verifyBundleCommand(io: CommandIo, options: VerifyBundleOptions): Promise<number> {
  let parsed: unknown;
  try {
    if (statSync(options.file).size > bundleFileBytesMax) {
      const message = `the bundle is larger than ${bundleFileBytesMax} bytes`;
      return reportProblems(io, "audit verify-bundle", [
        { code: "bundle.size", field: options.file, message },
      ]);
    }
    parsed = JSON.parse(readFileSync(options.file, "utf8"));
  } catch (error) {
    const why = error instanceof SyntaxError ? "is not JSON" : "cannot be read";
    return reportProblems(io, "audit verify-bundle", [
      { code: "bundle.unreadable", field: options.file, message: `the bundle ${why}` },
    ]);
  }
  const bundle = parseBundle(parsed);
  if (!bundle.ok) return reportProblems(io, "audit verify-bundle", [bundle.error]);
  const verifier = createSignatureVerifier(options.publicKeys);
  const report = verifyBundle(bundle.value, (keyId, message, signature) =>
    verifier.verify(keyId, message, signature),
  );
  if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(bundleSummary(report));
  return report.sound ? exitOk : exitInternal;
}

function bundleSummary(report: BundleReport): string {
  const { anchor } = report;
  const head = anchor
    ? `checkpoint ${anchor.seq} (size ${anchor.treeSize}, root ${base64Of(bytesOfHex(anchor.rootHash) ?? new Uint8Array(0))}, ${formatInstant(anchor.at)})`
    : "no readable checkpoint";
  const counts = `leaves ${report.from}–${report.to} (${report.leaves}) against ${head}; ${report.checkpoints} checkpoints; key ${report.keyId}`;
  const [first] = report.problems;
  if (first === undefined) {
    return `fenqi audit verify-bundle: sound: ${counts}; every leaf hash, inclusion proof, checkpoint signature and consistency proof checks\n`;
  }
  return problemLines("verify-bundle", first, counts, report.problems, report.problemsOmitted);
}

/**
 * Decisions made under house rules are re-judged with the rules of the same ref from
 * `FENQI_HOUSE_RULES` (in force or retired): the operator passes the file the deciding processes
 * ran with. A bad file stops before the store is opened.
 */
async function replay(io: CommandIo, json: boolean): Promise<number> {
  const house = await houseRulesSetting(process.env);
  if (!house.ok) return reportProblems(io, "audit replay", house.error);
  const ctx = await openApp({ ...configurationFrom(process.env), houseRules: house.value });
  try {
    const report = await replayDecisions(ctx);
    if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.disagreeing === 0) {
      io.out(
        `fenqi audit replay: ${report.decisions} decisions replayed; every one agrees with its inputs, pack, house rules and audit leaf\n`,
      );
    } else {
      const lines = [
        `fenqi audit replay: ${report.disagreeing} of ${report.decisions} decisions disagree:`,
        ...report.disagreements.map(
          (d) => `  ${d.attemptId}: ${d.field}: stored ${d.stored}, replayed ${d.replayed}`,
        ),
      ];
      if (report.disagreementsOmitted > 0)
        lines.push(`  … and ${report.disagreementsOmitted} more`);
      io.out(`${lines.join("\n")}\n`);
    }
    return report.disagreeing === 0 ? exitOk : exitInternal;
  } finally {
    await ctx.store.close();
  }
}

/** The NOT SOUND lines of `verify` and `verify-bundle`: the first bad position, then the list. */
function problemLines(
  command: string,
  first: AuditProblem,
  counts: string,
  problems: readonly AuditProblem[],
  omitted: number,
): string {
  const lines = [
    `fenqi audit ${command}: NOT SOUND: first bad position: ${first.position}: ${first.message} [${first.kind}]`,
    `${counts}; ${problems.length + omitted} problems:`,
    ...problems.map((p) => `  ${p.position}: ${p.message} [${p.kind}]`),
  ];
  if (omitted > 0) lines.push(`  … and ${omitted} more`);
  return `${lines.join("\n")}\n`;
}
