import type { Selectable } from "kysely";
import type { Channel } from "../../domain/policy/attempt.js";
import type { ContactPlanRecord, ContactPlanRepository } from "../../ports/contact-store.js";
import { batches, type Db, int8OfNumber, numberOf } from "./codec.js";
import type { ContactPlanTable } from "./schema.js";

/** The strategy's planned contacts: one row per ladder step and installment, keyed so a rerun adds nothing. */
export class SqlContactPlanRepository implements ContactPlanRepository {
  constructor(private readonly db: Db) {}

  async insertMany(plans: readonly ContactPlanRecord[]): Promise<number> {
    let inserted = 0;
    for (const batch of batches(plans)) {
      const result = await this.db
        .insertInto("contact_plans")
        .values(
          batch.map((p) => ({
            id: p.id,
            key: p.key,
            borrower_id: p.borrowerId,
            loan_id: p.loanId,
            step_date: p.stepDate,
            channel: p.channel,
            template: p.template,
            due_at: int8OfNumber(p.dueAt, "plan.dueAt"),
            strategy: p.strategy,
            status: p.status,
          })),
        )
        .onConflict((oc) => oc.column("key").doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return inserted;
  }

  async due(now: number, limit: number): Promise<ContactPlanRecord[]> {
    const rows = await this.db
      .selectFrom("contact_plans")
      .selectAll()
      .where("status", "=", "pending")
      .where("due_at", "<=", int8OfNumber(now, "now"))
      .orderBy("due_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(planOf);
  }

  async nextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("contact_plans")
      .select((eb) => eb.fn.min("due_at").as("next"))
      .where("status", "=", "pending")
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined
      ? undefined
      : numberOf(row.next, "contact_plans.due_at");
  }

  async setStatus(id: string, status: "judged" | "dropped"): Promise<boolean> {
    const done = await this.db
      .updateTable("contact_plans")
      .set({ status })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return done.numUpdatedRows === 1n;
  }

  async listPendingByLoan(loanId: string): Promise<ContactPlanRecord[]> {
    const rows = await this.db
      .selectFrom("contact_plans")
      .selectAll()
      .where("loan_id", "=", loanId)
      .where("status", "=", "pending")
      .orderBy("due_at")
      .orderBy("id")
      .execute();
    return rows.map(planOf);
  }
}

function planOf(row: Selectable<ContactPlanTable>): ContactPlanRecord {
  return {
    id: row.id,
    key: row.key,
    borrowerId: row.borrower_id,
    loanId: row.loan_id,
    stepDate: row.step_date,
    channel: row.channel as Channel,
    template: row.template,
    dueAt: numberOf(row.due_at, "contact_plans.due_at"),
    strategy: row.strategy,
    status: row.status as ContactPlanRecord["status"],
  };
}
