/**
 * Hashing in the domain: the pure TypeScript SHA-256 and canonical JSON against `node:crypto`
 * and `JSON.stringify`, measured in the same run on one fixed decision input (the shape
 * `decisionInputHash` hashes, as bench/policy.ts builds it: a phone call with a 60-day history,
 * here of 57 attempts so that its canonical JSON is ~9 KB) and on Merkle interior nodes
 * (65 bytes). Ratios are domain time over the native baseline: lower is better, 1 is native.
 *
 * Last line: `hash: decisionInputHash <µs> µs (node:crypto + JSON.stringify <µs> µs, ratio <r>)`.
 */
import { createHash } from "node:crypto";
import { nodeHash } from "../src/domain/audit/merkle.js";
import { canonicalJson, canonicalJsonUtf8 } from "../src/domain/crypto/canonical-json.js";
import { sha256Bytes, sha256Hex, utf8Bytes } from "../src/domain/crypto/sha256.js";
import {
  type Channel,
  type DecisionInput,
  type HistoryEntry,
  noPreferences,
} from "../src/domain/policy/attempt.js";
import { decisionInputHash } from "../src/domain/policy/judge.js";
import { CN1Policy } from "../src/domain/policy/packs.js";

const judgedAt = Date.parse("2026-06-15T10:00:00+08:00");
const dayMs = 86_400_000;
const channels: readonly Channel[] = ["sms", "phone", "email", "phone", "in_app"];

const historyAttempts = 57;

/** A fixed decision input: 57 attempts over 60 days, shaped as bench/policy.ts shapes them. */
export function decisionInputFixture(): DecisionInput {
  const history: HistoryEntry[] = Array.from({ length: historyAttempts }, (_, k) => {
    const channel = channels[k % channels.length] as Channel;
    const toContact = k % 17 === 16;
    return {
      at:
        judgedAt -
        60 * dayMs +
        Math.floor((k * 60 * dayMs) / historyAttempts) -
        (k % 11) * 3_600_000,
      loanId: "L1",
      recipient: toContact ? { kind: "contact", contactId: "ec1" } : { kind: "borrower" },
      channel: toContact ? "sms" : channel,
      template: toContact
        ? "callback_request"
        : channel === "phone"
          ? "collection_call"
          : "overdue_notice",
      numberId: channel === "phone" ? "borrower:phone" : undefined,
      dispatched: k % 9 !== 8,
      outcome:
        channel === "phone" && !toContact ? (["no_answer", "answered"] as const)[k % 2] : undefined,
    };
  });
  return {
    attempt: {
      loanId: "L1",
      borrowerId: "B1",
      recipient: { kind: "borrower" },
      channel: "phone",
      template: "collection_call",
      at: judgedAt,
      source: "agent",
    },
    recipient: {
      timeZones: ["Asia/Shanghai"],
      debtorNumbers: [{ id: "borrower:phone", wrongNumber: false }],
      numberId: "borrower:phone",
    },
    history,
    consents: [],
    preferences: noPreferences,
    asOf: judgedAt,
  };
}

/** Microseconds per call: the best of `rounds` rounds of `budgetMs / rounds` each, after a warm-up. */
function microseconds(work: () => unknown, budgetMs: number, rounds = 10): number {
  for (let k = 0; k < 200; k++) work();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < budgetMs / rounds) {
      for (let k = 0; k < 20; k++) work();
      count += 20;
    }
    best = Math.min(best, ((performance.now() - started) * 1000) / count);
  }
  return best;
}

function nodeHex(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}

export function run(): void {
  const budgetMs = Number(process.env.BENCH_MS ?? 1000);
  const input = decisionInputFixture();
  const value = { input, pack: CN1Policy.ref, house: undefined };
  const json = canonicalJson(value);
  if (!json.ok) throw new Error(json.error.message);
  const text = json.value;
  const bytes = utf8Bytes(text);
  if (sha256Hex(text) !== nodeHex(text) || decisionInputHash(input, CN1Policy) !== nodeHex(text)) {
    throw new Error("the domain SHA-256 disagrees with node:crypto");
  }
  const left = sha256Bytes(Uint8Array.of(1));
  const right = sha256Bytes(Uint8Array.of(2));
  const nodeInput = new Uint8Array(65);
  nodeInput[0] = 1;
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);

  const us = {
    // charCodeAt makes the text flat, as any reader of it (an encoder, a hash) must.
    canonical: microseconds(
      () => (canonicalJson(value) as { value: string }).value.charCodeAt(0),
      budgetMs,
    ),
    canonicalUtf8: microseconds(() => canonicalJsonUtf8(value), budgetMs),
    stringify: microseconds(() => JSON.stringify(value), budgetMs),
    shaText: microseconds(() => sha256Hex(text), budgetMs),
    shaBytes: microseconds(() => sha256Bytes(bytes), budgetMs),
    nodeText: microseconds(() => nodeHex(text), budgetMs),
    nodeBytes: microseconds(() => createHash("sha256").update(bytes).digest(), budgetMs),
    merkle: microseconds(() => nodeHash(left, right), budgetMs),
    nodeMerkle: microseconds(() => createHash("sha256").update(nodeInput).digest(), budgetMs),
    decision: microseconds(() => decisionInputHash(input, CN1Policy), budgetMs),
    nodeDecision: microseconds(() => nodeHex(JSON.stringify(value)), budgetMs),
  };
  const f = (n: number) => n.toFixed(1);
  const r = (a: number, b: number) => (a / b).toFixed(1);
  console.log(
    `hash: ${bytes.length}-byte canonical decision input; canonicalJson ${f(us.canonical)} µs, canonicalJsonUtf8 ${f(us.canonicalUtf8)} µs (JSON.stringify ${f(us.stringify)} µs, ratios ${r(us.canonical, us.stringify)}, ${r(us.canonicalUtf8, us.stringify)})`,
  );
  console.log(
    `hash: sha256Hex(text) ${f(us.shaText)} µs (node:crypto ${f(us.nodeText)} µs, ratio ${r(us.shaText, us.nodeText)}); ` +
      `sha256Bytes ${f(us.shaBytes)} µs (node:crypto ${f(us.nodeBytes)} µs, ratio ${r(us.shaBytes, us.nodeBytes)})`,
  );
  console.log(
    `hash: Merkle nodeHash ${f(us.merkle)} µs (node:crypto ${f(us.nodeMerkle)} µs, ratio ${r(us.merkle, us.nodeMerkle)})`,
  );
  console.log(
    `hash: decisionInputHash ${f(us.decision)} µs (node:crypto + JSON.stringify ${f(us.nodeDecision)} µs, ratio ${r(us.decision, us.nodeDecision)})`,
  );
}
