/**
 * The message templates every pack may name, and what each may say. The kind is what the policy
 * engine judges by: only a `limited` template may go to anyone but the debtor (CN-NO-DISCLOSURE,
 * US-THIRD-PARTY), and the renderer gives a limited template nothing but the lender's name and a
 * call-back number, so no amount, debt word or overdue status can reach a third party.
 */
export type TemplateKind =
  /** A friendly reminder before or on the due date. */
  | "reminder"
  /** Collection of an overdue amount: amount, days past due, consequences. */
  | "collection"
  /** A notice the law requires (US validation/verification): allowed where collection is not. */
  | "notice"
  /** Lender's name and a call-back request only: the one kind a third party may receive. */
  | "limited";

export interface TemplateSpec {
  readonly id: string;
  readonly kind: TemplateKind;
  /** A mandatory notice still goes through a channel opt-out (CN-CHANNEL-OPT-OUT: "non-mandatory"). */
  readonly mandatory: boolean;
}

export const templateSpecs = {
  reminder: { id: "reminder", kind: "reminder", mandatory: false },
  overdue_notice: { id: "overdue_notice", kind: "collection", mandatory: false },
  overdue_consequences: { id: "overdue_consequences", kind: "collection", mandatory: false },
  formal_notice: { id: "formal_notice", kind: "collection", mandatory: false },
  collection_call: { id: "collection_call", kind: "collection", mandatory: false },
  validation_notice: { id: "validation_notice", kind: "notice", mandatory: true },
  verification_notice: { id: "verification_notice", kind: "notice", mandatory: true },
  voicemail_limited: { id: "voicemail_limited", kind: "limited", mandatory: false },
  callback_request: { id: "callback_request", kind: "limited", mandatory: false },
  location_request: { id: "location_request", kind: "limited", mandatory: false },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateId = keyof typeof templateSpecs;

export const templateIds = Object.keys(templateSpecs) as TemplateId[];

export function templateSpec(id: string): TemplateSpec | undefined {
  return Object.hasOwn(templateSpecs, id) ? templateSpecs[id as TemplateId] : undefined;
}
