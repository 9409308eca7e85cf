import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, type SqlStore } from "../src/adapters/store/open-store.js";
import type { JournalEntry } from "../src/domain/ledger/journal.js";
import type { LoanState } from "../src/domain/loan/loan.js";
import { InvariantError } from "../src/domain/result.js";
import {
  type AuditLeaf,
  type AuditLeafInput,
  type BorrowerRecord,
  ConcurrentUpdateError,
  pageSizeMax,
} from "../src/ports/store.js";
import {
  at,
  barrier,
  big,
  borrowerRecord,
  entry,
  expectedLeafHash,
  idempotencyRecord,
  installment,
  loanState,
  operationRecord,
  productRecord,
} from "./support/store-fixtures.js";
import { openTestStore, type StoreKind, storeKinds, type TestStore } from "./support/stores.js";

/** How many random ledgers the property test writes per store. */
const propertyRuns = 25;

describe.each(storeKinds)("store contract on %s", (kind: StoreKind) => {
  let handle: TestStore;
  let store: SqlStore;
  let counter = 0;
  /** A fresh id for each fixture: every test shares the store, none shares rows. */
  const uid = (prefix: string) => `${prefix}-${String(++counter).padStart(4, "0")}`;

  beforeAll(async () => {
    handle = await openTestStore(kind);
    store = handle.store;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  /** A product, a borrower and an open loan on them, committed; returns the loan. */
  async function seedLoan(installments = 3): Promise<LoanState> {
    const product = productRecord(uid("P"));
    const borrower = borrowerRecord(uid("B"));
    const loan = loanState(uid("L"), borrower.id, product.id, installments);
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      await tx.loans.insert(loan, at);
    });
    return loan;
  }

  it("reports its dialect", () => {
    expect(store.dialect).toBe(kind);
  });

  it("is configured as the design asks: WAL and safe integers, or read committed and int8 as bigint", async () => {
    const setting = async (query: string) => {
      const { rows } = await sql<Record<string, unknown>>`${sql.raw(query)}`.execute(store.db);
      return Object.values(rows[0] ?? {})[0];
    };
    if (kind === "sqlite") {
      expect(await setting("pragma journal_mode")).toBe("wal");
      expect(await setting("pragma synchronous")).toBe(1n); // NORMAL
      expect(await setting("pragma foreign_keys")).toBe(1n);
      expect(await setting("pragma busy_timeout")).toBe(5000n);
    } else {
      expect(await setting("show transaction_isolation")).toBe("read committed");
    }
    expect(await setting("select cast(9007199254740993 as bigint)")).toBe(9007199254740993n);
  });

  it("migrates idempotently: opening again and migrating again change nothing", async () => {
    const product = productRecord(uid("P"));
    await store.transaction((tx) => tx.products.insert(product));
    expect((await migrate(store)).applied).toEqual([]);
    const again = await handle.reopen();
    try {
      expect(again.dialect).toBe(kind);
      expect((await migrate(again)).applied).toEqual([]);
      expect(await again.transaction((tx) => tx.products.get(product.id))).toEqual(product);
    } finally {
      await again.close();
    }
  });

  it("round-trips products; a duplicate id is refused with false", async () => {
    const product = productRecord(uid("P"));
    expect(await store.transaction((tx) => tx.products.insert(product))).toBe(true);
    const other = { ...product, jurisdiction: "US" };
    expect(await store.transaction((tx) => tx.products.insert(other))).toBe(false);
    expect(await store.transaction((tx) => tx.products.get(product.id))).toEqual(product);
    expect(await store.transaction((tx) => tx.products.get("no-such-product"))).toBeUndefined();
  });

  it("round-trips borrowers with their contacts in the order given", async () => {
    const borrower = borrowerRecord(uid("B"));
    expect(await store.transaction((tx) => tx.borrowers.insert(borrower))).toBe(true);
    const read = await store.transaction((tx) => tx.borrowers.get(borrower.id));
    expect(read).toEqual(borrower);
    expect(read?.contacts.map((c) => c.contactId)).toEqual(["ec-z", "ec-a"]);
    const byPhone = await store.transaction((tx) =>
      tx.borrowers.findByPhoneHash(`ph-${borrower.id}`),
    );
    expect(byPhone).toEqual(borrower);
    const byEmail = await store.transaction((tx) =>
      tx.borrowers.findByEmailHash(`em-${borrower.id}`),
    );
    expect(byEmail).toEqual(borrower);
    expect(await store.transaction((tx) => tx.borrowers.findByPhoneHash("nobody"))).toBeUndefined();
  });

  it("keeps absent hashes absent and refuses a duplicate borrower without touching its contacts", async () => {
    const bare: BorrowerRecord = {
      ...borrowerRecord(uid("B")),
      phoneHash: undefined,
      emailHash: undefined,
      contacts: [],
    };
    expect(await store.transaction((tx) => tx.borrowers.insert(bare))).toBe(true);
    expect(await store.transaction((tx) => tx.borrowers.get(bare.id))).toEqual(bare);
    const again = { ...borrowerRecord(bare.id), sealed: "other" };
    expect(await store.transaction((tx) => tx.borrowers.insert(again))).toBe(false);
    expect(await store.transaction((tx) => tx.borrowers.get(bare.id))).toEqual(bare);
  });

  it("pages products and borrowers by id, `after` exclusive, capped at pageSizeMax", async () => {
    const prefix = uid("page");
    const ids = ["c", "a", "e", "b", "d"].map((s) => `${prefix}-${s}`);
    await store.transaction(async (tx) => {
      for (const id of ids) {
        await tx.products.insert(productRecord(id));
        await tx.borrowers.insert(borrowerRecord(id));
      }
    });
    const sorted = [...ids].sort();
    const after = `${prefix}-a`;
    const products = await store.transaction((tx) => tx.products.list({ after, limit: 2 }));
    expect(products.map((p) => p.id)).toEqual(sorted.slice(1, 3));
    const borrowers = await store.transaction((tx) => tx.borrowers.list({ after, limit: 2 }));
    expect(borrowers.map((b) => b.id)).toEqual(sorted.slice(1, 3));
    expect(borrowers[0]?.contacts).toHaveLength(2);
    const all = await store.transaction((tx) => tx.products.list({ limit: pageSizeMax + 100 }));
    expect(all.length).toBeLessThanOrEqual(pageSizeMax);
    expect(all.map((p) => p.id)).toEqual(all.map((p) => p.id).sort());
    expect(await store.transaction((tx) => tx.products.list({ limit: 0 }))).toEqual([]);
  });

  it("reads the time zones of many borrowers in one call, missing ones left out", async () => {
    const prefix = uid("tz");
    await store.transaction(async (tx) => {
      await tx.borrowers.insert(borrowerRecord(`${prefix}-cn`));
      await tx.borrowers.insert({
        ...borrowerRecord(`${prefix}-us`),
        timeZone: "America/New_York",
      });
    });
    const zones = await store.transaction((tx) =>
      tx.borrowers.timeZonesOf([`${prefix}-us`, `${prefix}-cn`, `${prefix}-none`, `${prefix}-us`]),
    );
    expect([...zones].sort()).toEqual([
      [`${prefix}-cn`, "Asia/Shanghai"],
      [`${prefix}-us`, "America/New_York"],
    ]);
    expect(await store.transaction((tx) => tx.borrowers.timeZonesOf([]))).toEqual(new Map());
  });

  it("orders ids bytewise, the same on both stores", async () => {
    const prefix = uid("order");
    const ids = ["B", "a", "_", "Z", "é", "0"].map((s) => `${prefix}-${s}`);
    await store.transaction(async (tx) => {
      for (const id of ids) await tx.products.insert(productRecord(id));
    });
    const listed = await store.transaction((tx) =>
      tx.products.list({ after: `${prefix}-`, limit: ids.length }),
    );
    const bytewise = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed.map((p) => p.id)).toEqual(bytewise);
  });

  it("round-trips a loan by id and by order id, installments ordered by n, big amounts exact", async () => {
    const loan = await seedLoan(4);
    expect(await store.transaction((tx) => tx.loans.get(loan.id))).toEqual(loan);
    expect(await store.transaction((tx) => tx.loans.getByOrderId(loan.orderId))).toEqual(loan);
    expect(await store.transaction((tx) => tx.loans.get("no-such-loan"))).toBeUndefined();
    expect(await store.transaction((tx) => tx.loans.getByOrderId("no-such-order"))).toBeUndefined();
  });

  it("refuses a second loan for the same order", async () => {
    const loan = await seedLoan();
    const twin = { ...loan, id: uid("L") };
    await expect(store.transaction((tx) => tx.loans.insert(twin, at))).rejects.toThrow();
    expect(await store.transaction((tx) => tx.loans.get(twin.id))).toBeUndefined();
  });

  it("updates a loan: row and schedule replaced, removed installments gone, added ones there", async () => {
    const loan = await seedLoan(4);
    const [first, second] = loan.installments;
    if (!first || !second) throw new Error("fixture has installments");
    const shorter: LoanState = {
      ...loan,
      status: "settled",
      credit: big + 7n,
      principalReduced: 2n * 100_000n,
      delinquency: {
        closedThrough: "2026-02-10",
        dpd: 5,
        bucket: "M1",
        principalDays: big * 3n,
        lateClamped: 123n,
        reported: true,
      },
      installments: [
        { ...first, charged: true, paid: { ...first.paid, principal: 100_000n } },
        second,
      ],
      version: loan.version + 1,
    };
    await store.transaction((tx) => tx.loans.update(shorter));
    expect(await store.transaction((tx) => tx.loans.get(loan.id))).toEqual(shorter);

    const longer: LoanState = {
      ...shorter,
      installments: [...shorter.installments, installment(3), installment(4), installment(5)],
      version: shorter.version + 1,
    };
    await store.transaction((tx) => tx.loans.update(longer));
    const read = await store.transaction((tx) => tx.loans.get(loan.id));
    expect(read).toEqual(longer);
    expect(read?.installments.map((i) => i.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a stale version with ConcurrentUpdateError and writes nothing", async () => {
    const loan = await seedLoan(3);
    const stale = { ...loan, credit: 5n, installments: [], version: loan.version + 2 };
    await expect(store.transaction((tx) => tx.loans.update(stale))).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    const same = { ...loan, credit: 5n, installments: [], version: loan.version };
    await expect(store.transaction((tx) => tx.loans.update(same))).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    const missing = { ...loan, id: "no-such-loan", version: 2 };
    await expect(store.transaction((tx) => tx.loans.update(missing))).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    // Caught inside the transaction, so the transaction itself commits: still nothing changed.
    await store.transaction(async (tx) => {
      await expect(tx.loans.update(stale)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });
    expect(await store.transaction((tx) => tx.loans.get(loan.id))).toEqual(loan);
  });

  it("lists loans filtered by status and borrower, paged by id", async () => {
    const product = productRecord(uid("P"));
    const borrower = borrowerRecord(uid("B"));
    const other = borrowerRecord(uid("B"));
    const prefix = uid("LL");
    const mine = ["c", "a", "b"].map((s) =>
      loanState(`${prefix}-${s}`, borrower.id, product.id, 2),
    );
    const theirs = loanState(`${prefix}-d`, other.id, product.id, 2);
    const settled = {
      ...loanState(`${prefix}-e`, borrower.id, product.id, 1),
      status: "settled" as const,
    };
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      await tx.borrowers.insert(other);
      for (const loan of [...mine, theirs, settled]) await tx.loans.insert(loan, at);
    });
    const byBorrower = await store.transaction((tx) =>
      tx.loans.list({ borrowerId: borrower.id }, { limit: 10 }),
    );
    expect(byBorrower.map((l) => l.id)).toEqual([...mine, settled].map((l) => l.id).sort());
    expect(byBorrower[0]).toEqual(mine[1]);
    const open = await store.transaction((tx) =>
      tx.loans.list(
        { borrowerId: borrower.id, status: "open" },
        { after: `${prefix}-a`, limit: 1 },
      ),
    );
    expect(open.map((l) => l.id)).toEqual([`${prefix}-b`]);
    const settledOnly = await store.transaction((tx) =>
      tx.loans.list({ status: "settled" }, { after: `${prefix}-`, limit: pageSizeMax }),
    );
    expect(settledOnly.map((l) => l.id)).toContain(settled.id);
    expect(settledOnly.every((l) => l.status === "settled")).toBe(true);
  });

  it("rolls back every write of a transaction that throws: loan, ledger and audit", async () => {
    const product = productRecord(uid("P"));
    const borrower = borrowerRecord(uid("B"));
    const loan = loanState(uid("L"), borrower.id, product.id, 2);
    const leavesBefore = await store.transaction((tx) => tx.audit.count());
    const failure = new Error("the use case failed");
    await expect(
      store.transaction(async (tx) => {
        await tx.products.insert(product);
        await tx.borrowers.insert(borrower);
        await tx.loans.insert(loan, at);
        await tx.ledger.append([entry(loan.id, `acct:${loan.id}:`, big)], `op-${loan.id}`, at);
        await tx.audit.append({ at, kind: "loan.originated", subject: loan.id, data: {} });
        await tx.idempotency.put(idempotencyRecord(loan.id));
        throw failure;
      }),
    ).rejects.toBe(failure);
    await store.transaction(async (tx) => {
      expect(await tx.loans.get(loan.id)).toBeUndefined();
      expect(await tx.products.get(product.id)).toBeUndefined();
      expect(await tx.borrowers.get(borrower.id)).toBeUndefined();
      expect(await tx.ledger.balances(`acct:${loan.id}:`)).toEqual(new Map());
      expect(await tx.audit.count()).toBe(leavesBefore);
      expect(await tx.idempotency.get("test", loan.id)).toBeUndefined();
    });
  });

  it("appends balanced entries and sums postings exactly above 2^53", async () => {
    const loan = await seedLoan();
    const prefix = `acct:${loan.id}:`;
    const entries: JournalEntry[] = [
      entry(loan.id, prefix, big),
      entry(loan.id, prefix, big + 1n),
      {
        loanId: loan.id,
        kind: "payment",
        date: "2026-02-10",
        postings: [
          { account: `${prefix}cash`, amount: 3n },
          { account: `${prefix}receivable`, amount: -1n },
          { account: `${prefix}income`, amount: -2n },
        ],
      },
    ];
    await store.transaction((tx) => tx.ledger.append(entries, `op-${loan.id}`, at));
    const balances = await store.transaction((tx) => tx.ledger.balances(prefix));
    expect(balances).toEqual(
      new Map([
        [`${prefix}cash`, 2n * big + 1n + 3n],
        [`${prefix}income`, -2n],
        [`${prefix}receivable`, -(2n * big + 1n) - 1n],
      ]),
    );
    const everything = await store.transaction((tx) => tx.ledger.balances());
    expect(everything.get(`${prefix}cash`)).toBe(2n * big + 4n);
    expect(await store.transaction((tx) => tx.ledger.total())).toBe(0n);
  });

  it("sums balances beyond BIGINT and running totals that pass 2^63 on the way", async () => {
    const loan = await seedLoan();
    const prefix = `acct:${loan.id}:`;
    const max = 2n ** 62n;
    const swing = (amount: bigint): JournalEntry => ({
      loanId: loan.id,
      kind: "payment",
      date: "2026-02-10",
      postings: [
        { account: `${prefix}x`, amount },
        { account: `${prefix}y`, amount: -amount },
      ],
    });
    await store.transaction((tx) =>
      tx.ledger.append([swing(max), swing(max), swing(-max), swing(-max)], `op-${loan.id}`, at),
    );
    expect(await store.transaction((tx) => tx.ledger.balances(prefix))).toEqual(
      new Map([
        [`${prefix}x`, 0n],
        [`${prefix}y`, 0n],
      ]),
    );
    const far = `acct:${loan.id}-far:`;
    const towardFar = (i: number): JournalEntry => ({
      loanId: loan.id,
      kind: "payment",
      date: "2026-02-10",
      postings: [
        { account: `${far}sink`, amount: max },
        { account: `${far}source-${i}`, amount: -max },
      ],
    });
    await store.transaction((tx) =>
      tx.ledger.append([0, 1, 2, 3].map(towardFar), `op-far-${loan.id}`, at),
    );
    const farBalances = await store.transaction((tx) => tx.ledger.balances(far));
    expect(farBalances.get(`${far}sink`)).toBe(2n ** 64n);
    expect(await store.transaction((tx) => tx.ledger.total())).toBe(0n);
  });

  it("matches account prefixes literally: case, `_` and `%` are not wildcards", async () => {
    const loan = await seedLoan();
    const base = `esc:${loan.id}:`;
    const accounts = [
      `${base}a_b`,
      `${base}aXb`,
      `${base}a%c`,
      `${base}aYc`,
      `${base.toUpperCase()}a_b`,
    ];
    await store.transaction((tx) =>
      tx.ledger.append(
        accounts.map((account) => ({
          loanId: loan.id,
          kind: "charge" as const,
          date: "2026-02-10",
          postings: [
            { account, amount: 1n },
            { account: `${base}!other`, amount: -1n },
          ],
        })),
        `op-${loan.id}`,
        at,
      ),
    );
    const underscore = await store.transaction((tx) => tx.ledger.balances(`${base}a_`));
    expect([...underscore.keys()]).toEqual([`${base}a_b`]);
    const percent = await store.transaction((tx) => tx.ledger.balances(`${base}a%`));
    expect([...percent.keys()]).toEqual([`${base}a%c`]);
    const bang = await store.transaction((tx) => tx.ledger.balances(`${base}!`));
    expect([...bang.keys()]).toEqual([`${base}!other`]);
    const lower = await store.transaction((tx) => tx.ledger.balances(base));
    expect(lower.size).toBe(5);
  });

  it("refuses an unbalanced entry before writing any of the batch", async () => {
    const loan = await seedLoan();
    const prefix = `acct:${loan.id}:`;
    const unbalanced: JournalEntry = {
      loanId: loan.id,
      kind: "payment",
      date: "2026-02-10",
      postings: [
        { account: `${prefix}cash`, amount: 100n },
        { account: `${prefix}receivable`, amount: -99n },
      ],
    };
    await store.transaction(async (tx) => {
      await expect(
        tx.ledger.append([entry(loan.id, prefix, 5n), unbalanced], `op-${loan.id}`, at),
      ).rejects.toBeInstanceOf(InvariantError);
      expect(await tx.ledger.balances(prefix)).toEqual(new Map());
    });
    const tooBig = entry(loan.id, prefix, 2n ** 63n);
    await expect(
      store.transaction((tx) => tx.ledger.append([tooBig], `op-${loan.id}`, at)),
    ).rejects.toBeInstanceOf(InvariantError);
  });

  it("round-trips bigint postings in ±2^62 exactly (property)", async () => {
    const loan = await seedLoan();
    const amount = fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n });
    await fc.assert(
      fc.asyncProperty(fc.array(amount, { minLength: 1, maxLength: 8 }), async (amounts) => {
        const prefix = `prop:${uid("run")}:`;
        const entries: JournalEntry[] = amounts.map((a, i) => ({
          loanId: loan.id,
          kind: "payment",
          date: "2026-02-10",
          postings: [
            { account: `${prefix}${i}:debit`, amount: a },
            { account: `${prefix}${i}:credit`, amount: -a },
          ],
        }));
        await store.transaction((tx) => tx.ledger.append(entries, `op-${prefix}`, at));
        const expected = new Map<string, bigint>();
        amounts.forEach((a, i) => {
          expected.set(`${prefix}${i}:debit`, a);
          expected.set(`${prefix}${i}:credit`, -a);
        });
        expect(await store.transaction((tx) => tx.ledger.balances(prefix))).toEqual(expected);
      }),
      { numRuns: propertyRuns },
    );
    expect(await store.transaction((tx) => tx.ledger.total())).toBe(0n);
  });

  it("numbers audit leaves without gaps and hashes them deterministically (RFC 6962 leaf)", async () => {
    const before = await store.transaction((tx) => tx.audit.count());
    const inputs: AuditLeafInput[] = [
      { at, kind: "loan.originated", subject: "L-1", data: { principal: "548.00", n: 12 } },
      {
        at: at + 1,
        kind: "contact.denied",
        subject: "B-1",
        data: { rule: "CN-CONTACT-PERSON", third: true, note: null, 名: "值" },
      },
      { at: at + 2, kind: "empty", subject: "x", data: {} },
    ];
    const appended: AuditLeaf[] = await store.transaction(async (tx) => {
      const out: AuditLeaf[] = [];
      for (const input of inputs) out.push(await tx.audit.append(input));
      return out;
    });
    expect(appended.map((l) => l.seq)).toEqual([before, before + 1, before + 2]);
    for (const leaf of appended) expect(leaf.hash).toBe(expectedLeafHash(leaf));
    const listed = await store.transaction((tx) => tx.audit.list(before, 10));
    expect(listed).toEqual(appended);
    const all = await store.transaction((tx) => tx.audit.list(0, pageSizeMax));
    expect(all.map((l) => l.seq)).toEqual(all.map((_, i) => i));
    for (const leaf of all) expect(leaf.hash).toBe(expectedLeafHash(leaf));
    expect(await store.transaction((tx) => tx.audit.count())).toBe(before + 3);
  });

  it("keeps the first answer for an idempotency key: a second put returns false", async () => {
    const record = idempotencyRecord(uid("key"));
    expect(await store.transaction((tx) => tx.idempotency.put(record))).toBe(true);
    const second = { ...record, requestHash: "other", response: "{}" };
    expect(await store.transaction((tx) => tx.idempotency.put(second))).toBe(false);
    expect(await store.transaction((tx) => tx.idempotency.get("test", record.key))).toEqual(record);
    expect(
      await store.transaction((tx) => tx.idempotency.get("other-scope", record.key)),
    ).toBeUndefined();
  });

  it("finds API keys by secret hash, revoked or not", async () => {
    const live = {
      id: uid("K"),
      name: "mall checkout",
      secretHash: uid("sh"),
      createdAt: at,
      revokedAt: undefined,
    };
    const revoked = { ...live, id: uid("K"), secretHash: uid("sh"), revokedAt: at + 1000 };
    await store.transaction(async (tx) => {
      await tx.apiKeys.insert(live);
      await tx.apiKeys.insert(revoked);
    });
    expect(await store.transaction((tx) => tx.apiKeys.findBySecretHash(live.secretHash))).toEqual(
      live,
    );
    expect(
      await store.transaction((tx) => tx.apiKeys.findBySecretHash(revoked.secretHash)),
    ).toEqual(revoked);
    expect(await store.transaction((tx) => tx.apiKeys.findBySecretHash("unknown"))).toBeUndefined();
  });

  it("keeps a loan's operations in the order they happened", async () => {
    const loan = await seedLoan();
    const later = operationRecord(uid("op"), loan.id, at + 2000, "k-1");
    const earlier = {
      ...operationRecord(uid("op"), loan.id, at, undefined),
      kind: "refund" as const,
    };
    await store.transaction(async (tx) => {
      await tx.operations.insert(later);
      await tx.operations.insert(earlier);
    });
    expect(await store.transaction((tx) => tx.operations.listByLoan(loan.id))).toEqual([
      earlier,
      later,
    ]);
    expect(await store.transaction((tx) => tx.operations.listByLoan("no-such-loan"))).toEqual([]);
  });
});

describe("concurrent writers on postgres", () => {
  let handle: TestStore;
  let store: SqlStore;

  beforeAll(async () => {
    handle = await openTestStore("postgres");
    store = handle.store;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("lets exactly one of two transactions update the same loan version", async () => {
    const product = productRecord("P-race");
    const borrower = borrowerRecord("B-race");
    const loan = loanState("L-race", borrower.id, product.id, 3);
    await store.transaction(async (tx) => {
      await tx.products.insert(product);
      await tx.borrowers.insert(borrower);
      await tx.loans.insert(loan, at);
    });
    const bothRead = barrier(2);
    const attempt = (credit: bigint) =>
      store.transaction(async (tx) => {
        const current = await tx.loans.get(loan.id);
        if (!current) throw new Error("the loan is there");
        // Both have read the same version before either writes.
        await bothRead();
        await tx.loans.update({
          ...current,
          credit,
          installments: current.installments.slice(1),
          version: current.version + 1,
        });
        return credit;
      });
    const results = await Promise.allSettled([attempt(1n), attempt(2n)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentUpdateError);
    const stored = await store.transaction((tx) => tx.loans.get(loan.id));
    expect(stored?.version).toBe(loan.version + 1);
    expect(stored?.credit).toBe((won[0] as PromiseFulfilledResult<bigint>).value);
    expect(stored?.installments.map((i) => i.n)).toEqual([2, 3]);
  });

  it("gives concurrent audit appenders distinct, gapless numbers", async () => {
    const appenders = 8;
    const before = await store.transaction((tx) => tx.audit.count());
    const allStarted = barrier(appenders);
    const leaves = await Promise.all(
      Array.from({ length: appenders }, (_, i) =>
        store.transaction(async (tx) => {
          await allStarted();
          return tx.audit.append({ at, kind: "race", subject: `s-${i}`, data: { i } });
        }),
      ),
    );
    const seqs = leaves.map((l) => l.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: appenders }, (_, i) => before + i));
    const listed = await store.transaction((tx) => tx.audit.list(before, appenders));
    expect(listed).toEqual([...leaves].sort((a, b) => a.seq - b.seq));
  });
});
