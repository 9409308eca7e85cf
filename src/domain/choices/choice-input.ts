import { idPattern } from "../borrower/borrower-input.js";
import type { CivilDate } from "../calendar/civil-date.js";
import { type Channel, channels, type DailyWindow } from "../policy/attempt.js";
import type { Problem } from "../result.js";
import { type FieldReader, readObject } from "../validation/reader.js";

/**
 * The borrower's choices as the API and scenario files state them (DESIGN.md "Privacy",
 * POLICY.md CN-CONTACT-CONSENT, CN-CHANNEL-OPT-OUT, US-CEASE ...). Validation names the field,
 * never a value.
 */

/** Where a consent or a choice was given: shown on the receipt. */
export const choiceChannels = ["app", "web", "api", "phone", "paper"] as const;
export type ChoiceChannel = (typeof choiceChannels)[number];

export interface ConsentInput {
  readonly action: "grant" | "withdraw";
  readonly purpose: "emergency_contact";
  readonly contactId: string;
  readonly noticeVersion: string;
  readonly channel: ChoiceChannel;
}

const noticeVersionPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const timePattern = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

export function readConsent(
  raw: unknown,
  path: string,
  problems: Problem[],
): ConsentInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const input: ConsentInput = {
    action: r.choice("action", ["grant", "withdraw"] as const),
    purpose: r.choice("purpose", ["emergency_contact"] as const, "emergency_contact"),
    contactId: r.string("contact", idPattern),
    noticeVersion: r.string("noticeVersion", noticeVersionPattern, "notice-1"),
    channel: r.choice("channel", choiceChannels, "api"),
  };
  return accept(r, input);
}

export type PreferenceAction =
  | "opt_out"
  | "opt_in"
  | "cease"
  | "window"
  | "inconvenient"
  | "attorney"
  | "dispute"
  | "verification";

export const preferenceActions: readonly PreferenceAction[] = [
  "opt_out",
  "opt_in",
  "cease",
  "window",
  "inconvenient",
  "attorney",
  "dispute",
  "verification",
];

export interface PreferenceInput {
  readonly action: PreferenceAction;
  /** `borrower` or one of the borrower's emergency-contact ids. */
  readonly to: string;
  readonly channel: Channel | undefined;
  /** For `window`: the agreed window, or undefined to go back to the pack's. */
  readonly window: DailyWindow | undefined;
  /** For `inconvenient`: the times named as inconvenient (replacing earlier ones). */
  readonly windows: readonly DailyWindow[];
  /** For `attorney`: whether the consumer is represented. */
  readonly represented: boolean;
}

export function readPreference(
  raw: unknown,
  path: string,
  problems: Problem[],
): PreferenceInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const action = r.choice("action", preferenceActions);
  const needsChannel = action === "opt_out" || action === "opt_in";
  const input: PreferenceInput = {
    action,
    to: r.string("to", idPattern, "borrower"),
    channel: needsChannel || r.has("channel") ? r.choice("channel", channels) : undefined,
    window: action === "window" && r.has("window") ? readWindow(r, "window") : undefined,
    windows: action === "inconvenient" ? r.array("windows", (w, p) => windowAt(w, p, r)) : [],
    represented: action === "attorney" ? r.value("represented") !== false : false,
  };
  return accept(r, input);
}

function readWindow(r: FieldReader, key: string): DailyWindow | undefined {
  return windowAt(r.value(key), r.field(key), r);
}

function windowAt(raw: unknown, path: string, parent: FieldReader): DailyWindow | undefined {
  const w = readObject(raw, path, parent.problems);
  if (!w) return undefined;
  const from = minutesOf(w.string("from", timePattern));
  const to = minutesOf(w.string("to", timePattern));
  w.rejectUnknown();
  if (from >= to && w.problems.length === 0)
    w.problem("field.range", "to", `${w.field("to")} must be later than from`);
  return { from, to };
}

function minutesOf(text: string): number {
  const [hours, minutes] = text.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export interface PromiseInput {
  readonly until: CivilDate;
}

export function readPromise(
  raw: unknown,
  path: string,
  problems: Problem[],
): PromiseInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  return accept(r, { until: r.date("until") });
}

export interface HoldInput {
  readonly kind: "complaint" | "hardship";
  readonly loanId: string | undefined;
  /** A short reason code, not free text: free text could carry personal data into the store. */
  readonly detail: string;
}

const detailPattern = /^[a-z][a-z0-9_]{0,39}$/;

export function readHold(raw: unknown, path: string, problems: Problem[]): HoldInput | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  return accept(r, {
    kind: r.choice("kind", ["complaint", "hardship"] as const),
    loanId: r.has("loan") ? r.string("loan", idPattern) : undefined,
    detail: r.string("detail", detailPattern, "collection_conduct"),
  });
}

function accept<T>(r: FieldReader, input: T): T | undefined {
  r.rejectUnknown();
  return r.problems.length === 0 ? input : undefined;
}
