import type { CivilDate } from "../../domain/calendar/civil-date.js";
import { formatInstant, type Instant } from "../../domain/calendar/instant.js";
import type { ChoiceEvent, LoanActionEvent } from "../../domain/scenario/events.js";
import type { Scenario } from "../../domain/scenario/scenario.js";
import { proposeContact, recordOutcome } from "../contacts/agent-contact.js";
import { recordConsent, recordPreference, recordPromise } from "../contacts/choices.js";
import { historyEntriesMax, historySince } from "../contacts/facts.js";
import { planContacts, type StrategyFor } from "../contacts/plan-contacts.js";
import { runDuePlans } from "../contacts/run-plans.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail } from "../errors.js";
import type { EventView } from "../loans/event-view.js";
import { waiveLateCharges } from "../loans/waive-late-charges.js";
import type { SimulationClock } from "./run-scenario.js";
import { must } from "./run-scenario.js";

/** One judged contact of the report (../SCENARIOS.md "Output": `decisions`). */
export interface DecisionReport {
  readonly at: string;
  readonly loan: string;
  readonly channel: string;
  readonly to: string;
  readonly template: string;
  readonly source: string;
  readonly outcome: string;
  readonly until?: string;
  readonly rules: readonly string[];
  readonly pack: string;
  /** The house rules that tightened the pack; absent when none. */
  readonly house?: string;
}

/** The most planned contacts one scenario judges: a guard against a ladder that never settles. */
const planRunsMax = 1_000_000;

/**
 * Overdue handling inside a simulation: the strategy's steps planned each business date and
 * judged when they fall due (between the file's events, in time order), and the contact events
 * of the file run through the same use cases as the API.
 */
export class ScenarioContacts {
  private planRuns = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: SimulationClock,
    private readonly scenario: Scenario,
    private readonly loanIds: ReadonlyMap<string, string>,
  ) {}

  /** A scenario has one jurisdiction, so its one ladder treats every loan. */
  private strategyFor(): StrategyFor | undefined {
    const ladder = this.scenario.strategy;
    return ladder ? () => ladder : undefined;
  }

  async plan(date: CivilDate): Promise<void> {
    const strategy = this.strategyFor();
    if (strategy) await planContacts(this.ctx, date, strategy);
  }

  /** Judges every planned contact due at or before `through`, each at its own instant. */
  async runPlansThrough(through: Instant): Promise<void> {
    for (;;) {
      const next = await this.ctx.store.transaction((tx) => tx.contactPlans.nextDue());
      if (next === undefined || next > through) return;
      if (++this.planRuns > planRunsMax) throw new Error("the strategy keeps planning contacts");
      this.clock.set(Math.max(next, this.clock.now()));
      await runDuePlans(this.ctx, this.strategyFor());
    }
  }

  async runEvent(event: ChoiceEvent | LoanActionEvent, where: string): Promise<EventView[]> {
    if ("borrower" in event) {
      const body =
        event.type === "consent" || event.type === "preference"
          ? event.body
          : { action: event.type };
      if (event.type === "consent") {
        const receipt = must(await recordConsent(this.ctx, event.borrower, body), where);
        return [
          {
            type: "consent",
            date: event.date,
            borrower: event.borrower,
            action: receipt.action,
            contact: receipt.contact,
            consent: receipt.consent,
          },
        ];
      }
      must(await recordPreference(this.ctx, event.borrower, body), where);
      return [];
    }
    return this.runLoanEvent(event, where);
  }

  private async runLoanEvent(event: LoanActionEvent, where: string): Promise<EventView[]> {
    const loanId = this.loanIds.get(event.loan) as string;
    switch (event.type) {
      case "contact":
        must(await proposeContact(this.ctx, loanId, event.body), where);
        return [];
      case "contact_outcome": {
        const attempt = await this.lastAllowed(loanId);
        must(attempt ? await recordOutcome(this.ctx, attempt, event.body) : noAttempt(), where);
        return [];
      }
      case "promise":
        must(await recordPromise(this.ctx, loanId, event.body), where);
        return [];
      case "hardship": {
        const done = must(await waiveLateCharges(this.ctx, loanId), where);
        return done.events.map((e) => ({ ...e, loan: event.loan }));
      }
    }
  }

  private async lastAllowed(loanId: string): Promise<string | undefined> {
    return this.ctx.store.transaction(async (tx) => {
      const loan = await tx.loans.get(loanId);
      if (!loan) return undefined;
      const history = await tx.contactAttempts.history(
        loan.borrowerId,
        historySince(this.clock.now()),
        historyEntriesMax,
      );
      return history.filter((a) => a.loanId === loanId && a.outcome === "allow").at(-1)?.id;
    });
  }

  /** Every judged contact, in time order, loans named as the file names them. */
  async decisions(names: ReadonlyMap<string, string>): Promise<DecisionReport[]> {
    const all = [];
    for (let after: string | undefined; ; ) {
      const page = await this.ctx.store.transaction((tx) =>
        tx.contactAttempts.listAll(after, 1000),
      );
      all.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1)?.id;
    }
    all.sort((a, b) => a.decidedAt - b.decidedAt || a.at - b.at || (a.id < b.id ? -1 : 1));
    return all.map((a) => ({
      at: formatInstant(a.at),
      loan: names.get(a.loanId) ?? a.loanId,
      channel: a.channel,
      to: a.recipientKind === "borrower" ? "borrower" : (a.contactId ?? a.recipientKind),
      template: a.template,
      source: a.source,
      outcome: a.outcome,
      ...(a.until === undefined ? {} : { until: formatInstant(a.until) }),
      rules: a.rules,
      pack: a.pack,
      ...(a.house === undefined ? {} : { house: a.house }),
    }));
  }
}

function noAttempt(): AppResult<never> {
  return appFail(
    "conflict",
    "contact_outcome: no allowed contact on this loan to report an outcome of",
  );
}
