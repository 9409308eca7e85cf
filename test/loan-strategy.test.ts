import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationProvider } from "../src/adapters/store/migrations/migrations.js";
import type { SqlStore } from "../src/adapters/store/open-store.js";
import { closeBusinessDay } from "../src/app/close/close-business-day.js";
import { planContacts, recordedStrategy } from "../src/app/contacts/plan-contacts.js";
import { addDays, type CivilDate } from "../src/domain/calendar/civil-date.js";
import { cnRemindersLadder, defaultLadderFor } from "../src/domain/strategy/default-ladders.js";
import { ladderRef } from "../src/domain/strategy/ladder.js";
import {
  cnFlatProduct,
  expectProblem,
  type HttpHarness,
  json,
  openHttpHarness,
} from "./support/http.js";
import { type StoreKind, storeKinds } from "./support/stores.js";

/**
 * A loan records the strategy that treats it (DESIGN.md "Overdue handling"): origination writes
 * the pack default's ref, the daily close never rewrites it, planning follows it, a supervisor
 * moves it, and loans stored before migration 0010 (NULL) keep the pack's default ladder.
 */

const cnDefault = ladderRef(defaultLadderFor("CN"));
const usDefault = ladderRef(defaultLadderFor("US"));
const cnReminders = ladderRef(cnRemindersLadder);

const product = { ...cnFlatProduct, installments: [6] };

describe.each(storeKinds)("a loan's recorded strategy on %s", (kind: StoreKind) => {
  let h: HttpHarness;
  const loans: Record<"kept" | "moved" | "unknown", string> = { kept: "", moved: "", unknown: "" };

  async function originate(borrowerId: string, orderId: string, date: CivilDate) {
    const response = await h.call({
      method: "POST",
      url: "/api/v1/loans",
      payload: {
        orderId,
        borrowerId,
        productId: "flat",
        principal: "600.00",
        installments: 6,
        date,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return json<{ loan: { id: string; strategy: string } }>(response).loan;
  }
  const stored = (id: string) => h.ctx.store.transaction((tx) => tx.loans.get(id));
  const leaves = (id: string) =>
    h.ctx.store.transaction((tx) => tx.audit.bySubjects("loan.strategy", [id]));
  const plansOf = (id: string) =>
    h.ctx.store.transaction((tx) => tx.contactPlans.listPendingByLoan(id));
  const put = async (role: "supervisor" | "agent", id: string, payload: object) =>
    (await h.as(role)).call({ method: "PUT", url: `/api/v1/loans/${id}/strategy`, payload });

  beforeAll(async () => {
    h = await openHttpHarness(kind);
    expect(
      (await h.call({ method: "POST", url: "/api/v1/products", payload: product })).statusCode,
    ).toBe(201);
    for (const [i, id] of ["b1", "b2", "b3", "b4"].entries()) {
      const payload = { id, timezone: "Asia/Shanghai", phone: `+861380000000${i + 1}` };
      const response = await h.call({ method: "POST", url: "/api/v1/borrowers", payload });
      expect(response.statusCode, response.body).toBe(201);
    }
    // First due date 2026-02-10 for all three.
    for (const [name, borrower] of [
      ["kept", "b1"],
      ["moved", "b2"],
      ["unknown", "b3"],
    ] as const) {
      loans[name] = (await originate(borrower, `order-${name}`, "2026-01-10")).id;
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it("origination records the pack default's ladder, and the view shows it", async () => {
    expect((await stored(loans.kept))?.strategy).toBe(cnDefault);
    const view = json<{ strategy: string }>(await h.call({ url: `/api/v1/loans/${loans.kept}` }));
    expect(view.strategy).toBe(cnDefault);
  });

  it("a supervisor moves a loan to another known ladder, audited in the same transaction", async () => {
    const response = await put("supervisor", loans.moved, { strategy: cnReminders });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ id: string; strategy: string }>(response)).toMatchObject({
      id: loans.moved,
      strategy: cnReminders,
    });
    expect((await stored(loans.moved))?.strategy).toBe(cnReminders);
    const audit = await leaves(loans.moved);
    expect(audit.map((l) => l.data)).toEqual([{ from: cnDefault, to: cnReminders }]);
  });

  it("refuses an unknown ladder (422 naming strategy), another role and an unknown loan, changing nothing", async () => {
    const before = await stored(loans.kept);
    expect(
      expectProblem(
        await put("supervisor", loans.kept, { strategy: "nope@1" }),
        422,
        "invalid_input",
      ),
    ).toEqual(["strategy"]);
    // A US ladder (its validation notice, its templates) is not for a CN loan.
    expect(
      expectProblem(
        await put("supervisor", loans.kept, { strategy: usDefault }),
        422,
        "invalid_input",
      ),
    ).toEqual(["strategy"]);
    expect((await put("agent", loans.kept, { strategy: cnReminders })).statusCode).toBe(403);
    expectProblem(await put("supervisor", "L_none", { strategy: cnReminders }), 404, "not_found");
    expect(await stored(loans.kept)).toEqual(before);
    expect(await leaves(loans.kept)).toEqual([]);
  });

  it("the daily close never rewrites the recorded strategy", async () => {
    // Through the first due date and past the grace (a late fee: the full update path).
    for (let date: CivilDate = "2026-01-10"; date <= "2026-02-16"; date = addDays(date, 1)) {
      const report = await closeBusinessDay(h.ctx, date);
      expect(report.ok).toBe(true);
    }
    const moved = await stored(loans.moved);
    expect(moved?.delinquency.closedThrough).toBe("2026-02-16");
    expect(moved?.delinquency.dpd).toBe(6);
    expect(moved?.strategy).toBe(cnReminders);
    expect((await stored(loans.kept))?.strategy).toBe(cnDefault);
  });

  it("planning follows each loan's recorded ladder and skips an unknown one, counted once", async () => {
    // A ref that is no known ladder (a retired strategy, a typo in a data fix).
    await h.ctx.store.transaction((tx) => tx.loans.setStrategy(loans.unknown, "retired@9"));
    // 2026-02-11 is D+1 of the first installment: both CN ladders send the overdue SMS; on D+3
    // the default calls, the reminders-only ladder does nothing.
    const steps = async (id: string, date: CivilDate) =>
      (await plansOf(id))
        .filter((p) => p.stepDate === date)
        .map((p) => `${p.strategy} ${p.channel} ${p.template}`)
        .sort();
    expect(await planContacts(h.ctx, "2026-02-11", recordedStrategy)).toEqual({
      planned: 2,
      unknownStrategy: 1,
    });
    expect(await steps(loans.kept, "2026-02-11")).toEqual([`${cnDefault} sms overdue_notice`]);
    expect(await steps(loans.moved, "2026-02-11")).toEqual([`${cnReminders} sms overdue_notice`]);
    expect(await planContacts(h.ctx, "2026-02-13", recordedStrategy)).toEqual({
      planned: 1,
      unknownStrategy: 1,
    });
    expect(await steps(loans.kept, "2026-02-13")).toEqual([`${cnDefault} phone collection_call`]);
    expect(await steps(loans.moved, "2026-02-13")).toEqual([]);
    expect(await plansOf(loans.unknown)).toEqual([]);
  });

  it("loans stored before migration 0010 read NULL and still get the pack default's plans", async () => {
    const late = (await originate("b4", "order-old", "2026-01-12")).id;
    const db = (h.ctx.store as SqlStore).db;
    const migrator = new Migrator({ db, provider: migrationProvider(kind) });
    expect((await migrator.migrateTo("0009-login-housekeeping")).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const row = await db
      .selectFrom("loans")
      .select("strategy")
      .where("id", "=", late)
      .executeTakeFirst();
    expect(row).toEqual({ strategy: null });
    expect((await stored(late))?.strategy).toBeUndefined();
    const view = json<{ strategy: string }>(await h.call({ url: `/api/v1/loans/${late}` }));
    expect(view.strategy).toBe(cnDefault);
    // D+1 of its first installment (2026-02-12): the CN default's overdue SMS, named as such.
    const pass = await planContacts(h.ctx, "2026-02-13", recordedStrategy);
    expect(pass.unknownStrategy).toBe(0);
    expect((await plansOf(late)).map((p) => `${p.strategy} ${p.channel} ${p.template}`)).toEqual([
      `${cnDefault} sms overdue_notice`,
    ]);
  });
});
