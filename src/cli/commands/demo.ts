import type { SimulationReport } from "../../app/simulate/run-scenario.js";
import { formatAmount, parseAmount } from "../../domain/money/amount.js";
import { CNY, currencyOf } from "../../domain/money/currency.js";
import { configurationFrom } from "../compose.js";
import { demoScenario } from "../demo-scenario.js";
import { type CommandIo, exitInternal, exitOk, reportProblems } from "../io.js";
import { renderTable } from "../table.js";
import { seedDemo } from "./seed-demo.js";
import { simulate } from "./simulate.js";

/**
 * `fenqi demo [--json]`: simulates the built-in scenario and prints a summary of every plan (or,
 * with --json, the same report `fenqi simulate` prints).
 */
export async function demoCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const json = args.includes("--json");
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length > 0) {
    return reportProblems(io, "demo", [
      { code: "usage", field: unknown[0] ?? "", message: "usage: fenqi demo [--json]" },
    ]);
  }
  const report = await simulate(demoScenario);
  if (!report.ok) {
    // The built-in scenario is part of fenqi: if it does not validate, fenqi is broken.
    reportProblems(io, "demo", report.error);
    return exitInternal;
  }
  if (json) {
    io.out(`${JSON.stringify(report.value, null, 2)}\n`);
    return exitOk;
  }
  io.out(summarize(report.value));
  io.out(await seedDemo(configurationFrom(process.env)));
  return exitOk;
}

/** The terminal summary: one line a plan, then the schedule of the first plan. */
export function summarize(report: SimulationReport): string {
  const loans = Object.entries(report.loans);
  const planRows = loans.map(([id, loan]) => {
    const first = loan.schedule[0];
    const currency = currencyOf(loan.currency) ?? CNY;
    const minor = (text: string) => {
      const parsed = parseAmount(text, currency, "amount");
      return parsed.ok ? parsed.value : 0n;
    };
    const cost = loan.schedule.reduce((sum, row) => sum + minor(row.interest) + minor(row.fee), 0n);
    return [
      id,
      loan.product,
      loan.originated,
      loan.principal,
      String(loan.installments),
      first?.total ?? "",
      formatAmount(cost, currency),
      `${loan.apr}%`,
      `${loan.ear}%`,
      loan.final.status,
      loan.final.outstanding.principal,
    ];
  });
  const [firstId, firstLoan] = loans[0] ?? [];
  const lines = [
    `fenqi demo — ${report.jurisdiction}, ${loans.length} installment plans serviced ${report.start} to ${report.end}`,
    "",
    renderTable(
      [
        "loan",
        "product",
        "originated",
        "principal",
        "n",
        "1st payment",
        "total cost",
        "APR",
        "EAR",
        "status",
        "owed",
      ],
      planRows,
      ["principal", "n", "1st payment", "total cost", "APR", "EAR", "owed"],
    ),
  ];
  if (firstId && firstLoan) {
    lines.push(
      "",
      `Schedule of ${firstId} (${firstLoan.product}, ${firstLoan.principal} over ${firstLoan.installments} months):`,
      "",
      renderTable(
        ["#", "due", "principal", "interest", "fee", "total"],
        firstLoan.schedule.map((r) => [
          String(r.n),
          r.due,
          r.principal,
          r.interest,
          r.fee,
          r.total,
        ]),
        ["#", "principal", "interest", "fee", "total"],
      ),
    );
  }
  lines.push("", ...contactSummary(report));
  lines.push(
    "",
    "Run `fenqi demo --json` for the full report, or `fenqi simulate FILE` for a scenario of your own.",
    "",
  );
  return lines.join("\n");
}

/** The overdue handling of the demo: how many contacts were judged, and every one not allowed. */
function contactSummary(report: SimulationReport): string[] {
  const decisions = report.decisions;
  const count = (outcome: string) => decisions.filter((d) => d.outcome === outcome).length;
  const refused = decisions.filter((d) => d.outcome !== "allow");
  return [
    `Contacts judged by the CN@1 policy: ${decisions.length} (${count("allow")} allowed, ${count("defer")} deferred, ${count("deny")} denied)`,
    ...(refused.length === 0
      ? []
      : [
          "",
          renderTable(
            ["at (UTC)", "loan", "channel", "to", "outcome", "rules"],
            refused.map((d) => [d.at, d.loan, d.channel, d.to, d.outcome, d.rules.join(" ")]),
            [],
          ),
        ]),
  ];
}
