import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { registerBorrower } from "../src/app/borrowers.js";
import { endedWhere } from "../src/app/close/business-dates.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import type { AppContext } from "../src/app/context.js";
import { originate } from "../src/app/loans/loans.js";
import { createProduct } from "../src/app/products.js";
import { addDays, type CivilDate } from "../src/domain/calendar/civil-date.js";
import type { JurisdictionId } from "../src/domain/jurisdiction/packs.js";
import { dailyCloseSchedules, startCloseScheduler } from "../src/jobs/close-scheduler.js";
import { loanStates, openCounted } from "./support/portfolio.js";
import { type StoreKind, storeKinds, type TestDatabase, testDatabase } from "./support/stores.js";

/** One CN and one US loan, originated the same civil date. */
async function seedTwoJurisdictions(ctx: AppContext): Promise<Record<JurisdictionId, string>> {
  const ids: Partial<Record<JurisdictionId, string>> = {};
  for (const [jurisdiction, timezone] of [
    ["CN", "Asia/Shanghai"],
    ["US", "America/New_York"],
  ] as const) {
    const product = await createProduct(ctx, {
      id: `p-${jurisdiction}`,
      jurisdiction,
      method: "flat_fee",
      periodFeeRate: "0.006",
      installments: [3],
      graceDays: 3,
    });
    if (!product.ok) throw new Error(product.error.message);
    const borrower = await registerBorrower(ctx, { id: `b-${jurisdiction}`, timezone });
    if (!borrower.ok) throw new Error(borrower.error.message);
    const loan = await originate(ctx, {
      orderId: `o-${jurisdiction}`,
      borrowerId: `b-${jurisdiction}`,
      productId: `p-${jurisdiction}`,
      principal: "900.00",
      installments: 3,
      date: "2026-01-10",
    });
    if (!loan.ok) throw new Error(loan.error.message);
    ids[jurisdiction] = loan.value.loan.id;
  }
  return ids as Record<JurisdictionId, string>;
}

async function closedThrough(ctx: AppContext): Promise<Record<string, CivilDate>> {
  return Object.fromEntries(
    (await loanStates(ctx)).map((l) => [l.productId, l.delinquency.closedThrough]),
  );
}

describe.each(storeKinds)("the close, jurisdiction by jurisdiction, on %s", (kind: StoreKind) => {
  const dir = mkdtempSync(join(tmpdir(), "fenqi-close-juris-"));
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it("closes each jurisdiction's loans only for the dates that have ended in its zone", async () => {
    const database = testDatabase(kind);
    databases.push(database);
    const { ctx } = await openCounted(await database.url(), dir, "juris");
    await seedTwoJurisdictions(ctx);
    // What close-day's progress counts, per jurisdiction and in all.
    const counts = await ctx.store.transaction(async (tx) =>
      [await tx.loans.idRange("CN"), await tx.loans.idRange("US"), await tx.loans.idRange()].map(
        (r) => r.count,
      ),
    );
    expect(counts).toEqual([1, 1, 2]);

    // Every date through Jan 20, each jurisdiction on its own: the second date on is set-based.
    let quiet = 0;
    for (let date: CivilDate = "2026-01-10"; date <= "2026-01-20"; date = addDays(date, 1)) {
      for (const jurisdiction of ["CN", "US"] as const) {
        const report = await closeBusinessDay(ctx, date, { jurisdiction });
        if (!report.ok) throw new Error(report.error.message);
        expect(report.value.loans).toBe(1);
        quiet += report.value.quiet;
      }
    }
    expect(quiet).toBe(20);
    expect(await closedThrough(ctx)).toEqual({ "p-CN": "2026-01-20", "p-US": "2026-01-20" });

    // 2026-01-22 02:00 UTC: the 21st has ended in Shanghai (10:00 on the 22nd), not in New York
    // (21:00 on the 21st). What the CLI closes then: CN only.
    const { ended } = endedWhere("2026-01-21", Date.UTC(2026, 0, 22, 2));
    expect(ended.map((d) => d.jurisdiction)).toEqual(["CN"]);
    for (const d of ended) {
      const report = await closeBusinessDay(ctx, d.date, { jurisdiction: d.jurisdiction });
      expect(report.ok && report.value).toMatchObject({ loans: 1, quiet: 1 });
    }
    expect(await closedThrough(ctx)).toEqual({ "p-CN": "2026-01-21", "p-US": "2026-01-20" });

    // Without a jurisdiction the close takes every loan (simulations, tests). The US loan has not
    // had the 21st: it is caught up in the domain step; the CN loan's 22nd is quiet.
    const all = await closeBusinessDay(ctx, "2026-01-22");
    expect(all.ok && all.value).toMatchObject({ loans: 2, quiet: 1 });
    expect(await closedThrough(ctx)).toEqual({ "p-CN": "2026-01-22", "p-US": "2026-01-22" });
    await ctx.store.close();
  });

  it("runs each jurisdiction's scheduled close at its own local time, inside fenqi serve", async () => {
    const database = testDatabase(kind);
    databases.push(database);
    // 10 ms before 00:30 on Jan 22 in Shanghai (16:30 UTC on the 21st): 11:30 on the 21st in
    // New York. The CN close of the 21st is due now; the US one not for another day.
    const start = Date.UTC(2026, 0, 21, 16, 30) - 10;
    let started = Date.now();
    const clock = () => start + (Date.now() - started);
    const { ctx } = await openCounted(await database.url(), dir, "scheduled", clock);
    await seedTwoJurisdictions(ctx);
    started = Date.now(); // the 10 ms count from here
    const lines: string[] = [];
    const schedules = dailyCloseSchedules("00:30") ?? [];
    const handles = schedules.map((s) => startCloseScheduler(ctx, s, (line) => lines.push(line)));
    try {
      await vi.waitFor(() => expect(lines).toHaveLength(1), { timeout: 5_000 });
    } finally {
      for (const handle of handles) handle.stop();
    }
    expect(lines).toEqual(["CN close of 2026-01-21: 1 loans (0 set-based)"]);
    expect(await closedThrough(ctx)).toEqual({ "p-CN": "2026-01-21", "p-US": "2026-01-09" });
    await ctx.store.close();
  });
});
