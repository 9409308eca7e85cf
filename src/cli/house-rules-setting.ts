import { type HouseRuleSet, readHouseRuleSet } from "../domain/policy/house-rules-file.js";
import type { Problem, Result } from "../domain/result.js";
import { loadScenarioFile } from "./commands/simulate.js";

/** The operator setting naming the lender's house-rules file (docs/overdue-handling.md "House rules"). */
export const houseRulesEnv = "FENQI_HOUSE_RULES";

/**
 * The lender's house rules from the JSON file `FENQI_HOUSE_RULES` names; undefined when it is not
 * set (every pack judges bare). A file that cannot be read, is not JSON, or holds an overlay that
 * is malformed or looser than its pack is refused with one problem per fault, each on the
 * variable and naming the field path in its message (`CN.window.from opens before the pack`), so
 * a command can stop before it opens anything. Called by every command that judges contacts:
 * serve, worker, audit replay, policy explain.
 */
export async function houseRulesSetting(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Result<HouseRuleSet | undefined, Problem[]>> {
  const path = env[houseRulesEnv];
  if (!path) return { ok: true, value: undefined };
  const loaded = await loadScenarioFile(path);
  if (!loaded.ok) {
    const error = loaded.error.map((p) => ({
      ...p,
      field: houseRulesEnv,
      message: `${path}: ${p.message}`,
    }));
    return { ok: false, error };
  }
  const read = readHouseRuleSet(loaded.value);
  if (!read.ok)
    return { ok: false, error: read.error.map((p) => ({ ...p, field: houseRulesEnv })) };
  return read;
}

/** "CN acme-cn@1, US acme-us@1 (FENQI_HOUSE_RULES)", for a start-up banner. */
export function houseRulesBanner(set: HouseRuleSet): string {
  const inForce = Object.entries(set.inForce).map(([j, rules]) => `${j} ${rules.ref}`);
  return `house rules: ${inForce.length > 0 ? inForce.join(", ") : "none in force"} (${houseRulesEnv})`;
}
