import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsPerStatement } from "../src/adapters/store/batch-sql.js";
import type { SqlStore } from "../src/adapters/store/open-store.js";
import { sqliteTransaction } from "../src/adapters/store/sqlite-database.js";
import { storeTx } from "../src/adapters/store/store-tx.js";
import type { JournalEntry } from "../src/domain/ledger/journal.js";
import type { LoanState } from "../src/domain/loan/loan.js";
import { InvariantError } from "../src/domain/result.js";
import {
  type AuditLeafInput,
  ConcurrentUpdateError,
  closeBatchSizeMax,
  type IdRange,
  type JournalBatch,
  type StoreTx,
} from "../src/ports/store.js";
import {
  at,
  barrier,
  big,
  borrowerRecord,
  entry,
  expectedLeafHash,
  installment,
  loanState,
  productRecord,
} from "./support/store-fixtures.js";
import { openTestStore, type StoreKind, storeKinds, type TestStore } from "./support/stores.js";

/**
 * The batch methods of the daily close (listForClose, updateMany, ledger and audit appendMany,
 * idRange) on both stores: the same rows as their one-at-a-time counterparts, all or nothing,
 * and a number of statements that does not grow with the batch.
 */

/** The business date every close in this file runs for. */
const closeDate = "2026-03-10";

/** Columns `updateMany` writes per loan (its id and state; the contract never), and of an installment row. */
const loanColumns = 11;
const installmentColumns = 13;

/** Counts the statements a Kysely instance executes (each executed query yields one result). */
function statementCounter(): KyselyPlugin & { readonly count: () => number } {
  let executed = 0;
  return {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      executed += 1;
      return args.result;
    },
    count: () => executed,
  };
}

describe.each(storeKinds)("store batches on %s", (kind: StoreKind) => {
  let handle: TestStore;
  let store: SqlStore;
  let counter = 0;
  const uid = (prefix: string) => `${prefix}-${String(++counter).padStart(4, "0")}`;

  beforeAll(async () => {
    handle = await openTestStore(kind);
    store = handle.store;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  /** The open id interval holding exactly the ids `${prefix}-…`. */
  const rangeOf = (prefix: string): IdRange => ({ after: `${prefix}-`, below: `${prefix}.` });

  /** Inserts `loans` on a fresh product and borrower, committed. */
  async function seed(loans: (productId: string, borrowerId: string) => LoanState[]) {
    const product = productRecord(uid("P"));
    const borrower = borrowerRecord(uid("B"));
    const states = loans(product.id, borrower.id);
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      for (const loan of states) await tx.loans.insert(loan, at);
    });
    return states;
  }

  /** A loan of `prefix`-`suffix` closed through `closedThrough`, with the given status. */
  const closeLoan =
    (prefix: string, suffix: string, closedThrough: string, status: LoanState["status"] = "open") =>
    (productId: string, borrowerId: string): LoanState => {
      const loan = loanState(`${prefix}-${suffix}`, borrowerId, productId, 3);
      return { ...loan, status, delinquency: { ...loan.delinquency, closedThrough } };
    };

  /** Runs `work` in a transaction whose statements are counted; returns its value and the count. */
  async function counted<T>(
    work: (tx: StoreTx) => Promise<T>,
  ): Promise<{ value: T; statements: number }> {
    const plugin = statementCounter();
    const db = store.db.withPlugin(plugin);
    const measure = async (tx: StoreTx) => {
      const before = plugin.count();
      const value = await work(tx);
      return { value, statements: plugin.count() - before };
    };
    return kind === "sqlite"
      ? sqliteTransaction(db, (trx) => measure(storeTx(trx, kind)))
      : db.transaction().execute((trx) => measure(storeTx(trx, kind)));
  }

  /** A loan as the close would leave it: every field changed, the schedule replaced. */
  function closed(loan: LoanState, installments: LoanState["installments"]): LoanState {
    return {
      ...loan,
      status: loan.status === "open" ? "charged_off" : "open",
      credit: loan.credit + big + 7n,
      principalReduced: loan.principalReduced + 3n,
      delinquency: {
        closedThrough: closeDate,
        dpd: 95,
        bucket: "M4+",
        principalDays: big * 3n + 1n,
        lateClamped: big + 11n,
        reported: !loan.delinquency.reported,
      },
      installments,
      version: loan.version + 1,
    };
  }

  describe("listForClose", () => {
    it("lists open and charged-off loans not yet closed through the date, by id, with installments", async () => {
      const prefix = uid("LFC");
      const [dueOpen, , , dueChargedOff] = await seed((p, b) =>
        [
          closeLoan(prefix, "g", "2026-03-09"),
          closeLoan(prefix, "b", closeDate),
          closeLoan(prefix, "c", "2026-03-11"),
          closeLoan(prefix, "a", "2026-02-01", "charged_off"),
          closeLoan(prefix, "e", "2026-03-01", "settled"),
          closeLoan(prefix, "f", "2026-03-01", "cancelled"),
        ].map((make) => make(p, b)),
      );
      const listed = await store.transaction((tx) =>
        tx.loans.listForClose(closeDate, rangeOf(prefix), 100),
      );
      expect(listed).toEqual([dueChargedOff, dueOpen]);
    });

    it("treats a loan never closed as closed through the day before its origination", async () => {
      const prefix = uid("LFN");
      const loans = await seed((p, b) =>
        [
          ["a", "2026-03-01"],
          ["b", closeDate],
          ["c", "2026-03-11"],
        ].map(([suffix, origination]) => ({
          ...loanState(`${prefix}-${suffix}`, b, p, 2),
          origination: origination ?? "",
        })),
      );
      await store.db
        .updateTable("loans")
        .set({ closed_through: null })
        .where(
          "id",
          "in",
          loans.map((l) => l.id),
        )
        .execute();
      const listed = await store.transaction((tx) =>
        tx.loans.listForClose(closeDate, rangeOf(prefix), 100),
      );
      expect(listed.map((l) => l.id)).toEqual([`${prefix}-a`, `${prefix}-b`]);
      expect(listed[0]?.delinquency.closedThrough).toBe("2026-02-28");
      expect(listed[1]?.delinquency.closedThrough).toBe("2026-03-09");
    });

    it("keeps to the id interval, pages with `after`, honours the limit", async () => {
      const prefix = uid("LFR");
      const suffixes = ["d", "b", "e", "a", "c"];
      await seed((p, b) => suffixes.map((s) => closeLoan(prefix, s, "2026-03-01")(p, b)));
      const ids = suffixes.map((s) => `${prefix}-${s}`).sort();
      const list = (range: IdRange, limit: number) =>
        store.transaction((tx) => tx.loans.listForClose(closeDate, range, limit));
      const ofIds = (loans: LoanState[]) => loans.map((l) => l.id);
      expect(ofIds(await list(rangeOf(prefix), 2))).toEqual(ids.slice(0, 2));
      expect(ofIds(await list({ ...rangeOf(prefix), after: ids[1] }, 10))).toEqual(ids.slice(2));
      expect(ofIds(await list({ ...rangeOf(prefix), below: ids[3] }, 10))).toEqual(ids.slice(0, 3));
      expect(ofIds(await list({ after: ids[0], below: ids[4] }, 10))).toEqual(ids.slice(1, 4));
      expect(await list(rangeOf(prefix), 0)).toEqual([]);
      await expect(list(rangeOf(prefix), 1.5)).rejects.toBeInstanceOf(InvariantError);
    });

    it("attaches installments in order of n, amounts above 2^53 exact", async () => {
      const prefix = uid("LFI");
      const [loan] = await seed((p, b) => {
        const base = closeLoan(prefix, "a", "2026-03-01")(p, b);
        return [{ ...base, installments: [installment(3), installment(1), installment(2)] }];
      });
      const [listed] = await store.transaction((tx) =>
        tx.loans.listForClose(closeDate, rangeOf(prefix), 10),
      );
      expect(listed?.installments.map((i) => i.n)).toEqual([1, 2, 3]);
      expect(listed?.installments[1]?.late).toBe(big + 1n);
      expect(listed).toEqual({ ...loan, installments: [1, 2, 3].map(installment) });
    });

    it("takes two queries whatever the batch size", async () => {
      const prefix = uid("LFQ");
      await seed((p, b) =>
        Array.from({ length: 40 }, (_, i) =>
          closeLoan(prefix, String(i).padStart(2, "0"), "2026-03-01")(p, b),
        ),
      );
      const few = await counted((tx) => tx.loans.listForClose(closeDate, rangeOf(prefix), 3));
      const many = await counted((tx) => tx.loans.listForClose(closeDate, rangeOf(prefix), 40));
      expect([few.value.length, many.value.length]).toEqual([3, 40]);
      expect([few.statements, many.statements]).toEqual([2, 2]);
    });
  });

  describe("updateMany", () => {
    it("writes every field of many loans, schedules shortened and lengthened", async () => {
      const prefix = uid("UM");
      const loans = await seed((p, b) =>
        ["a", "b", "c"].map((s, i) => ({
          ...closeLoan(prefix, s, "2026-03-01", i === 2 ? "charged_off" : "open")(p, b),
          installments: [1, 2, 3, 4].map(installment),
        })),
      );
      const [a, b, c] = loans;
      if (!a || !b || !c) throw new Error("three loans were seeded");
      const paidFirst = (loan: LoanState) => {
        const [first] = loan.installments;
        if (!first) throw new Error("the fixture has installments");
        return { ...first, charged: true, lateFeeCharged: true, paid: { ...first.paid, late: 9n } };
      };
      const updated = [
        closed(a, [paidFirst(a), ...a.installments.slice(1, 2)]),
        closed(b, [...b.installments, installment(5), { ...installment(6), late: big * 2n }]),
        closed(c, []),
      ];
      await store.transaction((tx) => tx.loans.updateMany(updated));
      const read = await store.transaction(async (tx) =>
        Promise.all(updated.map((loan) => tx.loans.get(loan.id))),
      );
      expect(read).toEqual(updated);
      expect(read.map((l) => l?.installments.map((i) => i.n))).toEqual([
        [1, 2],
        [1, 2, 3, 4, 5, 6],
        [],
      ]);
      // Closed through the date now: the next batch of the same close skips them.
      expect(
        await store.transaction((tx) => tx.loans.listForClose(closeDate, rangeOf(prefix), 10)),
      ).toEqual([]);
      await store.transaction((tx) => tx.loans.updateMany([]));
    });

    it("never rewrites the contract fixed at origination (terms, disclosed rates, parties)", async () => {
      const prefix = uid("UC");
      const [a] = await seed((p, b) => [closeLoan(prefix, "a", "2026-03-01", "open")(p, b)]);
      if (!a) throw new Error("one loan was seeded");
      const tampered = {
        ...closed(a, a.installments),
        apr: "99.99",
        ear: "99.99",
        installmentCount: a.installmentCount + 1,
        orderId: "another-order",
        principal: a.principal + 1n,
      };
      await store.transaction((tx) => tx.loans.updateMany([tampered]));
      const read = await store.transaction((tx) => tx.loans.get(a.id));
      expect(read).toMatchObject({
        apr: a.apr,
        ear: a.ear,
        installmentCount: a.installmentCount,
        orderId: a.orderId,
        principal: a.principal,
        delinquency: tampered.delinquency,
        version: tampered.version,
      });
    });

    it("writes only the installments the caller says changed, and rewrites the others whole", async () => {
      const prefix = uid("UU");
      const loans = await seed((p, b) =>
        ["a", "b", "c"].map((s) => ({
          ...closeLoan(prefix, s, "2026-03-01", "open")(p, b),
          installments: [1, 2, 3].map(installment),
        })),
      );
      const [a, b, c] = loans;
      if (!a || !b || !c) throw new Error("three loans were seeded");
      const late = (n: number) => ({ ...installment(n), late: big * 5n + BigInt(n) });
      // a: every installment differs, yet nothing is said to have changed: its rows stay.
      // b: a one-installment schedule, not listed: rewritten whole.
      // c: installments 1 and 2 differ, only 2 is said to have changed: only row 2 is written.
      const updated = [
        closed(a, [1, 2, 3].map(late)),
        closed(b, [installment(1)]),
        closed(c, [late(1), late(2), installment(3)]),
      ];
      await store.transaction((tx) =>
        tx.loans.updateMany(updated, {
          changedInstallments: new Map([
            [a.id, []],
            [c.id, [2]],
          ]),
        }),
      );
      const [readA, readB, readC] = await store.transaction(async (tx) =>
        Promise.all([tx.loans.get(a.id), tx.loans.get(b.id), tx.loans.get(c.id)]),
      );
      expect(readA?.installments).toEqual([1, 2, 3].map(installment));
      expect(readA?.delinquency).toEqual(updated[0]?.delinquency);
      expect(readB?.installments.map((i) => i.n)).toEqual([1]);
      expect(readC?.installments).toEqual([installment(1), late(2), installment(3)]);
    });

    it("is all or nothing: one stale or missing loan refuses the batch before any write", async () => {
      const prefix = uid("UMS");
      const loans = await seed((p, b) =>
        ["a", "b", "c"].map((s) => closeLoan(prefix, s, "2026-03-01")(p, b)),
      );
      const [a, b, c] = loans;
      if (!a || !b || !c) throw new Error("three loans were seeded");
      const fresh = [closed(a, []), closed(b, []), closed(c, [])];
      const stale = { ...closed(b, []), version: b.version + 2 };
      const unchanged = () =>
        Promise.all(loans.map((l) => store.transaction((tx) => tx.loans.get(l.id))));
      const rollback = new Error("the close gives up the batch");
      for (const batch of [
        [fresh[0], stale, fresh[2]],
        [fresh[0], fresh[1], { ...closed(c, []), version: c.version }],
        [fresh[0], { ...closed(a, []), id: `${prefix}-missing` }],
      ]) {
        const attempt = store.transaction(async (tx) => {
          await expect(tx.loans.updateMany(batch as LoanState[])).rejects.toBeInstanceOf(
            ConcurrentUpdateError,
          );
          // Inside the same transaction nothing is written either, installments included.
          expect(await Promise.all(loans.map((l) => tx.loans.get(l.id)))).toEqual(loans);
          throw rollback;
        });
        await expect(attempt).rejects.toBe(rollback);
        expect(await unchanged()).toEqual(loans);
      }
      // Let through to the transaction: it rolls back, and the loans are as they were.
      await expect(
        store.transaction((tx) => tx.loans.updateMany([fresh[0] as LoanState, stale])),
      ).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await unchanged()).toEqual(loans);
      await expect(
        store.transaction((tx) =>
          tx.loans.updateMany([fresh[0] as LoanState, fresh[0] as LoanState]),
        ),
      ).rejects.toBeInstanceOf(InvariantError);
      expect(await unchanged()).toEqual(loans);
    });

    it("takes the same four statements for 3 loans as for 40", async () => {
      const prefix = uid("UMQ");
      const loans = await seed((p, b) =>
        Array.from({ length: 43 }, (_, i) =>
          closeLoan(prefix, String(i).padStart(2, "0"), "2026-03-01")(p, b),
        ),
      );
      const few = await counted((tx) =>
        tx.loans.updateMany(loans.slice(0, 3).map((l) => closed(l, l.installments))),
      );
      const many = await counted((tx) =>
        tx.loans.updateMany(loans.slice(3).map((l) => closed(l, l.installments))),
      );
      // Versions checked (and locked), rows updated, installments deleted, installments inserted.
      expect([few.statements, many.statements]).toEqual([4, 4]);
    });
  });

  describe("ledger appendMany", () => {
    /** Three movements of distinct amounts, so a posting under the wrong entry would show. */
    function movements(loanId: string, prefix: string): JournalBatch[] {
      return [
        {
          operationId: `${prefix}op-1`,
          entries: [entry(loanId, prefix, big), entry(loanId, prefix, 7n)],
        },
        { operationId: `${prefix}op-2`, entries: [] },
        {
          operationId: `${prefix}op-3`,
          entries: [
            {
              loanId,
              kind: "charge",
              date: closeDate,
              postings: [
                { account: `${prefix}receivable`, amount: big + 5n },
                { account: `${prefix}income:late`, amount: -(big + 2n) },
                { account: `${prefix}income:fee`, amount: -3n },
              ],
            },
            entry(loanId, prefix, 11n),
          ],
        },
      ];
    }

    it("writes every entry under its operation with its own postings, balances exact", async () => {
      const [loan] = await seed((p, b) => [loanState(uid("LJ"), b, p, 1)]);
      if (!loan) throw new Error("a loan was seeded");
      const prefix = `batch:${loan.id}:`;
      const batches = movements(loan.id, prefix);
      await store.transaction(async (tx) => {
        // Ids allocated by a batch stay clear of those `append` gets, before and after it.
        await tx.ledger.append([entry(loan.id, prefix, 1n)], `${prefix}op-0`, at);
        await tx.ledger.appendMany(batches, at + 1);
        await tx.ledger.append([entry(loan.id, prefix, 2n)], `${prefix}op-4`, at);
      });
      expect(await store.transaction((tx) => tx.ledger.balances(prefix))).toEqual(
        new Map([
          [`${prefix}cash`, big + 7n + 11n + 3n],
          [`${prefix}income:fee`, -3n],
          [`${prefix}income:late`, -(big + 2n)],
          [`${prefix}receivable`, -(big + 7n + 11n + 3n) + big + 5n],
        ]),
      );
      expect(await store.transaction((tx) => tx.ledger.total())).toBe(0n);

      const journal = await store.db
        .selectFrom("journal_entries")
        .selectAll()
        .where("loan_id", "=", loan.id)
        .orderBy("id")
        .execute();
      expect(new Set(journal.map((j) => j.id)).size).toBe(journal.length);
      const written = batches.flatMap((m) => m.entries.map((e) => ({ ...e, op: m.operationId })));
      expect(journal.map((j) => j.operation_id)).toEqual([
        `${prefix}op-0`,
        ...written.map((w) => w.op),
        `${prefix}op-4`,
      ]);
      const inBatch = journal.slice(1, -1);
      expect(inBatch.map((j) => [j.kind, j.business_date, j.at])).toEqual(
        written.map((w) => [w.kind, w.date, BigInt(at + 1)]),
      );
      const postings = await store.db
        .selectFrom("postings")
        .selectAll()
        .where(
          "entry_id",
          "in",
          inBatch.map((j) => j.id),
        )
        .orderBy("entry_id")
        .orderBy("seq")
        .execute();
      const byEntry = inBatch.map((j) =>
        postings
          .filter((p) => p.entry_id === j.id)
          .map((p) => ({ account: p.account, amount: p.amount })),
      );
      expect(byEntry).toEqual(written.map((w) => w.postings));
    });

    it("refuses a batch with an unbalanced entry before writing any of it", async () => {
      const [loan] = await seed((p, b) => [loanState(uid("LJU"), b, p, 1)]);
      if (!loan) throw new Error("a loan was seeded");
      const prefix = `batch:${loan.id}:`;
      const unbalanced: JournalEntry = {
        ...entry(loan.id, prefix, 5n),
        postings: [
          { account: `${prefix}cash`, amount: 5n },
          { account: `${prefix}receivable`, amount: -4n },
        ],
      };
      const batches = [
        ...movements(loan.id, prefix),
        { operationId: "op-bad", entries: [unbalanced] },
      ];
      const rollback = new Error("the close gives up the batch");
      const attempt = store.transaction(async (tx) => {
        await expect(tx.ledger.appendMany(batches, at)).rejects.toBeInstanceOf(InvariantError);
        expect(await tx.ledger.balances(prefix)).toEqual(new Map());
        throw rollback;
      });
      await expect(attempt).rejects.toBe(rollback);
      await expect(
        store.transaction((tx) => tx.ledger.appendMany(batches, at)),
      ).rejects.toBeInstanceOf(InvariantError);
      expect(await store.transaction((tx) => tx.ledger.balances(prefix))).toEqual(new Map());
      const journal = await store.db
        .selectFrom("journal_entries")
        .select("id")
        .where("loan_id", "=", loan.id)
        .execute();
      expect(journal).toEqual([]);
      await store.transaction((tx) => tx.ledger.appendMany([], at));
    });

    it("takes the same three statements for 3 movements as for 40", async () => {
      const [loan] = await seed((p, b) => [loanState(uid("LJQ"), b, p, 1)]);
      if (!loan) throw new Error("a loan was seeded");
      const prefix = `batch:${loan.id}:`;
      const many = (count: number): JournalBatch[] =>
        Array.from({ length: count }, (_, i) => ({
          operationId: `${prefix}op-${i}`,
          entries: [entry(loan.id, prefix, BigInt(i + 1)), entry(loan.id, prefix, 1n)],
        }));
      const few = await counted((tx) => tx.ledger.appendMany(many(3), at));
      const lots = await counted((tx) => tx.ledger.appendMany(many(40), at));
      // Ids allocated, entries inserted, postings inserted.
      expect([few.statements, lots.statements]).toEqual([3, 3]);
    });
  });

  describe("audit appendMany", () => {
    const inputs: AuditLeafInput[] = [
      { at, kind: "loan.closed", subject: "L-1", data: { dpd: 3, bucket: "M1", status: "open" } },
      { at: at + 1, kind: "loan.closed", subject: "L-2", data: { note: null, 名: "值", ok: true } },
      { at: at + 2, kind: "close.batch", subject: closeDate, data: {} },
    ];

    it("numbers leaves on from the last one, hashed exactly as `append` would", async () => {
      const single = await store.transaction((tx) =>
        tx.audit.append({ at, kind: "loan.originated", subject: "L-0", data: { n: 12 } }),
      );
      // What appending one by one would give, rolled back so the batch takes the same numbers.
      const rollback = new Error("only to see what append would give");
      let oneByOne: unknown[] = [];
      await expect(
        store.transaction(async (tx) => {
          oneByOne = [];
          for (const input of inputs) oneByOne.push(await tx.audit.append(input));
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      const leaves = await store.transaction((tx) => tx.audit.appendMany(inputs));
      expect(leaves.map((l) => l.seq)).toEqual([1, 2, 3].map((k) => single.seq + k));
      expect(leaves).toEqual(oneByOne);
      for (const leaf of leaves) expect(leaf.hash).toBe(expectedLeafHash(leaf));
      expect(await store.transaction((tx) => tx.audit.list(single.seq, 10))).toEqual([
        single,
        ...leaves,
      ]);
      expect(await store.transaction((tx) => tx.audit.appendMany([]))).toEqual([]);
      expect(await store.transaction((tx) => tx.audit.count())).toBe(single.seq + 4);
    });

    it("takes the same statements for 3 leaves as for 40", async () => {
      const lots = Array.from({ length: 40 }, (_, i) => ({ ...inputs[0], subject: `L-${i}` }));
      const few = await counted((tx) => tx.audit.appendMany(inputs));
      const many = await counted((tx) => tx.audit.appendMany(lots as AuditLeafInput[]));
      // The advisory lock (PostgreSQL only), max(seq), the insert.
      const expected = kind === "postgres" ? 3 : 2;
      expect([few.statements, many.statements]).toEqual([expected, expected]);
    });
  });

  it("closes a full batch of closeBatchSizeMax loans in chunked statements", async () => {
    const prefix = uid("FULL");
    const loans = await seed((p, b) =>
      Array.from({ length: closeBatchSizeMax + 1 }, (_, i) => ({
        ...closeLoan(prefix, String(i).padStart(5, "0"), "2026-03-01")(p, b),
        installments: [installment(1)],
      })),
    );
    const listed = await counted((tx) =>
      tx.loans.listForClose(closeDate, rangeOf(prefix), closeBatchSizeMax + 100),
    );
    expect(listed.statements).toBe(2);
    expect(listed.value).toEqual(loans.slice(0, closeBatchSizeMax));

    const updated = listed.value.map((l) => closed(l, [installment(1), installment(2)]));
    const chunks = (rows: number, columns: number) => Math.ceil(rows / rowsPerStatement(columns));
    const written = await counted((tx) => tx.loans.updateMany(updated));
    expect(written.statements).toBe(
      1 + chunks(updated.length, loanColumns) + 1 + chunks(2 * updated.length, installmentColumns),
    );
    const sample = [0, 1559, 1560, closeBatchSizeMax - 1].map((i) => updated[i]);
    expect(
      await store.transaction((tx) => Promise.all(sample.map((l) => tx.loans.get(l?.id ?? "")))),
    ).toEqual(sample);
    const rest = await store.transaction((tx) =>
      tx.loans.listForClose(closeDate, rangeOf(prefix), closeBatchSizeMax),
    );
    expect(rest).toEqual(loans.slice(closeBatchSizeMax));

    const ledgerPrefix = `full:${prefix}:`;
    const journal: JournalBatch[] = updated.map((l, i) => ({
      operationId: `close:${closeDate}:${l.id}`,
      entries: [1n, 2n, 3n].map((k) => entry(l.id, ledgerPrefix, BigInt(i) * k + 1n)),
    }));
    await store.transaction((tx) => tx.ledger.appendMany(journal, at));
    const n = BigInt(updated.length);
    // Σ_i Σ_k (i·k + 1) over i < n, k = 1..3: 6·n(n−1)/2 + 3n.
    const cash = 3n * n * (n - 1n) + 3n * n;
    expect(await store.transaction((tx) => tx.ledger.balances(ledgerPrefix))).toEqual(
      new Map([
        [`${ledgerPrefix}cash`, cash],
        [`${ledgerPrefix}receivable`, -cash],
      ]),
    );

    const leaves = await store.transaction((tx) =>
      tx.audit.appendMany(
        Array.from({ length: 6000 }, (_, i) => ({
          at,
          kind: "loan.closed",
          subject: `s-${i}`,
          data: { i },
        })),
      ),
    );
    expect(leaves.map((l, i) => l.seq - i)).toEqual(leaves.map(() => leaves[0]?.seq));
    const last = leaves.at(-1);
    if (!last) throw new Error("leaves were appended");
    expect(await store.transaction((tx) => tx.audit.list(last.seq, 1))).toEqual([last]);
  });

  it("gives the id range and count of loans the close works on", async () => {
    const fresh = await openTestStore(kind);
    try {
      expect(await fresh.store.transaction((tx) => tx.loans.idRange())).toEqual({ count: 0 });
      const product = productRecord("P-range");
      const borrower = borrowerRecord("B-range");
      const states: [string, LoanState["status"]][] = [
        ["L-0", "settled"],
        ["L-3", "open"],
        ["L-1", "charged_off"],
        ["L-2", "open"],
        ["L-9", "cancelled"],
      ];
      await fresh.store.transaction(async (tx) => {
        await tx.products.insert(product);
        await tx.borrowers.insert(borrower);
        for (const [id, status] of states)
          await tx.loans.insert({ ...loanState(id, borrower.id, product.id, 1), status }, at);
      });
      expect(await fresh.store.transaction((tx) => tx.loans.idRange())).toEqual({
        first: "L-1",
        last: "L-3",
        count: 3,
      });
    } finally {
      await fresh.dispose();
    }
  });

  it("cuts the loans the close works on into runs of about equal size, one query a cut", async () => {
    const fresh = await openTestStore(kind);
    try {
      expect(await fresh.store.transaction((tx) => tx.loans.partitionBounds(4))).toEqual([]);
      const product = productRecord("P-cut");
      const borrower = borrowerRecord("B-cut");
      // Ten loans the close works on (L-00 … L-09), with settled and cancelled ones between.
      const statuses: LoanState["status"][] = ["open", "charged_off", "settled", "cancelled"];
      const ids: string[] = [];
      await fresh.store.transaction(async (tx) => {
        await tx.products.insert(product);
        await tx.borrowers.insert(borrower);
        for (let i = 0; i < 20; i++) {
          const id = `L-${String(i).padStart(2, "0")}`;
          const status = statuses[i % 4] ?? "open";
          if (status === "open" || status === "charged_off") ids.push(id);
          await tx.loans.insert({ ...loanState(id, borrower.id, product.id, 1), status }, at);
        }
      });
      expect(ids).toHaveLength(10);
      const cut = async (parts: number) => {
        const plugin = statementCounter();
        const db = fresh.store.db.withPlugin(plugin);
        // Counted inside the transaction, so its begin and commit are not.
        const measure = async (tx: StoreTx) => {
          const before = plugin.count();
          const bounds = await tx.loans.partitionBounds(parts);
          expect(plugin.count() - before).toBeLessThanOrEqual(parts);
          return bounds;
        };
        return kind === "sqlite"
          ? sqliteTransaction(db, (trx) => measure(storeTx(trx, kind)))
          : db.transaction().execute((trx) => measure(storeTx(trx, kind)));
      };
      // Ranks ⌊k·10/3⌋ = 3 and 6 of the ten: runs of 3, 3 and 4.
      expect(await cut(3)).toEqual([ids[3], ids[6]]);
      expect(await cut(1)).toEqual([]);
      expect(await cut(10)).toEqual(ids.slice(1));
      // More parts than loans: one loan a run, never an empty or repeated cut.
      expect(await cut(50)).toEqual(ids.slice(1));
    } finally {
      await fresh.dispose();
    }
  });
});

describe("concurrent batch writers on postgres", () => {
  let handle: TestStore;
  let store: SqlStore;

  beforeAll(async () => {
    handle = await openTestStore("postgres");
    store = handle.store;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("lets exactly one of a close batch and a single update win a loan they share", async () => {
    const product = productRecord("P-batch-race");
    const borrower = borrowerRecord("B-batch-race");
    const loans = ["L-race-a", "L-race-b"].map((id) => loanState(id, borrower.id, product.id, 2));
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      for (const loan of loans) await tx.loans.insert(loan, at);
    });
    const bothRead = barrier(2);
    const batch = store.transaction(async (tx) => {
      const current = await tx.loans.listForClose(closeDate, { after: "L-race-" }, 10);
      await bothRead();
      await tx.loans.updateMany(current.map((l) => ({ ...l, credit: 1n, version: l.version + 1 })));
      return "batch";
    });
    const single = store.transaction(async (tx) => {
      const current = await tx.loans.get("L-race-b");
      if (!current) throw new Error("the loan is there");
      await bothRead();
      await tx.loans.update({ ...current, credit: 2n, version: current.version + 1 });
      return "single";
    });
    const results = await Promise.allSettled([batch, single]);
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(ConcurrentUpdateError);
    const stored = await store.transaction((tx) =>
      tx.loans.list({}, { after: "L-race-", limit: 10 }),
    );
    const credits = stored.map((l) => [l.id, l.credit, l.version]);
    expect(credits).toEqual(
      won[0] === "batch"
        ? [
            ["L-race-a", 1n, 2],
            ["L-race-b", 1n, 2],
          ]
        : [
            ["L-race-a", 0n, 1],
            ["L-race-b", 2n, 2],
          ],
    );
  });
});
