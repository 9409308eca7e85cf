import { addDays, compareDates } from "../../domain/calendar/civil-date.js";
import { formatInstant, startOfDay } from "../../domain/calendar/instant.js";
import { formatAmount, parseAmount } from "../../domain/money/amount.js";
import type { Currency } from "../../domain/money/currency.js";
import type { Problem } from "../../domain/result.js";
import type { ChoiceEvent, LoanActionEvent, ScenarioEvent } from "../../domain/scenario/events.js";
import type { Scenario } from "../../domain/scenario/scenario.js";
import { registerBorrower } from "../borrowers.js";
import { closeBusinessDay } from "../close/close-business-day.js";
import type { AppContext } from "../context.js";
import type { AppError, AppResult } from "../errors.js";
import type { EventView } from "../loans/event-view.js";
import type { LoanView } from "../loans/loan-view.js";
import { getLoan, originate, pay, refund, settle } from "../loans/loans.js";
import { createProduct } from "../products.js";
import { type DecisionReport, ScenarioContacts } from "./scenario-contacts.js";

/** The clock of a simulation: it reads whatever instant the scenario has reached. */
export interface SimulationClock {
  now(): number;
  set(instant: number): void;
}

export function simulationClock(start: number): SimulationClock {
  let current = start;
  return {
    now: () => current,
    set: (instant) => {
      current = instant;
    },
  };
}

type Money = Record<"principal" | "interest" | "fee" | "late", string>;

/** One loan of the report (../SCENARIOS.md "Output"), amounts as decimal strings. */
export interface LoanReport {
  readonly borrower: string;
  readonly product: string;
  readonly originated: string;
  readonly currency: string;
  readonly principal: string;
  readonly installments: number;
  readonly apr: string;
  readonly ear: string;
  /** The contractual schedule at origination; later changes are in `events`. */
  readonly schedule: readonly {
    n: number;
    due: string;
    principal: string;
    interest: string;
    fee: string;
    total: string;
  }[];
  readonly final: {
    readonly status: string;
    readonly outstanding: Money;
    readonly paid: Money;
    readonly charged: { readonly interest: string; readonly fee: string; readonly late: string };
    /** Late charges the all-in cap prevented. */
    readonly lateClamped: string;
    readonly credit: string;
    /** Days past due and bucket as of `end`. */
    readonly dpd: number;
    readonly bucket: string;
  };
}

export interface SimulationReport {
  readonly jurisdiction: string;
  /** The ref of the scenario's house rules, when it names any. */
  readonly house?: string;
  readonly start: string;
  readonly end: string;
  readonly loans: Record<string, LoanReport>;
  readonly decisions: readonly DecisionReport[];
  readonly events: readonly EventView[];
}

/** A use case refused an event: the scenario is bad input at that event. */
export class SimulationRefused extends Error {
  override name = "SimulationRefused";
  constructor(readonly problems: readonly Problem[]) {
    super(problems[0]?.message ?? "refused");
  }
}

/**
 * Runs a validated scenario through the same use cases that serve the API, on the store the
 * caller gives (a fresh temporary one), with the simulation's clock: products and borrowers are
 * registered, events run in time order, and at the end every loan is charged through `end`.
 * Contacts are judged under the scenario's house rules, when it names any.
 */
export async function runScenario(
  base: AppContext,
  clock: SimulationClock,
  scenario: Scenario,
): Promise<SimulationReport> {
  const ctx: AppContext = scenario.house
    ? { ...base, houseRules: { inForce: { [scenario.pack.id]: scenario.house }, retired: [] } }
    : base;
  clock.set(startOfDay(scenario.start, scenario.pack.timeZone));
  for (const [i, raw] of scenario.definitions.products.entries()) {
    must(
      await createProduct(ctx, { jurisdiction: scenario.pack.id, ...(raw as object) }),
      `products[${i}]`,
    );
  }
  for (const [i, raw] of scenario.definitions.borrowers.entries())
    must(await registerBorrower(ctx, raw), `borrowers[${i}]`);

  const loanIds = new Map<string, string>();
  const reports: Record<string, Omit<LoanReport, "final">> = {};
  const events: EventView[] = [];
  const names = new Map<string, string>();
  let next = 0;
  const contacts = new ScenarioContacts(ctx, clock, scenario, loanIds);
  // Each business date: the strategy's steps planned, its events in time order (file order at
  // the same instant) with the planned contacts that fall due between them, then its close.
  for (let date = scenario.start; compareDates(date, scenario.end) <= 0; date = addDays(date, 1)) {
    await contacts.plan(date);
    for (; next < scenario.events.length && scenario.events[next]?.date === date; next++) {
      const event = scenario.events[next] as ScenarioEvent;
      await contacts.runPlansThrough(event.at);
      clock.set(event.at);
      events.push(...(await runEvent(ctx, event, loanIds, reports, contacts)));
      // The close reports loans by their stored id; the report names them as the file does.
      if (event.type === "originate") names.set(loanIds.get(event.loan) ?? "", event.loan);
    }
    const endOfDay = startOfDay(addDays(date, 1), scenario.pack.timeZone) - 1;
    await contacts.runPlansThrough(endOfDay);
    clock.set(endOfDay);
    const closed = must(
      await closeBusinessDay(ctx, date, { collectEvents: true }),
      `close of ${date}`,
    );
    events.push(
      ...closed.events.map((e) => ({ ...e, loan: names.get(String(e.loan)) ?? String(e.loan) })),
    );
  }
  const loans: Record<string, LoanReport> = {};
  for (const [name, id] of loanIds) {
    const report = reports[name] as Omit<LoanReport, "final">;
    loans[name] = { ...report, final: finalOf(must(await getLoan(ctx, id), "end")) };
  }
  events.sort((a, b) =>
    String(a.date) < String(b.date) ? -1 : String(a.date) > String(b.date) ? 1 : 0,
  );
  return {
    jurisdiction: scenario.pack.ref,
    ...(scenario.house ? { house: scenario.house.ref } : {}),
    start: scenario.start,
    end: scenario.end,
    loans,
    decisions: await contacts.decisions(names),
    events,
  };
}

async function runEvent(
  ctx: AppContext,
  event: ScenarioEvent,
  loanIds: Map<string, string>,
  reports: Record<string, Omit<LoanReport, "final">>,
  contacts: ScenarioContacts,
): Promise<EventView[]> {
  const where = `events[${event.index}]`;
  if (isContactEvent(event)) return contacts.runEvent(event, where);
  const at = formatInstant(event.at);
  if (event.type === "originate") {
    const created = must(
      await originate(ctx, {
        orderId: `scenario-${event.loan}`,
        borrowerId: event.borrower,
        productId: event.product.id,
        principal: formatAmount(event.principal, event.product.currency),
        installments: event.installments,
        date: event.date,
      }),
      where,
    );
    loanIds.set(event.loan, created.loan.id);
    reports[event.loan] = {
      borrower: event.borrower,
      product: event.product.id,
      originated: event.date,
      currency: created.loan.currency,
      principal: created.loan.principal,
      installments: event.installments,
      apr: created.apr,
      ear: created.ear,
      schedule: created.loan.installments.map((i) => ({
        n: i.n,
        due: i.due,
        principal: i.principal,
        interest: i.interest,
        fee: i.fee,
        total: sumAmounts([i.principal, i.interest, i.fee], event.product.currency),
      })),
    };
    return [
      { type: "originated", date: event.date, loan: event.loan, principal: created.loan.principal },
    ];
  }
  const id = loanIds.get(event.loan) as string;
  const idempotency =
    event.type !== "settle" && event.key ? { scope: "scenario", key: event.key } : undefined;
  const result =
    event.type === "payment"
      ? await pay(
          ctx,
          id,
          { amount: event.amount, at },
          idempotency ?? { scope: "scenario", key: `event-${event.index}` },
        )
      : event.type === "refund"
        ? await refund(ctx, id, { amount: event.amount, at }, idempotency)
        : await settle(ctx, id, { at });
  const done = must(result, where);
  if (done.replayed) return [];
  return done.events.map((e) => ({ ...e, loan: event.loan }));
}

function isContactEvent(event: ScenarioEvent): event is ChoiceEvent | LoanActionEvent {
  return "body" in event;
}

/** The sum of decimal strings that the use case wrote in this currency. */
function sumAmounts(values: readonly string[], currency: Currency): string {
  let total = 0n;
  for (const value of values) {
    const parsed = parseAmount(value, currency, "amount");
    if (!parsed.ok) throw new Error("a use case wrote an amount it cannot read back");
    total += parsed.value;
  }
  return formatAmount(total, currency);
}

function finalOf(loan: LoanView): LoanReport["final"] {
  const { late, fee, interest, principal } = loan.outstanding;
  return {
    status: loan.status,
    outstanding: { principal, interest, fee, late },
    paid: {
      principal: loan.paid.principal,
      interest: loan.paid.interest,
      fee: loan.paid.fee,
      late: loan.paid.late,
    },
    charged: loan.charged,
    lateClamped: loan.lateClamped,
    credit: loan.credit,
    dpd: loan.dpd,
    bucket: loan.bucket,
  };
}

/** Unwraps a use case's answer, turning a refusal into a problem located at the event. */
export function must<T>(result: AppResult<T>, where: string): T {
  if (result.ok) return result.value;
  throw new SimulationRefused(problemsAt(result.error, where));
}

function problemsAt(error: AppError, where: string): Problem[] {
  const problems = error.problems?.length
    ? error.problems
    : [{ code: error.code, field: "", message: error.message }];
  return problems.map((p) => ({ ...p, field: p.field ? `${where}.${p.field}` : where }));
}
