import { type JurisdictionId, jurisdictionIds } from "../jurisdiction/packs.js";
import type { Problem, Result } from "../result.js";
import { type FieldReader, readObject } from "../validation/reader.js";
import { type Channel, channels, type DailyWindow } from "./attempt.js";
import { applyHouseRules, type HouseRules, houseCountMax } from "./house-rules.js";
import { policyPackFor } from "./packs.js";
import type { PolicyPack } from "./policy-pack.js";

/**
 * The lender's house rules as an operator writes them (`FENQI_HOUSE_RULES`, a JSON file;
 * docs/overdue-handling.md "House rules"): for each jurisdiction the rules in force, and the
 * earlier versions kept so `fenqi audit replay` can re-judge the decisions made under them.
 * Times are written as a compliance officer reads them ("09:00"), counts as whole numbers, and
 * every overlay must tighten the jurisdiction's current pack (`applyHouseRules`): a looser one is
 * refused naming its field (`CN.window.from`), never silently clamped.
 *
 * @example
 * readHouseRuleSet({
 *   CN: { ref: "acme-cn@1", window: { from: "09:00", to: "21:00" }, conversationsPerDayMax: 2 },
 *   US: { ref: "acme-us@1", deniedChannels: ["push"] },
 *   retired: [{ jurisdiction: "CN", ref: "acme-cn@0", window: { from: "09:00", to: "20:00" } }],
 * }) // ok: CN judged 09:00–21:00 at most 2 conversations a day; US never by push
 */

/** The house rules of every jurisdiction: those in force and those kept for replay. */
export interface HouseRuleSet {
  /** What new decisions are judged by, per jurisdiction; a jurisdiction left out judges by the bare pack. */
  readonly inForce: Readonly<Partial<Record<JurisdictionId, HouseRules>>>;
  /** Earlier versions: never used to decide, only to replay the decisions that name them. */
  readonly retired: readonly RetiredHouseRules[];
}

export interface RetiredHouseRules {
  readonly jurisdiction: JurisdictionId;
  readonly rules: HouseRules;
}

/** Retired versions one file may keep (STYLE 10). */
export const retiredHouseRulesMax = 100;

/** "acme-cn@1": a name and a version, as a decision cites it beside the pack ("CN@1"). */
export const houseRefPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}@[1-9][0-9]{0,5}$/;

const minutesPerDay = 1_440;

/** The limits of `HouseRules`, each a whole number the pack's own must not be looser than. */
const countFields = [
  "conversationsPerDayMax",
  "unansweredPerNumberPerDayMax",
  "callsPerDebtMax",
  "quietAfterConversationDays",
  "contactAttemptsMax",
  "contactPeriodDays",
  "unreachableAttemptsMin",
  "unreachableChannelsMin",
] as const satisfies readonly (keyof HouseRules)[];

/**
 * Reads a whole house-rules document: top-level keys are jurisdiction ids (`CN`, `US`) and
 * `retired`; anything else, a wrong type, a bad time or a looser overlay is a problem naming its
 * path. Every problem is returned, not only the first.
 */
export function readHouseRuleSet(raw: unknown): Result<HouseRuleSet, Problem[]> {
  const problems: Problem[] = [];
  const r = readObject(raw, "", problems);
  if (!r) return { ok: false, error: problems };
  const inForce: Partial<Record<JurisdictionId, HouseRules>> = {};
  for (const jurisdiction of jurisdictionIds) {
    const value = r.value(jurisdiction);
    if (value === undefined) continue;
    const rules = readHouseRules(value, jurisdiction, jurisdiction, problems);
    if (rules) inForce[jurisdiction] = rules;
  }
  const retired = r.array("retired", (e, path) => readRetired(e, path, problems), []);
  if (retired.length > retiredHouseRulesMax)
    r.problem("field.range", "retired", `retired holds at most ${retiredHouseRulesMax} versions`);
  r.rejectUnknown();
  checkRefsUnique(inForce, retired, problems);
  if (problems.length > 0) return { ok: false, error: problems };
  return { ok: true, value: { inForce, retired } };
}

/**
 * Reads one jurisdiction's house rules at `path` (`CN`, or a scenario's `house`) and checks that
 * they only tighten the jurisdiction's current pack. Problems go to `problems`; undefined when
 * there was any.
 */
export function readHouseRules(
  raw: unknown,
  path: string,
  jurisdiction: JurisdictionId,
  problems: Problem[],
): HouseRules | undefined {
  const r = readObject(raw, path, problems);
  return r ? readRulesFields(r, path, jurisdiction) : undefined;
}

/** The rules in force for `jurisdiction`, if the lender set any. */
export function houseRulesInForce(
  set: HouseRuleSet | undefined,
  jurisdiction: JurisdictionId,
): HouseRules | undefined {
  return set?.inForce[jurisdiction];
}

/** The rules a decision under `jurisdiction` names by `ref`: in force or retired. */
export function houseRulesByRef(
  set: HouseRuleSet | undefined,
  jurisdiction: JurisdictionId,
  ref: string,
): HouseRules | undefined {
  const current = set?.inForce[jurisdiction];
  if (current?.ref === ref) return current;
  return set?.retired.find((r) => r.jurisdiction === jurisdiction && r.rules.ref === ref)?.rules;
}

function readRetired(raw: unknown, path: string, problems: Problem[]) {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const jurisdiction = r.choice("jurisdiction", jurisdictionIds);
  const rules = readRulesFields(r, path, jurisdiction);
  return rules && { jurisdiction, rules };
}

/** The fields of one overlay (every other field is refused), then its tightening check. */
function readRulesFields(
  r: FieldReader,
  path: string,
  jurisdiction: JurisdictionId,
): HouseRules | undefined {
  const before = r.problems.length;
  const ref = r.value("ref");
  if (typeof ref !== "string" || !houseRefPattern.test(ref))
    r.problem(
      r.has("ref") ? "field.format" : "field.required",
      "ref",
      `${r.field("ref")} must name the house rules and their version, like acme@1`,
    );
  const window = r.has("window") ? readWindow(r, "window") : (r.value("window") as undefined);
  const counts: Partial<Record<(typeof countFields)[number], number>> = {};
  for (const key of countFields)
    if (r.value(key) !== undefined) counts[key] = r.integer(key, 0, houseCountMax);
  const deniedChannels = r.has("deniedChannels")
    ? r.array("deniedChannels", (e, path) => channelAt(e, path, r))
    : (r.value("deniedChannels") as undefined);
  r.rejectUnknown();
  if (r.problems.length > before) return undefined;
  const rules: HouseRules = {
    ref: ref as string,
    ...(window ? { window } : {}),
    ...counts,
    ...(deniedChannels ? { deniedChannels } : {}),
  };
  const pack = policyPackFor(jurisdiction);
  r.problems.push(...tighteningProblems(rules, pack, path));
  return r.problems.length > before ? undefined : rules;
}

function channelAt(value: unknown, path: string, r: FieldReader): Channel | undefined {
  if (typeof value === "string" && (channels as readonly string[]).includes(value))
    return value as Channel;
  r.problems.push({
    code: "field.choice",
    field: path,
    message: `${path} must be one of ${channels.join(", ")}`,
  });
  return undefined;
}

const timeText = /^([01][0-9]|2[0-4]):([0-5][0-9])$/;

/** A local time "HH:MM" (00:00 to 24:00, the end of the day) as minutes of the day. */
function minutesAt(r: FieldReader, key: string): number | undefined {
  const value = r.value(key);
  const match = typeof value === "string" ? timeText.exec(value) : null;
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (minutes <= minutesPerDay) return minutes;
  r.problem(
    value === undefined ? "field.required" : "field.format",
    key,
    `${r.field(key)} must be a local time HH:MM from 00:00 to 24:00`,
  );
  return undefined;
}

function readWindow(parent: FieldReader, key: string): DailyWindow | undefined {
  const r = readObject(parent.value(key), parent.field(key), parent.problems);
  if (!r) return undefined;
  const from = minutesAt(r, "from");
  const to = minutesAt(r, "to");
  r.rejectUnknown();
  if (from === undefined || to === undefined) return undefined;
  if (from >= to) {
    r.problem("field.range", "to", `${r.field("to")} must be later than ${r.field("from")}`);
    return undefined;
  }
  return { from, to };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Every field that would loosen the pack, each judged alone by `applyHouseRules` (which stops at
 * the first), its `house.` path replaced by where it stands in the file and the pack named.
 */
function tighteningProblems(rules: HouseRules, pack: PolicyPack, path: string): Problem[] {
  const { ref, ...overlays } = rules;
  const problems: Problem[] = [];
  const { from, to } = pack.contact.timeWindow.window;
  for (const [key, value] of Object.entries(overlays)) {
    const applied = applyHouseRules(pack, { ref, [key]: value } as HouseRules);
    if (applied.ok) continue;
    const relabel = (text: string) => text.replace(/^house\./, `${path}.`);
    const detail = key === "window" ? ` allows ${hhmm(from)}–${hhmm(to)}` : "";
    problems.push({
      code: applied.error.code,
      field: relabel(applied.error.field),
      message: `${relabel(applied.error.message)} (${pack.ref}${detail})`,
    });
  }
  return problems;
}

/** A decision names house rules by ref, so a ref may stand for one overlay per jurisdiction. */
function checkRefsUnique(
  inForce: Partial<Record<JurisdictionId, HouseRules>>,
  retired: readonly RetiredHouseRules[],
  problems: Problem[],
): void {
  const seen = new Set(Object.entries(inForce).map(([j, rules]) => `${j} ${rules.ref}`));
  retired.forEach(({ jurisdiction, rules }, i) => {
    const key = `${jurisdiction} ${rules.ref}`;
    if (seen.has(key)) {
      const field = `retired[${i}].ref`;
      const message = `${field} names ${jurisdiction} ${rules.ref} a second time: a decision could not tell which`;
      problems.push({ code: "house.duplicate", field, message });
    }
    seen.add(key);
  });
}
