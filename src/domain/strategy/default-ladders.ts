import type { JurisdictionId } from "../jurisdiction/packs.js";
import type { Ladder, LadderStep } from "./ladder.js";

/**
 * The ladders a lender starts from. Pre-due steps send only reminders; collection starts the
 * day after the due date.
 */

const collectionSteps: readonly LadderStep[] = [
  { day: 3, channel: "phone", template: "collection_call" },
  { day: 5, channel: "email", template: "overdue_consequences" },
  { day: 7, channel: "phone", template: "collection_call" },
  { day: 15, channel: "email", template: "formal_notice" },
];

/** CN: D−3 in-app and SMS reminders, D0 SMS reminder, D+1 SMS overdue notice, then collection. */
export const cnDefaultLadder: Ladder = {
  id: "cn-default",
  version: 1,
  steps: [
    { day: -3, channel: "in_app", template: "reminder" },
    { day: -3, channel: "sms", template: "reminder" },
    { day: 0, channel: "sms", template: "reminder" },
    { day: 1, channel: "sms", template: "overdue_notice" },
    ...collectionSteps,
  ],
};

/**
 * CN, reminders only: the default's reminders and the D+1 overdue notice, no collection calls or
 * letters — for a borrower the lender chooses to treat gently (a hardship arrangement, a
 * goodwill case). An operator moves a loan to it (`PUT /loans/{id}/strategy`).
 */
export const cnRemindersLadder: Ladder = {
  id: "cn-reminders",
  version: 1,
  steps: cnDefaultLadder.steps.filter((step) => step.day <= 1),
};

/**
 * US: the CN ladder with the validation notice as the first collection communication
 * (US-VALIDATION, Regulation F 1006.34): by e-mail at 09:00 on D+1, and the D+1 overdue SMS an
 * hour later, so the notice always goes first (a proposal's order is its instant).
 */
export const usDefaultLadder: Ladder = {
  id: "us-default",
  version: 1,
  steps: [
    { day: -3, channel: "in_app", template: "reminder" },
    { day: -3, channel: "sms", template: "reminder" },
    { day: 0, channel: "sms", template: "reminder" },
    { day: 1, channel: "email", template: "validation_notice", time: "09:00" },
    { day: 1, channel: "sms", template: "overdue_notice", time: "10:00" },
    ...collectionSteps,
  ],
};

const defaults: Readonly<Record<JurisdictionId, Ladder>> = {
  CN: cnDefaultLadder,
  US: usDefaultLadder,
};

/** The default ladder of a jurisdiction's pack. */
export function defaultLadderFor(jurisdiction: JurisdictionId): Ladder {
  return defaults[jurisdiction];
}
