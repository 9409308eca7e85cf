/**
 * The policy engine (`judge`), pure and against the store.
 *
 * 1. Pure: decisions per second for a phone call to the debtor with a 60-day history of 50
 *    attempts (every rule family runs; the input hash covers the whole history). Baseline in the
 *    same run: hashing the same inputs alone (`decisionInputHash`), the floor every decision
 *    pays for replayability.
 * 2. Batch: the time to judge 1,000 attempts (one per borrower) against a SQLite store seeded
 *    with 1,000 borrowers, their loans and 50 attempts each: loans and borrowers read in pages,
 *    every history in ONE query (`historyMany`), inputs shaped as a real decision shapes them
 *    (`decisionInput`), then judged. Baseline in the same run: the same batch reading each
 *    borrower's history with its own query (`history`), as one-at-a-time decisions do.
 *
 * Last line: `policy: <N> decisions/s, batch1000 <ms> ms`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring, generateKeyBytes } from "../src/adapters/crypto/keyring.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import { registerBorrower } from "../src/app/borrowers.js";
import { decisionInput, historyEntriesMax, historySince } from "../src/app/contacts/facts.js";
import type { AppContext } from "../src/app/context.js";
import { createProduct, loadProduct } from "../src/app/products.js";
import { originateLoan } from "../src/domain/loan/originate.js";
import {
  type AttemptOutcome,
  type Channel,
  type DecisionInput,
  type HistoryEntry,
  noPreferences,
  type ProposedAttempt,
} from "../src/domain/policy/attempt.js";
import { decisionInputHash, judge } from "../src/domain/policy/judge.js";
import { CN1Policy } from "../src/domain/policy/packs.js";
import type { ContactAttemptRecord } from "../src/ports/contact-store.js";
import type { BorrowerRecord, StoreTx } from "../src/ports/store.js";

/** Borrowers (one loan and one judged attempt each) in the batch: `historyBorrowersMax`. */
const batchSize = 1_000;
/** Attempts in each history, spread over the 60 days before the judged instant. */
const historyAttempts = 50;
const historyDays = 60;
/** Pages of this size read loans and borrowers (`pageSizeMax`). */
const pageSize = 500;
/** Rows per seeding transaction. */
const seedAttemptsPerTransaction = 5_000;
/** The judged instant: 10:00 in Shanghai. */
const judgedAt = Date.parse("2026-06-15T10:00:00+08:00");
const dayMs = 86_400_000;
const productId = "bench-flat";

const channelCycle: readonly Channel[] = ["sms", "phone", "email", "phone", "in_app"];
const outcomeCycle: readonly (AttemptOutcome | undefined)[] = ["no_answer", "answered", undefined];

/** The k-th attempt of a history: every 60/50 days back, 09:00–20:00 local, a mix of channels. */
function attemptShape(k: number) {
  const channel = channelCycle[k % channelCycle.length] as Channel;
  const at =
    judgedAt - historyDays * dayMs + Math.floor((k * historyDays * dayMs) / historyAttempts);
  const toContact = k % 17 === 16;
  return {
    at: at - (k % 11) * 3_600_000,
    channel: toContact ? ("sms" as const) : channel,
    toContact,
    template: toContact
      ? "callback_request"
      : channel === "phone"
        ? "collection_call"
        : "overdue_notice",
    outcome: channel === "phone" && !toContact ? outcomeCycle[k % outcomeCycle.length] : undefined,
    dispatched: k % 9 !== 8,
  };
}

function call(loanId: string, borrowerId: string): ProposedAttempt {
  return {
    loanId,
    borrowerId,
    recipient: { kind: "borrower" },
    channel: "phone",
    template: "collection_call",
    at: judgedAt,
    source: "agent",
  };
}

/** The pure input: the same shapes as the store holds, already as engine facts. */
function pureInput(): DecisionInput {
  const history: HistoryEntry[] = Array.from({ length: historyAttempts }, (_, k) => {
    const s = attemptShape(k);
    return {
      at: s.at,
      loanId: "L1",
      recipient: s.toContact ? { kind: "contact", contactId: "ec1" } : { kind: "borrower" },
      channel: s.channel,
      template: s.template,
      numberId: s.channel === "phone" ? "borrower:phone" : undefined,
      dispatched: s.dispatched,
      outcome: s.outcome,
    };
  });
  return {
    attempt: call("L1", "B1"),
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

/** Runs `work` for at least `budgetMs` after a warm-up, returning calls per second. */
function perSecond(work: () => void, budgetMs: number): number {
  for (let k = 0; k < 200; k++) work();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    for (let k = 0; k < 100; k++) work();
    count += 100;
  }
  return (count * 1000) / (performance.now() - started);
}

function context(store: SqlStore): AppContext {
  let counter = 0;
  return {
    store,
    keyring: createKeyring({
      currentMasterKeyId: "bench",
      masterKeys: new Map([["bench", generateKeyBytes()]]),
      lookupKey: generateKeyBytes(),
    }),
    clock: { now: () => judgedAt },
    ids: { next: (p) => `${p}_${String(++counter).padStart(7, "0")}` },
  };
}

const borrowerId = (k: number) => `b${String(k).padStart(4, "0")}`;

/** 1,000 borrowers with one emergency contact, a loan each, and 50 judged attempts each. */
async function seed(ctx: AppContext): Promise<void> {
  const created = await createProduct(ctx, {
    id: productId,
    method: "flat_fee",
    periodFeeRate: "0.006",
    installments: [3],
    graceDays: 3,
    lateCharges: [{ kind: "late_fee_fixed", amount: "30.00" }],
  });
  if (!created.ok) throw new Error(created.error.message);
  const product = await ctx.store.transaction((tx) => loadProduct(tx, productId));
  if (!product) throw new Error("the bench product was not stored");
  for (let k = 0; k < batchSize; k++) {
    const registered = await registerBorrower(ctx, {
      id: borrowerId(k),
      timezone: "Asia/Shanghai",
      phone: `+86138${String(k).padStart(8, "0")}`,
      emergencyContacts: [
        { id: "ec1", relation: "parent", phone: `+86139${String(k).padStart(8, "0")}` },
      ],
    });
    if (!registered.ok) throw new Error(registered.error.message);
  }
  const records: ContactAttemptRecord[] = [];
  await ctx.store.transaction(async (tx) => {
    for (let k = 0; k < batchSize; k++) {
      const { loan } = originateLoan({
        loanId: `L${String(k).padStart(4, "0")}`,
        orderId: `order-${k}`,
        borrowerId: borrowerId(k),
        product,
        principal: 300_000n,
        installments: 3,
        origination: "2026-04-01",
      });
      await tx.loans.insert(loan, judgedAt);
      for (let a = 0; a < historyAttempts; a++)
        records.push(attemptRecord(loan.id, borrowerId(k), a));
    }
  });
  for (let k = 0; k < records.length; k += seedAttemptsPerTransaction) {
    await ctx.store.transaction(async (tx) => {
      for (const r of records.slice(k, k + seedAttemptsPerTransaction))
        await tx.contactAttempts.insert(r);
    });
  }
}

function attemptRecord(loanId: string, borrower: string, k: number): ContactAttemptRecord {
  const s = attemptShape(k);
  return {
    id: `att_${borrower}_${String(k).padStart(3, "0")}`,
    borrowerId: borrower,
    loanId,
    recipientKind: s.toContact ? "contact" : "borrower",
    contactId: s.toContact ? "ec1" : undefined,
    channel: s.channel,
    template: s.template,
    source: "strategy",
    at: s.at,
    decidedAt: s.at,
    outcome: s.dispatched ? "allow" : "deny",
    until: undefined,
    rules: s.dispatched ? [] : ["CN-TIME-WINDOW"],
    pack: "CN@1",
    house: undefined,
    inputHash: "0".repeat(64),
    inputs: "{}",
    numberId:
      s.channel === "phone" ? (s.toContact ? "contact:ec1:phone" : "borrower:phone") : undefined,
    result: s.outcome,
    resultAt: s.outcome ? s.at + 60_000 : undefined,
    planId: undefined,
  };
}

const noChoices = { consents: [], preferences: [], promises: [], holds: [], payments: [] };

/** Loans and borrowers of the batch, in pages. */
async function readBatch(tx: StoreTx) {
  const loans = [];
  const borrowers = new Map<string, BorrowerRecord>();
  for (let after: string | undefined; loans.length < batchSize; ) {
    const page = await tx.loans.list({ status: "open" }, { after, limit: pageSize });
    loans.push(...page);
    if (page.length < pageSize) break;
    after = page.at(-1)?.id;
  }
  for (let after: string | undefined; borrowers.size < batchSize; ) {
    const page = await tx.borrowers.list({ after, limit: pageSize });
    for (const b of page) borrowers.set(b.id, b);
    if (page.length < pageSize) break;
    after = page.at(-1)?.id;
  }
  return { loans, borrowers };
}

/**
 * Judges one attempt per loan of the batch; `oneQuery` reads every history with `historyMany`,
 * otherwise one `history` query per borrower. Returns milliseconds and the allow count.
 */
async function judgeBatch(
  ctx: AppContext,
  oneQuery: boolean,
): Promise<{ ms: number; allowed: number }> {
  const started = performance.now();
  const allowed = await ctx.store.transaction(async (tx) => {
    const { loans, borrowers } = await readBatch(tx);
    const since = historySince(judgedAt);
    const histories = oneQuery
      ? await tx.contactAttempts.historyMany([...borrowers.keys()], since)
      : new Map(
          await Promise.all(
            [...borrowers.keys()].map(
              async (id) =>
                [id, await tx.contactAttempts.history(id, since, historyEntriesMax)] as const,
            ),
          ),
        );
    let count = 0;
    for (const loan of loans) {
      const borrower = borrowers.get(loan.borrowerId) as BorrowerRecord;
      const attempts = histories.get(borrower.id) ?? [];
      const input = decisionInput(
        call(loan.id, borrower.id),
        borrower,
        attempts,
        noChoices,
        judgedAt,
      );
      if (judge(input, CN1Policy).outcome === "allow") count++;
    }
    if (loans.length !== batchSize) throw new Error(`the batch read ${loans.length} loans`);
    return count;
  });
  return { ms: performance.now() - started, allowed };
}

export async function run(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_MS ?? 2000);
  const input = pureInput();
  const decision = judge(input, CN1Policy);
  const judged = perSecond(() => judge(input, CN1Policy), budgetMs);
  const hashed = perSecond(() => decisionInputHash(input, CN1Policy), budgetMs);
  console.log(
    `policy: pure judge, ${historyAttempts} attempts over ${historyDays} days (${decision.outcome}${decision.rules.length ? ` ${decision.rules.join(",")}` : ""}): ` +
      `${Math.round(judged)} decisions/s; hashing the input alone ${Math.round(hashed)}/s; judge/hash ${(judged / hashed).toFixed(2)}`,
  );
  const dir = mkdtempSync(join(tmpdir(), "fenqi-bench-policy-"));
  const store = await openStore({ databaseUrl: undefined, sqlitePath: join(dir, "bench.db") });
  try {
    const ctx = context(store);
    const seedStarted = performance.now();
    await seed(ctx);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // Warm both paths once, then measure each twice, alternating, and keep the better run.
    await judgeBatch(ctx, true);
    await judgeBatch(ctx, false);
    const runs = [await judgeBatch(ctx, true), await judgeBatch(ctx, false)];
    runs.push(await judgeBatch(ctx, false), await judgeBatch(ctx, true));
    const best = (one: boolean) =>
      Math.min(...runs.filter((_, k) => (k === 0 || k === 3) === one).map((r) => r.ms));
    const batch = best(true);
    const perBorrower = best(false);
    console.log(
      `policy: batch of ${batchSize} on SQLite (seeded in ${seedSeconds.toFixed(1)} s, ${batchSize * historyAttempts} attempts; ${runs[0]?.allowed} allowed): ` +
        `historyMany ${batch.toFixed(0)} ms; one history query per borrower ${perBorrower.toFixed(0)} ms; ratio ${(perBorrower / batch).toFixed(2)}`,
    );
    console.log(`policy: ${Math.round(judged)} decisions/s, batch1000 ${Math.round(batch)} ms`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
