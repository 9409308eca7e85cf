/**
 * The daily close of ONE business date over a seeded portfolio (BENCH_LOANS loans, default one
 * million: current, in-grace and overdue loans, three installments each), against a baseline
 * measured in the same run on the same rows: one set-based UPDATE that computes every open
 * loan's days past due and adds a day's penalty, run in a transaction that is rolled back.
 * SQLite with one writer; PostgreSQL with two partition runners.
 *
 * Seeding does not go through the use cases (a million originations through the API would take
 * longer than the bench): a handful of template loans are originated and closed up to the day
 * before the close date in the pure domain, then copied under fresh ids with multi-row INSERTs.
 * Seeding is timed and printed, but it is not part of any ratio.
 *
 * BENCH_STORES=sqlite measures SQLite alone (then there is no last line to quote).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type Insertable, type Kysely, sql } from "kysely";
import { createKeyring, generateKeyBytes } from "../src/adapters/crypto/keyring.js";
import { openStore, type SqlStore } from "../src/adapters/store/open-store.js";
import type {
  Database,
  InstallmentTable,
  JournalEntryTable,
  LoanTable,
  PostingTable,
} from "../src/adapters/store/schema.js";
import { registerBorrower } from "../src/app/borrowers.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import { rangesBetween } from "../src/app/close/close-partitioned.js";
import type { AppContext } from "../src/app/context.js";
import { createProduct, loadProduct } from "../src/app/products.js";
import { addDays, type CivilDate } from "../src/domain/calendar/civil-date.js";
import { closeThrough } from "../src/domain/close/close-day.js";
import { principalOutstanding, quietThrough } from "../src/domain/close/quiet.js";
import type { JournalEntry } from "../src/domain/ledger/journal.js";
import type { LoanState } from "../src/domain/loan/loan.js";
import { originateLoan } from "../src/domain/loan/originate.js";
import type { Product } from "../src/domain/product/product.js";
import type { IdRange } from "../src/ports/store.js";
import { testDatabase } from "../test/support/stores.js";
import type { RunnerJob, RunnerMessage } from "./close-thread.js";

/** Loans in the portfolio (BENCH_LOANS overrides). */
const loanCount = Number(process.env.BENCH_LOANS ?? 1_000_000);
/** The largest portfolio the bench accepts: ids are `L` and seven digits. */
const loanCountMax = 9_999_999;
/** Rows per multi-row INSERT while seeding: 22 loan columns × 1000 stays under every bind limit. */
const seedRowsPerStatement = 1000;
/** Loans per seeding transaction: large enough to amortize the commits, small enough to be bounded. */
const seedLoansPerTransaction = 50_000;
/** Installments per loan: three keeps the installment table at about three rows per loan. */
const installmentsPerLoan = 3;
/** Partition runners on PostgreSQL (each its own pool, as each worker process would have). */
const postgresRunners = 2;
/** The business date closed: every loan is closed through the day before. */
export const closeDate: CivilDate = "2026-06-15";
/** The portfolio's jurisdiction: the close runs scoped to it, as close-day and serve run it. */
export const benchJurisdiction = "CN";
/** The business clock: the close date's evening in Shanghai. */
const now = Date.UTC(2026, 5, 15, 12);
/** The product's daily penalty, in units of 1/10000 of the unpaid principal per day. */
const penaltyPerTenThousand = 5;
/** Days after a due date before late charges start (the product's graceDays). */
const graceDays = 3;
const productId = "bench-flat";
const borrowerId = "b1";

/** Principals of the templates, in minor units (fen). */
const principals: readonly bigint[] = [120_000n, 300_000n, 499_999n, 880_000n];

/**
 * Template origination dates, repeated in this proportion over the portfolio, and what each is
 * on the close date (three installments, due monthly from origination).
 */
const scenarios: readonly { origination: CivilDate; payFirst: boolean; note: string }[] = [
  { origination: "2026-05-26", payFirst: false, note: "current, first due 06-26" },
  { origination: "2026-06-01", payFirst: false, note: "current, first due 07-01" },
  { origination: "2026-05-20", payFirst: false, note: "current, first due 06-20" },
  { origination: "2026-04-25", payFirst: true, note: "current, first installment paid" },
  { origination: "2026-04-20", payFirst: true, note: "current, first installment paid" },
  { origination: "2026-05-13", payFirst: false, note: "in grace: 2 days past due" },
  { origination: "2026-05-12", payFirst: false, note: "in grace: 3 days past due" },
  { origination: "2026-04-20", payFirst: false, note: "overdue: 26 days past due" },
  { origination: "2026-03-25", payFirst: false, note: "overdue: 51 days past due" },
];

export function benchContext(store: SqlStore, runner: string): AppContext {
  let counter = 0;
  const keyring = createKeyring({
    currentMasterKeyId: "bench",
    masterKeys: new Map([["bench", generateKeyBytes()]]),
    lookupKey: generateKeyBytes(),
  });
  return {
    store,
    keyring,
    clock: { now: () => now },
    ids: { next: (p) => `${p}_${runner}_${++counter}` },
  };
}

const loanId = (k: number): string => `L${k.toString().padStart(7, "0")}`;

/** The product and the borrower, through their use cases; the domain product for the templates. */
async function seedReferenceData(ctx: AppContext): Promise<Product> {
  const created = await createProduct(ctx, {
    id: productId,
    method: "flat_fee",
    periodFeeRate: "0.006",
    installments: [installmentsPerLoan],
    graceDays,
    lateCharges: [{ kind: "penalty_daily", rate: (penaltyPerTenThousand / 10_000).toString() }],
  });
  if (!created.ok) throw new Error(created.error.message);
  const borrower = await registerBorrower(ctx, {
    id: borrowerId,
    timezone: "Asia/Shanghai",
    phone: "+8613800000001",
  });
  if (!borrower.ok) throw new Error(borrower.error.message);
  const product = await ctx.store.transaction((tx) => loadProduct(tx, productId));
  if (!product) throw new Error("the bench product was not stored");
  return product;
}

/** A template loan and its origination entry, copied under every id that uses the template. */
interface Template {
  readonly loan: LoanState;
  readonly origination: JournalEntry;
}

/**
 * Template loans: originated, optionally with the first installment paid in full, and closed
 * through the day before the close date in the domain — the state earlier closes would have left
 * (installments due so far charged, late charges, DPD, bucket, principal-days).
 */
function templates(product: Product): Template[] {
  const out: Template[] = [];
  for (const scenario of scenarios) {
    for (const principal of principals) {
      const id = `T${out.length}`;
      const { loan, entries } = originateLoan({
        loanId: id,
        orderId: `order-${id}`,
        borrowerId,
        product,
        principal,
        installments: installmentsPerLoan,
        origination: scenario.origination,
      });
      // A payment on the first due date: closed through it (so it is charged), then paid in full.
      const firstDue = loan.installments[0]?.due ?? scenario.origination;
      const paid = scenario.payFirst
        ? payFirstInstallment(closeThrough(loan, product, firstDue).loan)
        : loan;
      const [origination] = entries;
      if (!origination) throw new Error("an origination posts one entry");
      out.push({ loan: closeThrough(paid, product, addDays(closeDate, -1)).loan, origination });
    }
  }
  return out;
}

function payFirstInstallment(loan: LoanState): LoanState {
  return {
    ...loan,
    installments: loan.installments.map((i) =>
      i.n === 1
        ? { ...i, paid: { late: 0n, fee: i.fee, interest: i.interest, principal: i.principal } }
        : i,
    ),
  };
}

function loanRow(template: LoanState, product: Product, id: string): Insertable<LoanTable> {
  const d = template.delinquency;
  return {
    id,
    borrower_id: template.borrowerId,
    product_id: template.productId,
    order_id: `order-${id}`,
    currency: template.currency,
    principal: template.principal,
    origination: template.origination,
    status: template.status,
    principal_reduced: template.principalReduced,
    credit: template.credit,
    version: BigInt(template.version),
    created_at: BigInt(now),
    installment_count: BigInt(template.installmentCount),
    apr: template.apr,
    ear: template.ear,
    closed_through: d.closedThrough,
    dpd: BigInt(d.dpd),
    bucket: d.bucket,
    principal_days: d.principalDays,
    late_clamped: d.lateClamped,
    reported: d.reported ? 1 : 0,
    // What the close of the day before judged, as it does for every loan it reads.
    quiet_through: quietThrough(template, product),
    principal_outstanding: principalOutstanding(template),
  };
}

function installmentRows(template: LoanState, id: string): Insertable<InstallmentTable>[] {
  return template.installments.map((i) => ({
    loan_id: id,
    n: BigInt(i.n),
    due_date: i.due,
    principal: i.principal,
    interest: i.interest,
    fee: i.fee,
    charged: i.charged ? 1 : 0,
    late: i.late,
    paid_late: i.paid.late,
    paid_fee: i.paid.fee,
    paid_interest: i.paid.interest,
    paid_principal: i.paid.principal,
    late_fee_charged: i.lateFeeCharged ? 1 : 0,
  }));
}

async function insertChunked<T extends "loans" | "installments" | "postings">(
  trx: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let k = 0; k < rows.length; k += seedRowsPerStatement) {
    await trx
      .insertInto(table)
      .values(rows.slice(k, k + seedRowsPerStatement) as Insertable<Database[T]>[])
      .execute();
  }
}

/**
 * Copies the templates over loans L0000001…, in transactions of `seedLoansPerTransaction`, with
 * each loan's origination entry and postings, so the journal (its indexes, the planner's view of
 * it) is at the scale of the portfolio when the close appends to it, as in production. The
 * entries earlier closes posted are left out: they would only make the journal larger still.
 */
async function seedLoans(
  db: Kysely<Database>,
  product: Product,
  shapes: readonly Template[],
): Promise<void> {
  for (let first = 1; first <= loanCount; first += seedLoansPerTransaction) {
    const last = Math.min(loanCount, first + seedLoansPerTransaction - 1);
    const loans: Insertable<LoanTable>[] = [];
    const installments: Insertable<InstallmentTable>[] = [];
    const entries: Insertable<JournalEntryTable>[] = [];
    const templateOf = new Map<string, Template>();
    for (let k = first; k <= last; k++) {
      const template = shapes[k % shapes.length] as Template;
      const id = loanId(k);
      loans.push(loanRow(template.loan, product, id));
      installments.push(...installmentRows(template.loan, id));
      entries.push(entryRow(template.origination, id));
      templateOf.set(id, template);
    }
    await db.transaction().execute(async (trx) => {
      await insertChunked(trx, "loans", loans);
      await insertChunked(trx, "installments", installments);
      for (let k = 0; k < entries.length; k += seedRowsPerStatement) {
        const ids = await trx
          .insertInto("journal_entries")
          .values(entries.slice(k, k + seedRowsPerStatement))
          .returning(["id", "loan_id"])
          .execute();
        const postings = ids.flatMap(({ id, loan_id }) =>
          postingRows(templateOf.get(loan_id) as Template, loan_id, id),
        );
        await insertChunked(trx, "postings", postings);
      }
    });
  }
}

function entryRow(entry: JournalEntry, id: string): Insertable<JournalEntryTable> {
  return {
    loan_id: id,
    operation_id: `${entry.kind}:${id}`,
    kind: entry.kind,
    business_date: entry.date,
    at: BigInt(now),
  };
}

/** The template's postings on this loan's accounts. */
function postingRows(template: Template, id: string, entryId: bigint): Insertable<PostingTable>[] {
  const own = `loan:${template.loan.id}:`;
  return template.origination.postings.map((p, seq) => ({
    entry_id: entryId,
    seq: BigInt(seq),
    account: p.account.startsWith(own) ? `loan:${id}:${p.account.slice(own.length)}` : p.account,
    amount: p.amount,
  }));
}

/** Seeds the store and refreshes the planner's statistics; returns the seconds it took. */
async function seed(store: SqlStore, ctx: AppContext): Promise<number> {
  const started = performance.now();
  const product = await seedReferenceData(ctx);
  await seedLoans(store.db, product, templates(product));
  await sql`analyze`.execute(store.db);
  return (performance.now() - started) / 1000;
}

/** Days from a civil-date column to the close date, in each dialect's date arithmetic. */
function daysPastDue(dialect: "sqlite" | "postgres") {
  return dialect === "sqlite"
    ? sql`cast(julianday(${closeDate}) - julianday(i.due_date) as integer)`
    : sql`(cast(${closeDate} as date) - cast(i.due_date as date))`;
}

/**
 * The baseline: one UPDATE over every open loan not yet closed through the date, setting its DPD
 * (oldest unpaid installment past due) and adding a day's penalty on the unpaid principal of the
 * installments past their grace, and the day's principal-days. The loan row has no late column,
 * so `late_clamped` holds the penalty here: the transaction is rolled back, nothing is kept.
 * The penalty truncates where the product rounds: a baseline, not a second implementation.
 * It is an UPDATE … FROM one aggregate over the installments (SQLite ≥ 3.33 and PostgreSQL both
 * take it) rather than three correlated subqueries per loan, which were ~3x slower on PostgreSQL
 * at 20k loans: the baseline should be the fastest honest single statement.
 * Returns loans updated per second of the statement alone.
 */
async function baseline(store: SqlStore): Promise<number> {
  const graceCutoff = addDays(closeDate, -graceDays);
  const statement = sql`update loans set
      dpd = a.dpd,
      late_clamped = loans.late_clamped + a.penalty,
      principal_days = loans.principal_days + a.unpaid,
      closed_through = ${closeDate},
      version = loans.version + 1
    from (select i.loan_id,
        coalesce(max(case when i.due_date < ${closeDate}
          and i.paid_principal + i.paid_interest + i.paid_fee < i.principal + i.interest + i.fee
          then ${daysPastDue(store.dialect)} end), 0) as dpd,
        coalesce(sum(case when i.due_date < ${graceCutoff} and i.paid_principal < i.principal
          then (i.principal - i.paid_principal) * ${penaltyPerTenThousand} / 10000 end), 0) as penalty,
        sum(i.principal - i.paid_principal) as unpaid
      from installments i group by i.loan_id) as a
    where a.loan_id = loans.id and loans.status = 'open' and loans.closed_through < ${closeDate}`;
  return store.db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      const started = performance.now();
      const result = await statement.execute(connection);
      const seconds = (performance.now() - started) / 1000;
      const updated = Number(result.numAffectedRows ?? 0n);
      if (updated !== loanCount) throw new Error(`baseline updated ${updated} of ${loanCount}`);
      return updated / seconds;
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}

/** What one timed close did: loans closed per second, and how many of them set-based. */
interface Closed {
  readonly perSecond: number;
  readonly quiet: number;
}

function closedAll(seconds: number, reports: readonly { loans: number; quiet: number }[]): Closed {
  const closed = reports.reduce((sum, r) => sum + r.loans, 0);
  if (closed !== loanCount) throw new Error(`fenqi closed ${closed} of ${loanCount} loans`);
  return { perSecond: closed / seconds, quiet: reports.reduce((sum, r) => sum + r.quiet, 0) };
}

/** fenqi's close of the date over the whole portfolio, in this process (SQLite: one writer). */
async function fenqiClose(ctx: AppContext): Promise<Closed> {
  const started = performance.now();
  const report = await closeBusinessDay(ctx, closeDate, { jurisdiction: benchJurisdiction });
  if (!report.ok) throw new Error(report.error.message);
  return closedAll((performance.now() - started) / 1000, [report.value]);
}

/** The next message of a runner thread; its failure or exit rejects. */
function nextMessage(worker: Worker): Promise<RunnerMessage> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(error instanceof Error ? error : new Error(String(error)));
    const exit = (code: number) => reject(new Error(`a close runner exited with ${code}`));
    worker.once("error", fail);
    worker.once("exit", exit);
    worker.once("message", (message: RunnerMessage) => {
      worker.off("error", fail);
      worker.off("exit", exit);
      resolve(message);
    });
  });
}

/**
 * fenqi's close of the date over `ranges` on PostgreSQL, one runner thread per range (see
 * close-thread.ts). Timed from the moment every runner has its store open to the last answer.
 */
async function threadedClose(url: string, ranges: readonly IdRange[]): Promise<Closed> {
  const workers = ranges.map(
    (range, k) =>
      new Worker(new URL("./close-thread-entry.mjs", import.meta.url), {
        workerData: { url, range, runner: `w${k}` } satisfies RunnerJob,
      }),
  );
  try {
    await Promise.all(workers.map(nextMessage));
    const started = performance.now();
    const answers = Promise.all(workers.map(nextMessage));
    for (const worker of workers) worker.postMessage("go");
    const reports = (await answers).map((answer) => {
      if ("error" in answer) throw new Error(answer.error);
      if (!("loans" in answer)) throw new Error("a close runner answered out of turn");
      return answer;
    });
    return closedAll((performance.now() - started) / 1000, reports);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** What the close left: loans current, in grace and overdue on the date, and the entries it posted. */
async function mix(store: SqlStore): Promise<string> {
  const row = await sql<
    Record<"current" | "grace" | "overdue" | "closed", bigint | number | string>
  >`
    select
      sum(case when dpd = 0 then 1 else 0 end) as current,
      sum(case when dpd between 1 and ${graceDays} then 1 else 0 end) as grace,
      sum(case when dpd > ${graceDays} then 1 else 0 end) as overdue,
      sum(case when closed_through = ${closeDate} then 1 else 0 end) as closed
    from loans`.execute(store.db);
  const entries = await store.db
    .selectFrom("journal_entries")
    .select((eb) => eb.fn.countAll<bigint | number>().as("n"))
    .where("business_date", "=", closeDate)
    .executeTakeFirstOrThrow();
  const m = row.rows[0];
  return `current ${m?.current}, in grace ${m?.grace}, overdue ${m?.overdue}, closed ${m?.closed}; ${entries.n} journal entries`;
}

interface Measured {
  readonly mix: string;
  readonly seedSeconds: number;
  readonly fenqi: number;
  readonly quiet: number;
  readonly baseline: number;
}

function line(name: string, m: Measured): string {
  return (
    `  ${name.padEnd(10)} seed ${m.seedSeconds.toFixed(1).padStart(6)} s   ` +
    `fenqi close ${Math.round(m.fenqi).toString().padStart(8)} loans/s   ` +
    `baseline UPDATE ${Math.round(m.baseline).toString().padStart(8)} loans/s   ` +
    `ratio ${(m.fenqi / m.baseline).toFixed(2)}\n` +
    `  ${"".padEnd(10)} after the close: ${m.mix}; ${m.quiet} loans closed set-based (quiet)`
  );
}

async function measureSqlite(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-bench-close-"));
  try {
    const store = await openStore({ sqlitePath: join(dir, "bench.db") });
    try {
      const ctx = benchContext(store, "w0");
      const seedSeconds = await seed(store, ctx);
      const base = await baseline(store);
      const fenqi = await fenqiClose(ctx);
      return {
        seedSeconds,
        fenqi: fenqi.perSecond,
        quiet: fenqi.quiet,
        baseline: base,
        mix: await mix(store),
      };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * PostgreSQL with two partition runners split at the median id, each on its own thread with its
 * own store (its own pool), as two `fenqi worker` processes would be: the bench leaves out only
 * the pg-boss hand-off of the two partitions, which is two jobs whatever the portfolio.
 */
async function measurePostgres(): Promise<Measured> {
  const database = testDatabase("postgres");
  const stores: SqlStore[] = [];
  try {
    const url = await database.url();
    if (url === undefined) throw new Error("the PostgreSQL bench database has no URL");
    const first = await openStore({ databaseUrl: url });
    stores.push(first);
    const seedSeconds = await seed(first, benchContext(first, "seed"));
    const base = await baseline(first);
    // The rolled-back baseline left a dead version of every loan row: vacuum it away so the
    // close does not pay for the baseline's garbage.
    await sql`vacuum analyze loans`.execute(first.db);
    // Cut at equal shares of the ids L0000001…, one range per runner.
    const bounds = Array.from({ length: postgresRunners - 1 }, (_, k) =>
      loanId(Math.floor(((k + 1) * loanCount) / postgresRunners) + 1),
    );
    const fenqi = await threadedClose(url, rangesBetween(bounds));
    return {
      seedSeconds,
      fenqi: fenqi.perSecond,
      quiet: fenqi.quiet,
      baseline: base,
      mix: await mix(first),
    };
  } finally {
    for (const store of stores) await store.close();
    await database.drop();
  }
}

export async function run(): Promise<void> {
  if (!Number.isInteger(loanCount) || loanCount < 2 || loanCount > loanCountMax)
    throw new Error(`BENCH_LOANS must be an integer in 2..${loanCountMax}, got ${loanCount}`);
  console.log(
    `close: ${loanCount} loans × ${installmentsPerLoan} installments, one business date ` +
      `(${closeDate}), ${scenarios.length * principals.length} templates`,
  );
  const sqlite = await measureSqlite();
  console.log(line("sqlite", sqlite));
  if (process.env.BENCH_STORES === "sqlite") return;
  const postgres = await measurePostgres();
  console.log(line(`postgres-${postgresRunners}`, postgres));
  console.log(
    `close: sqlite ${Math.round(sqlite.fenqi)} loans/s (ratio ${(sqlite.fenqi / sqlite.baseline).toFixed(2)}), ` +
      `postgres ${Math.round(postgres.fenqi)} loans/s (ratio ${(postgres.fenqi / postgres.baseline).toFixed(2)})`,
  );
}
