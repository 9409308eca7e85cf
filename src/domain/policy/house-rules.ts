import { fail, ok, type Problem, type Result } from "../result.js";
import { type Channel, channels, type DailyWindow } from "./attempt.js";
import type { ContactRules, PolicyPack, TemplateRules } from "./policy-pack.js";

/**
 * A lender's house rules: an overlay that may only make a pack stricter (POLICY.md: "a lender may
 * add house rules that are stricter (never looser) than the pack; the decision names both").
 * Every field is optional; a field left out keeps the pack's value. A limit can tighten only a
 * rule the pack has: a US lender cannot add CN-VOICE-DAILY, because the decision would have to
 * name a rule id the pack does not define.
 */
export interface HouseRules {
  /** "acme@3": the name a decision cites beside the pack. */
  readonly ref: string;
  /** A window inside the pack's window (CN-TIME-WINDOW / US-TIME-WINDOW). */
  readonly window?: DailyWindow;
  /** CN-VOICE-DAILY, at most the pack's. */
  readonly conversationsPerDayMax?: number;
  /** CN-UNANSWERED-DAILY, at most the pack's. */
  readonly unansweredPerNumberPerDayMax?: number;
  /** US-7IN7-CALLS, at most the pack's. */
  readonly callsPerDebtMax?: number;
  /** US-7DAY-AFTER-CONVERSATION, at least the pack's. */
  readonly quietAfterConversationDays?: number;
  /** CN-CONTACT-FREQUENCY / US-THIRD-PARTY attempts per contact person, at most the pack's. */
  readonly contactAttemptsMax?: number;
  /** CN-CONTACT-FREQUENCY period, at least the pack's. */
  readonly contactPeriodDays?: number;
  /** CN-CONTACT-PERSON attempts before the debtor counts as unreachable, at least the pack's. */
  readonly unreachableAttemptsMin?: number;
  /** CN-CONTACT-PERSON distinct channels of those attempts, at least the pack's. */
  readonly unreachableChannelsMin?: number;
  /** Channels the lender never uses for collection (rule `HOUSE-CHANNEL`). */
  readonly deniedChannels?: readonly Channel[];
}

/** The rule a channel the house closed fails. */
export const houseChannelRule = "HOUSE-CHANNEL";

/** The widest house count a limit may name: anything larger is a typing error. */
export const houseCountMax = 1_000;
const minutesPerDay = 1_440;

/** What the engine judges by: a pack, possibly tightened by house rules. */
export interface ContactPolicy {
  readonly packRef: string;
  readonly houseRef: string | undefined;
  readonly contact: ContactRules;
  readonly templates: TemplateRules;
  /** The house window alone: it also narrows a window the debtor agreed to (CN-TIME-WINDOW). */
  readonly houseWindow: DailyWindow | undefined;
  readonly deniedChannels: readonly Channel[];
}

/** The pack with no house rules. */
export function packPolicy(pack: PolicyPack): ContactPolicy {
  return {
    packRef: pack.ref,
    houseRef: undefined,
    contact: pack.contact,
    templates: pack.templates,
    houseWindow: undefined,
    deniedChannels: [],
  };
}

type Refusal = { ok: false; error: Problem };

/** Checks one house count against the pack's: present in the pack, whole, and not looser. */
function tighter(
  field: string,
  value: number | undefined,
  packValue: number | undefined,
  direction: "atMost" | "atLeast",
): Refusal | undefined {
  if (value === undefined) return undefined;
  const path = `house.${field}`;
  if (!Number.isInteger(value) || value < 0 || value > houseCountMax) {
    return fail("house.invalid", path, `${path} must be a whole number from 0 to ${houseCountMax}`);
  }
  if (packValue === undefined) {
    return fail("house.absent", path, `${path} tightens a rule the pack does not have`);
  }
  const looser = direction === "atMost" ? value > packValue : value < packValue;
  if (looser) {
    const bound = direction === "atMost" ? "at most" : "at least";
    return fail("house.looser", path, `${path} must be ${bound} the pack's ${packValue}`);
  }
  return undefined;
}

function checkWindow(window: DailyWindow | undefined, pack: DailyWindow): Refusal | undefined {
  if (window === undefined) return undefined;
  const { from, to } = window;
  const whole = Number.isInteger(from) && Number.isInteger(to);
  if (!whole || from < 0 || to > minutesPerDay || from >= to) {
    return fail("house.invalid", "house.window", "house.window must be [from, to) in 0..1440");
  }
  if (from < pack.from) {
    return fail("house.looser", "house.window.from", "house.window.from opens before the pack");
  }
  if (to > pack.to) {
    return fail("house.looser", "house.window.to", "house.window.to closes after the pack");
  }
  return undefined;
}

function checkAll(pack: PolicyPack, house: HouseRules): Refusal | undefined {
  const c = pack.contact;
  const tp = c.thirdParty;
  if (typeof house.ref !== "string" || house.ref.length === 0) {
    return fail("house.invalid", "house.ref", "house.ref must name the house rules");
  }
  if (house.deniedChannels?.some((ch) => !channels.includes(ch))) {
    return fail("house.invalid", "house.deniedChannels", "house.deniedChannels names no channel");
  }
  return (
    checkWindow(house.window, c.timeWindow.window) ??
    tighter(
      "conversationsPerDayMax",
      house.conversationsPerDayMax,
      c.conversationsDaily?.max,
      "atMost",
    ) ??
    tighter(
      "unansweredPerNumberPerDayMax",
      house.unansweredPerNumberPerDayMax,
      c.unansweredDaily?.max,
      "atMost",
    ) ??
    tighter("callsPerDebtMax", house.callsPerDebtMax, c.callsPerDebt?.max, "atMost") ??
    tighter(
      "quietAfterConversationDays",
      house.quietAfterConversationDays,
      c.quietAfterConversation?.days,
      "atLeast",
    ) ??
    tighter("contactAttemptsMax", house.contactAttemptsMax, tp.perContact?.max, "atMost") ??
    tighter("contactPeriodDays", house.contactPeriodDays, tp.perContact?.days, "atLeast") ??
    tighter(
      "unreachableAttemptsMin",
      house.unreachableAttemptsMin,
      tp.unreachable?.attemptsMin,
      "atLeast",
    ) ??
    tighter(
      "unreachableChannelsMin",
      house.unreachableChannelsMin,
      tp.unreachable?.channelsMin,
      "atLeast",
    )
  );
}

/**
 * The pack tightened by `house`, or a refusal naming the first field that would loosen it
 * (`house.looser`), names a rule the pack lacks (`house.absent`) or is malformed
 * (`house.invalid`).
 *
 * @example applyHouseRules(CN1Policy, { ref: "acme@1", window: { from: 540, to: 1260 } })
 * // ok: contact between 09:00 and 21:00 only
 */
export function applyHouseRules(pack: PolicyPack, house: HouseRules): Result<ContactPolicy> {
  const refusal = checkAll(pack, house);
  if (refusal !== undefined) return refusal;
  const c = pack.contact;
  const tp = c.thirdParty;
  const contact: ContactRules = {
    ...c,
    timeWindow: { ...c.timeWindow, window: house.window ?? c.timeWindow.window },
    conversationsDaily: c.conversationsDaily && {
      ...c.conversationsDaily,
      max: house.conversationsPerDayMax ?? c.conversationsDaily.max,
    },
    unansweredDaily: c.unansweredDaily && {
      ...c.unansweredDaily,
      max: house.unansweredPerNumberPerDayMax ?? c.unansweredDaily.max,
    },
    callsPerDebt: c.callsPerDebt && {
      ...c.callsPerDebt,
      max: house.callsPerDebtMax ?? c.callsPerDebt.max,
    },
    quietAfterConversation: c.quietAfterConversation && {
      ...c.quietAfterConversation,
      days: house.quietAfterConversationDays ?? c.quietAfterConversation.days,
    },
    thirdParty: {
      ...tp,
      perContact: tp.perContact && {
        ...tp.perContact,
        max: house.contactAttemptsMax ?? tp.perContact.max,
        days: house.contactPeriodDays ?? tp.perContact.days,
      },
      unreachable: tp.unreachable && {
        ...tp.unreachable,
        attemptsMin: house.unreachableAttemptsMin ?? tp.unreachable.attemptsMin,
        channelsMin: house.unreachableChannelsMin ?? tp.unreachable.channelsMin,
      },
    },
  };
  return ok({
    packRef: pack.ref,
    houseRef: house.ref,
    contact,
    templates: pack.templates,
    houseWindow: house.window,
    deniedChannels: house.deniedChannels ?? [],
  });
}
