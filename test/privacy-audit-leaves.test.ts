import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditLeaf, type AuditLeafInput, pageSizeMax } from "../src/ports/store.js";
import { openTestStore, type StoreKind, storeKinds, type TestStore } from "./support/stores.js";

/**
 * The one lookup of audit leaves by subject (`AuditRepository.bySubjects`), as its callers use
 * it: a data export asks for every leaf about a borrower's many subjects up to a limit; the
 * contact log, attempt proofs and decision replay ask for one kind of leaf about a page of ids.
 */
describe.each(storeKinds)("audit leaves by subject on %s", (kind: StoreKind) => {
  let handle: TestStore;
  /** More subjects than one query's list of ids holds, so the lookup reads them in chunks. */
  const subjectCount = 1_200;
  const subject = (i: number) => `subj-${String(i).padStart(4, "0")}`;
  let appended: AuditLeaf[] = [];

  beforeAll(async () => {
    handle = await openTestStore(kind);
    // Subjects are written from the last to the first, so the ids that sort (and chunk) first
    // hold the latest leaves: a lookup that merely concatenated its chunks would be out of order.
    const inputs: AuditLeafInput[] = [];
    for (let round = 0; round < 2; round++)
      for (let i = subjectCount - 1; i >= 0; i--) {
        const k = round === 0 || i % 3 === 0 ? "a.kind" : "b.kind";
        inputs.push({ at: 1_000 + inputs.length, kind: k, subject: subject(i), data: { i } });
        if (i % 100 === 0)
          inputs.push({ at: 1_000 + inputs.length, kind: k, subject: "stranger", data: { i } });
      }
    appended = await handle.store.transaction((tx) => tx.audit.appendMany(inputs));
  });
  afterAll(() => handle?.dispose());

  /** The leaves appended about `subjects` (and of `only`, when named), by seq. */
  function expected(subjects: readonly string[], only?: string): AuditLeaf[] {
    const asked = new Set(subjects);
    return appended.filter((l) => asked.has(l.subject) && (only === undefined || l.kind === only));
  }

  const lookup = (k: string | undefined, subjects: readonly string[], limit?: number) =>
    handle.store.transaction((tx) => tx.audit.bySubjects(k, subjects, limit));

  it("answers the first `limit` leaves by seq of any number of subjects, every kind", async () => {
    const subjects = Array.from({ length: subjectCount }, (_, i) => subject(i));
    // Repeats and an id with no leaf change nothing.
    const asked = [...subjects, subject(7), "nobody"];
    expect(await lookup(undefined, asked, 30)).toEqual(expected(subjects).slice(0, 30));
    const all = await lookup(undefined, asked, 20_000);
    expect(all).toEqual(expected(subjects));
    expect(all).toHaveLength(2 * subjectCount);
    // The limit counts leaves, not subjects: the last ones asked about come first here.
    const late = await lookup(undefined, subjects, subjectCount + 1);
    expect(late.map((l) => l.seq)).toEqual(
      appended
        .filter((l) => l.subject !== "stranger")
        .map((l) => l.seq)
        .slice(0, subjectCount + 1),
    );
  });

  it("answers the leaves of one kind, limited or for a page of ids", async () => {
    const subjects = Array.from({ length: subjectCount }, (_, i) => subject(i));
    expect(await lookup("b.kind", subjects, 25)).toEqual(expected(subjects, "b.kind").slice(0, 25));
    const page = subjects.slice(300, 300 + pageSizeMax);
    const leaves = await lookup("a.kind", page);
    expect(leaves).toEqual(expected(page, "a.kind"));
    expect(leaves.map((l) => l.subject).sort()).toEqual(
      [...page, ...page.filter((_, j) => (300 + j) % 3 === 0)].sort(),
    );
    const [one] = await lookup("a.kind", [subject(12)]);
    expect(one).toEqual(expected([subject(12)], "a.kind")[0]);
  });

  it("answers nothing for no subjects or a limit of 0, and refuses an unbounded lookup", async () => {
    expect(await lookup(undefined, [], 10)).toEqual([]);
    expect(await lookup("a.kind", [])).toEqual([]);
    expect(await lookup(undefined, [subject(1)], 0)).toEqual([]);
    const tooMany = Array.from({ length: pageSizeMax + 1 }, (_, i) => subject(i));
    await expect(lookup("a.kind", tooMany)).rejects.toThrow(/one page of ids/);
    await expect(lookup(undefined, [subject(1)], 1.5)).rejects.toThrow(/whole number/);
  });
});
