import { civilDateAt, formatInstant, type Instant } from "../../domain/calendar/instant.js";
import {
  type Forecast,
  type ForecastJudgement,
  forecast,
  forecastDaysMax,
} from "../../domain/forecast/forecast.js";
import { formatAmount } from "../../domain/money/amount.js";
import { houseRulesInForce } from "../../domain/policy/house-rules-file.js";
import { policyPackFor } from "../../domain/policy/packs.js";
import type { Product } from "../../domain/product/product.js";
import { ladderOfLoan } from "../../domain/strategy/known-ladders.js";
import { isErased } from "../borrowers.js";
import type { AppContext } from "../context.js";
import { type AppResult, appFail, appOk, invalid } from "../errors.js";
import { type EventView, eventView } from "../loans/event-view.js";
import { loadProduct } from "../products.js";
import { decisionInput, recipientFactsOf } from "./facts.js";
import { loadDecisionFacts } from "./load-facts.js";

/** The horizon when none is asked for: a month, the question a borrower a few days late asks. */
export const forecastDaysDefault = 30;

/** One judged contact of the forecast, as the API and the CLI show it. */
export interface ForecastJudgementView {
  readonly at: string;
  readonly source: "strategy" | "probe";
  readonly recipient: "borrower" | "contact" | "unregistered";
  readonly contact: string | null;
  readonly channel: string;
  readonly template: string;
  readonly outcome: string;
  readonly until: string | null;
  readonly rules: readonly string[];
}

export interface ForecastDayView {
  readonly date: string;
  readonly dpd: number;
  readonly bucket: string;
  readonly status: string;
  readonly charges: readonly { installment: number; kind: string; amount: string }[];
  readonly events: readonly EventView[];
  readonly contacts: readonly ForecastJudgementView[];
}

export interface ContactForecastView {
  readonly contactId: string;
  readonly firstAllowed: string | null;
  readonly dpd: number | null;
  readonly rules: readonly string[];
  readonly answer: string;
}

/** A loan's forecast with amounts as decimal strings and instants in UTC. */
export interface ForecastView {
  readonly loan: string;
  readonly from: string;
  readonly through: string;
  readonly pack: string;
  readonly ladder: string | null;
  readonly timeZone: string;
  readonly probe: { readonly channel: string; readonly template: string; readonly hour: number };
  readonly days: readonly ForecastDayView[];
  readonly contacts: readonly ContactForecastView[];
}

/**
 * What will happen to a loan over the next `days` business dates if nothing is paid and no call
 * is answered (DESIGN.md "Overdue handling", forecast): fees, buckets, reports, the ladder's
 * contacts as the policy would judge them, and whether each emergency contact could ever be
 * contacted and why not. It starts from today's business date in the pack's zone, on the facts a
 * real decision now would read (`loadDecisionFacts`), with the pack's default ladder (none for
 * a settled or cancelled loan). Nothing is written.
 */
export async function forecastLoan(
  ctx: AppContext,
  loanId: string,
  days: number = forecastDaysDefault,
): Promise<AppResult<ForecastView>> {
  if (!Number.isInteger(days) || days < 1 || days > forecastDaysMax)
    return invalid([
      {
        code: "field.range",
        field: "days",
        message: `days must be a whole number from 1 to ${forecastDaysMax}`,
      },
    ]);
  const now = ctx.clock.now();
  const loaded = await ctx.store.transaction(async (tx) => {
    const loan = await tx.loans.get(loanId);
    if (!loan) return undefined;
    const product = await loadProduct(tx, loan.productId);
    const borrower = await tx.borrowers.get(loan.borrowerId);
    if (!product || !borrower) throw new Error(`loan ${loanId} lost its product or borrower`);
    const facts = await loadDecisionFacts(tx, borrower.id, loan.id, now);
    // As decideAndRecord: no contact while processing is restricted or after erasure.
    const restricted = isErased(borrower) || (await tx.privacy.isRestricted(borrower.id));
    return { loan, product, borrower, facts, restricted };
  });
  if (!loaded) return appFail("not_found", `no loan ${loanId}`);
  const { loan, product, borrower, facts, restricted } = loaded;
  const pack = policyPackFor(product.pack.id);
  // The facts of a decision to the borrower now; the attempt itself only names the loan.
  const current = decisionInput(
    {
      loanId,
      borrowerId: borrower.id,
      recipient: { kind: "borrower" },
      channel: "sms",
      template: pack.templates.defaults.borrower ?? "overdue_notice",
      at: now,
      source: "strategy",
    },
    borrower,
    facts.attempts,
    facts.choices,
    now,
  );
  const settled = loan.status === "settled" || loan.status === "cancelled";
  const result = forecast({
    loan,
    product,
    ladder: settled ? undefined : ladderOfLoan(loan.strategy, product.pack.id),
    pack,
    house: houseRulesInForce(ctx.houseRules, product.pack.id),
    borrower: current.recipient,
    contacts: borrower.contacts.map((c) => ({
      contactId: c.contactId,
      recipient: recipientFactsOf(
        borrower,
        { kind: "contact", contactId: c.contactId },
        current.history,
      ),
    })),
    facts: current,
    from: civilDateAt(now, product.pack.timeZone),
    days,
    notBefore: now,
    restricted,
  });
  return appOk(forecastView(loanId, result, product));
}

const instantText = (at: Instant | undefined) => (at === undefined ? null : formatInstant(at));

function judgementView(j: ForecastJudgement): ForecastJudgementView {
  return {
    at: formatInstant(j.at),
    source: j.source,
    recipient: j.recipient.kind,
    contact: j.recipient.kind === "contact" ? j.recipient.contactId : null,
    channel: j.channel,
    template: j.template,
    outcome: j.outcome,
    until: instantText(j.until),
    rules: j.rules,
  };
}

export function forecastView(loanId: string, f: Forecast, product: Product): ForecastView {
  const currency = product.currency;
  return {
    loan: loanId,
    from: f.from,
    through: f.through,
    pack: f.pack,
    ladder: f.ladder ?? null,
    timeZone: f.timeZone,
    probe: f.probe,
    days: f.days.map((d) => ({
      date: d.date,
      dpd: d.dpd,
      bucket: d.bucket,
      status: d.status,
      charges: d.charges.map((c) => ({
        installment: c.n,
        kind: c.kind,
        amount: formatAmount(c.amount, currency),
      })),
      events: d.events.map((e) => eventView(e, currency)),
      contacts: d.contacts.map(judgementView),
    })),
    contacts: f.contacts.map((c) => ({
      contactId: c.contactId,
      firstAllowed: instantText(c.firstAllowed),
      dpd: c.dpd ?? null,
      rules: c.rules,
      answer: c.answer,
    })),
  };
}
