import { Type } from "typebox";
import { forecastDaysDefault } from "../app/contacts/forecast.js";
import { idPattern } from "../domain/borrower/borrower-input.js";
import { choiceChannels, preferenceActions } from "../domain/choices/choice-input.js";
import { forecastDaysMax } from "../domain/forecast/forecast.js";
import { attemptOutcomes, channels } from "../domain/policy/attempt.js";
import { templateIds } from "../domain/policy/templates.js";
import { pageSizeMax } from "../ports/store.js";
import { Amount, CivilDate, Id, List } from "./schemas.js";

/**
 * Schemas of overdue handling (DESIGN.md "Overdue handling", "Privacy"): the borrower's choices,
 * contact attempts and what the borrower is shown. As in schemas.ts they check the shape (closed
 * sets, id and time formats, unknown fields); the use cases check the meaning (that a contact is
 * the borrower's, that a window ends after it starts). Bodies carry ids, never a phone number
 * or a name: a recipient is `borrower` or an emergency-contact id.
 */

/** The most inconvenient-time windows one request may name (they replace the earlier ones). */
export const inconvenientWindowsMax = 12;

/** An instant as the use cases write it: ISO 8601 in UTC. */
const Instant = Type.String({ examples: ["2026-03-02T02:00:00Z"] });

/** A reason code: short snake case, never free text (free text could carry personal data). */
const ReasonCode = Type.String({
  pattern: "^[a-z][a-z0-9_]{0,39}$",
  description: "a reason code in snake case (not free text)",
  examples: ["collection_conduct"],
});

/** `HH:MM` local time; `24:00` ends the day. The same form the use case reads (choice-input.ts). */
const ClockTime = Type.String({
  pattern: "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
  description: "a local time of day, HH:MM (24:00 is the end of the day)",
  examples: ["09:00"],
});

const DailyWindow = Type.Object(
  { from: ClockTime, to: ClockTime },
  { additionalProperties: false, description: "a daily window in the recipient's local time" },
);

const Recipient = Type.String({
  pattern: idPattern.source,
  description: "`borrower`, or the id of one of the borrower's emergency contacts",
  examples: ["borrower", "ec1"],
});

export const HoldParams = Type.Object({ id: Id, holdId: Id });

// Consents (CN-CONTACT-CONSENT, PIPL Arts. 14, 15, 23).

export const ConsentBody = Type.Object(
  {
    action: Type.Enum(["grant", "withdraw"], {
      description: "withdrawing takes the same fields as granting and takes effect at once",
    }),
    contact: Id,
    purpose: Type.Optional(Type.Enum(["emergency_contact"])),
    noticeVersion: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$",
        description: "the version of the privacy notice shown (default notice-1)",
      }),
    ),
    channel: Type.Optional(
      Type.Enum(choiceChannels, { description: "where the borrower gave it (default api)" }),
    ),
  },
  { additionalProperties: false },
);

export const ConsentReceiptView = Type.Object({
  receipt: Type.String(),
  consent: Id,
  action: Type.Enum(["grant", "withdraw"]),
  borrower: Id,
  purpose: Type.Enum(["emergency_contact"]),
  contact: Id,
  noticeVersion: Type.String(),
  channel: Type.String(),
  at: Instant,
  digest: Type.String({ description: "SHA-256 of the receipt's other fields" }),
});

export const ConsentView = Type.Object({
  id: Id,
  purpose: Type.String(),
  contact: Id,
  noticeVersion: Type.String(),
  channel: Type.String(),
  grantedAt: Instant,
  withdrawnAt: Type.Union([Instant, Type.Null()]),
  standing: Type.Boolean({ description: "granted and not withdrawn" }),
});

// Preferences (CN-CHANNEL-OPT-OUT, CN-TIME-WINDOW agreed windows, US-CEASE ...).

export const PreferenceBody = Type.Object(
  {
    action: Type.Enum(preferenceActions),
    to: Type.Optional(Recipient),
    channel: Type.Optional(Type.Enum(channels, { description: "required for opt_out and opt_in" })),
    window: Type.Optional(DailyWindow),
    windows: Type.Optional(
      Type.Array(DailyWindow, {
        maxItems: inconvenientWindowsMax,
        description: "for inconvenient: every inconvenient time (replaces earlier ones)",
      }),
    ),
    represented: Type.Optional(Type.Boolean({ description: "for attorney" })),
  },
  { additionalProperties: false },
);

export const PreferenceView = Type.Object({
  id: Id,
  action: Type.Enum(preferenceActions),
  to: Type.String(),
  channel: Type.Union([Type.String(), Type.Null()]),
  at: Instant,
});

// Promises to pay (CN-PROMISE) and holds (CN-HOLD).

export const PromiseBody = Type.Object({ until: CivilDate }, { additionalProperties: false });

export const PromiseView = Type.Object({
  id: Id,
  loan: Id,
  until: CivilDate,
  status: Type.String(),
});

const holdKinds = ["complaint", "hardship"] as const;

export const HoldBody = Type.Object(
  {
    kind: Type.Enum(holdKinds),
    loan: Type.Optional(Id),
    detail: Type.Optional(ReasonCode),
  },
  { additionalProperties: false },
);

export const HoldView = Type.Object({
  id: Id,
  kind: Type.Enum(holdKinds),
  loan: Type.Union([Id, Type.Null()]),
  detail: Type.String(),
  since: Instant,
  decidedAt: Type.Union([Instant, Type.Null()]),
  decision: Type.Union([Type.String(), Type.Null()]),
});

export const HoldDecisionBody = Type.Object(
  { decision: ReasonCode },
  { additionalProperties: false },
);

export const HoldDecisionView = Type.Object({ id: Id, decision: Type.String() });

// Contact attempts: every one judged, logged whatever the answer.

export const ContactAttemptBody = Type.Object(
  {
    channel: Type.Enum(channels),
    to: Recipient,
    template: Type.Optional(
      Type.Enum(templateIds, { description: "default: the pack's template for the recipient" }),
    ),
  },
  { additionalProperties: false },
);

export const OutcomeBody = Type.Object(
  { result: Type.Enum(attemptOutcomes) },
  { additionalProperties: false },
);

/** One attempt as the borrower's contact log shows it: the decision and what became of it. */
export const ContactLogEntryView = Type.Object({
  id: Id,
  at: Instant,
  decidedAt: Instant,
  loan: Id,
  channel: Type.String({ examples: ["phone"] }),
  recipient: Type.String({ description: "borrower, contact or unregistered" }),
  contact: Type.Union([Id, Type.Null()]),
  template: Type.String({ examples: ["overdue_notice"] }),
  source: Type.String({ description: "agent or strategy" }),
  outcome: Type.String({ description: "allow, defer or deny", examples: ["defer"] }),
  until: Type.Union([Instant, Type.Null()], {
    description: "for a defer: the earliest instant every rule allows",
  }),
  rules: List(Type.String({ examples: ["CN-TIME-WINDOW"] })),
  pack: Type.String({ examples: ["CN@1"] }),
  house: Type.Union([Type.String({ examples: ["acme-cn@1"] }), Type.Null()], {
    description: "the lender's house rules that tightened the pack (FENQI_HOUSE_RULES), or null",
  }),
  inputHash: Type.String({ description: "SHA-256 of the decision's inputs, for replay" }),
  result: Type.Union([Type.String({ description: attemptOutcomes.join(", ") }), Type.Null()]),
  auditSeq: Type.Optional(
    Type.Union([Type.Integer(), Type.Null()], {
      description:
        "the seq of the decision's audit leaf; its inclusion proof is at …/contact-log/{attemptId}/proof",
    }),
  ),
});

export const CallTaskQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(["open", "done"])),
    after: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: pageSizeMax })),
  },
  { additionalProperties: false },
);

export const CallTaskView = Type.Object({
  id: Id,
  attempt: Id,
  loan: Id,
  borrower: Id,
  recipient: Type.String(),
  contact: Type.Union([Id, Type.Null()]),
  template: Type.String(),
  createdAt: Instant,
  status: Type.String(),
});

export const InboxMessageView = Type.Object({
  id: Id,
  loan: Id,
  template: Type.String(),
  at: Instant,
  subject: Type.String(),
  body: Type.String(),
});

/** The late-charge waiver takes no fields: it waives what is owed today. */
export const WaiverBody = Type.Object({}, { additionalProperties: false });

// The forecast (DESIGN.md "Overdue handling": "will you call my family if I am N days late?").

export const ForecastQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: forecastDaysMax,
        description: `business dates to forecast, from today (default ${forecastDaysDefault})`,
      }),
    ),
  },
  { additionalProperties: false },
);

const ForecastJudgementView = Type.Object({
  at: Instant,
  source: Type.Enum(["strategy", "probe"], {
    description: "a step of the ladder, or the daily probe of an emergency contact",
  }),
  recipient: Type.String({ description: "borrower, contact or unregistered" }),
  contact: Type.Union([Id, Type.Null()]),
  channel: Type.String({ examples: ["sms"] }),
  template: Type.String({ examples: ["callback_request"] }),
  outcome: Type.String({ description: "allow, defer or deny", examples: ["deny"] }),
  until: Type.Union([Instant, Type.Null()]),
  rules: List(Type.String({ examples: ["CN-CONTACT-CONSENT"] })),
});

export const ForecastView = Type.Object({
  loan: Id,
  from: CivilDate,
  through: CivilDate,
  pack: Type.String({ examples: ["CN@1"] }),
  ladder: Type.Union([Type.String({ examples: ["cn-default@1"] }), Type.Null()]),
  timeZone: Type.String({ description: "the borrower's zone: the ladder's times are read there" }),
  probe: Type.Object({
    channel: Type.String({ examples: ["sms"] }),
    template: Type.String({ examples: ["callback_request"] }),
    hour: Type.Integer({ description: "local hour of the daily probe of each emergency contact" }),
  }),
  days: List(
    Type.Object({
      date: CivilDate,
      dpd: Type.Integer({ description: "days past due after the close of the date" }),
      bucket: Type.String({ examples: ["M1"] }),
      status: Type.String({ examples: ["open"] }),
      charges: List(
        Type.Object({ installment: Type.Integer(), kind: Type.String(), amount: Amount }),
      ),
      events: List(Type.Record(Type.String(), Type.Unknown())),
      contacts: List(ForecastJudgementView),
    }),
  ),
  contacts: List(
    Type.Object({
      contactId: Id,
      firstAllowed: Type.Union([Instant, Type.Null()], {
        description: "the first instant a contact would be allowed, or null: never in the horizon",
      }),
      dpd: Type.Union([Type.Integer(), Type.Null()]),
      rules: List(
        Type.String({ description: "when never: the rules that forbid it on the last day" }),
      ),
      answer: Type.String({ description: "the answer in one plain sentence" }),
    }),
  ),
});
