import { type Explanation, explainAttempt } from "../../app/contacts/explain.js";
import { houseRulesSetting } from "../house-rules-setting.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";
import { loadScenarioFile } from "./simulate.js";

const usage = "usage: fenqi policy explain FILE [--json]";

/**
 * `fenqi policy explain FILE [--json]`: judges the one attempt the file describes (format:
 * docs/overdue-handling.md "Explaining a decision") and prints the decision, each rule that
 * decided it with its summary and source from the pack's catalogue, and the input hash. Needs no
 * store: a compliance officer can run it anywhere. The pack is tightened by the house rules of
 * `FENQI_HOUSE_RULES` when it is set, as serve and worker judge. Exit 2 names every bad field.
 */
export async function policyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  const json = rest.includes("--json");
  const files = rest.filter((a) => a !== "--json");
  const [file] = files;
  if (action !== "explain" || file === undefined || files.length > 1 || file.startsWith("-"))
    return reportProblems(io, "policy", [
      {
        code: "usage",
        field: action === "explain" ? "FILE" : (action ?? "explain"),
        message: usage,
      },
    ]);
  const house = await houseRulesSetting(process.env);
  if (!house.ok) return reportProblems(io, "policy explain", house.error);
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) return reportProblems(io, "policy explain", loaded.error);
  const explained = explainAttempt(loaded.value, house.value);
  if (!explained.ok) return reportProblems(io, "policy explain", explained.error);
  io.out(json ? `${JSON.stringify(explained.value, null, 2)}\n` : render(explained.value));
  return exitOk;
}

function render(e: Explanation): string {
  const a = e.attempt;
  const head =
    e.outcome === "defer"
      ? `defer until ${e.until} (${e.untilLocal} recipient's time)`
      : e.outcome === "allow" && e.rules.length === 0
        ? "allow: no rule stands in the way"
        : e.outcome;
  const width = Math.max(0, ...e.rules.map((r) => r.id.length));
  const rules = e.rules.map(
    (r) => `  ${r.id.padEnd(width)}  ${r.summary}\n  ${"".padEnd(width)}  source: ${r.source}`,
  );
  return [
    `attempt:    ${a.channel} to ${a.to}, template ${a.template}, at ${a.at}, by the ${a.source}`,
    `decision:   ${head} (${e.house === null ? e.pack : `${e.pack}, house rules ${e.house}`})`,
    ...(rules.length > 0 ? ["rules:", ...rules] : []),
    `input hash: ${e.inputHash}`,
    "",
  ].join("\n");
}
