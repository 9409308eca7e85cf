import { type Channel, channels } from "../policy/attempt.js";
import type { PolicyPack } from "../policy/policy-pack.js";
import { type TemplateId, templateIds, templateSpec } from "../policy/templates.js";
import { ok, type Problem, type Result } from "../result.js";
import { readObject } from "../validation/reader.js";
import { type Ladder, type LadderStep, ladderDayOffsetMax, ladderStepsMax } from "./ladder.js";
import { defaultStepTime, stepTimePattern } from "./step-time.js";

/**
 * Reads an inline ladder from untrusted JSON, naming every bad field at once with its path
 * (`strategy.steps[2].channel`). Beyond the shape it refuses what no lender means: a collection
 * message before the due date (`strategy.before_due`: a pre-due step is a reminder), a template
 * the pack never sends to a debtor (`strategy.template`, when a pack is given), and the same
 * step twice (`strategy.duplicate`).
 */

const idPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const versionMax = 1_000_000;

function readStep(raw: unknown, path: string, problems: Problem[]): LadderStep | undefined {
  const reader = readObject(raw, path, problems);
  if (reader === undefined) return undefined;
  const day = reader.integer("day", -ladderDayOffsetMax, ladderDayOffsetMax);
  const channel: Channel = reader.choice("channel", channels);
  const template: TemplateId = reader.choice("template", templateIds);
  const time = reader.string("time", stepTimePattern, defaultStepTime);
  reader.rejectUnknown();
  return { day, channel, template, time };
}

function checkSteps(steps: readonly LadderStep[], path: string, pack: PolicyPack | undefined) {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  steps.forEach((step, i) => {
    const at = `${path}[${i}]`;
    if (step.day < 0 && templateSpec(step.template)?.kind !== "reminder") {
      problems.push({
        code: "strategy.before_due",
        field: `${at}.template`,
        message: `${at}.template must be a reminder before the due date`,
      });
    }
    const allowed = pack?.templates.allowed.borrower as readonly string[] | undefined;
    if (allowed !== undefined && !allowed.includes(step.template)) {
      problems.push({
        code: "strategy.template",
        field: `${at}.template`,
        message: `${at}.template is not sent to a debtor under ${pack?.ref}`,
      });
    }
    const key = `${step.day} ${step.channel} ${step.template}`;
    if (seen.has(key)) {
      problems.push({ code: "strategy.duplicate", field: at, message: `${at} repeats a step` });
    }
    seen.add(key);
  });
  return problems;
}

/**
 * The steps of a ladder from a JSON array at `field` (errors name `strategy[2].channel`).
 *
 * @example parseLadderSteps([{ day: 1, channel: "sms", template: "overdue_notice" }])
 */
export function parseLadderSteps(
  raw: unknown,
  field = "strategy",
  pack?: PolicyPack,
): Result<LadderStep[], Problem[]> {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > ladderStepsMax) {
    const message = `${field} must be an array of 1 to ${ladderStepsMax} steps`;
    return { ok: false, error: [{ code: "field.type", field, message }] };
  }
  const problems: Problem[] = [];
  const steps = raw.map((element, i) => readStep(element, `${field}[${i}]`, problems));
  if (problems.length > 0) return { ok: false, error: problems };
  const parsed = steps.filter((s): s is LadderStep => s !== undefined);
  const semantic = checkSteps(parsed, field, pack);
  return semantic.length > 0 ? { ok: false, error: semantic } : ok(parsed);
}

/**
 * A whole ladder `{ id, version, steps }` from JSON at `field` (errors name
 * `strategy.steps[2].channel`).
 */
export function parseLadder(
  raw: unknown,
  field = "strategy",
  pack?: PolicyPack,
): Result<Ladder, Problem[]> {
  const problems: Problem[] = [];
  const reader = readObject(raw, field, problems);
  if (reader === undefined) return { ok: false, error: problems };
  const id = reader.string("id", idPattern);
  const version = reader.integer("version", 1, versionMax);
  const steps = parseLadderSteps(reader.value("steps"), reader.field("steps"), pack);
  reader.rejectUnknown();
  if (!steps.ok) problems.push(...steps.error);
  if (problems.length > 0 || !steps.ok) return { ok: false, error: problems };
  return ok({ id, version, steps: steps.value });
}
