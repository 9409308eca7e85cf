import type { Channel } from "../domain/policy/attempt.js";

/** The languages messages are written in; zh-CN first (DESIGN.md "Who uses it"). */
export const languages = ["zh-CN", "en"] as const;
export type Language = (typeof languages)[number];

/**
 * One message ready to leave: rendered text and a plain address. It exists only in memory
 * between the outbox and the channel; the address and text are personal data and never logged.
 */
export interface OutboundMessage {
  /** The outbox id: a channel de-duplicates on it, so a re-send after a crash is not a second message. */
  readonly messageId: string;
  readonly channel: Channel;
  /** An e-mail address, an E.164 phone number, or a borrower id for in-app messages. */
  readonly to: string;
  readonly language: Language;
  readonly subject: string;
  readonly body: string;
}

/** What a channel says about one send. `retryable: false` ends the message as `failed` at once. */
export type SendResult =
  | { readonly ok: true; readonly providerId: string | undefined }
  | { readonly ok: false; readonly retryable: boolean; readonly reason: string };

/**
 * A way out (SMTP, an SMS provider over HTTP, ...). `send` must be safe to repeat with the same
 * `messageId`: the dispatcher sends at least once. The reason of a failure never holds the
 * address or the text.
 */
export interface ChannelSender {
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * The values a template may use. A limited-content template (to a third party) receives only
 * `lenderName` and `callbackNumber`: the renderer never hands it the others (CN-NO-DISCLOSURE,
 * US-THIRD-PARTY).
 */
export interface MessageValues {
  readonly lenderName: string;
  readonly callbackNumber: string;
  readonly borrowerName?: string;
  /** Minor units as a decimal string with the currency ("548.00", "CNY"). */
  readonly amount?: string;
  readonly currency?: string;
  readonly dueDate?: string;
  readonly daysPastDue?: number;
  readonly loanId?: string;
  /** Where the recipient opts out (every e-mail and SMS carries the line). */
  readonly optOutUrl: string;
}

export interface RenderedMessage {
  readonly subject: string;
  readonly body: string;
}

/** Renders templates by id and language (ICU MessageFormat; amounts and dates through Intl). */
export interface MessageRenderer {
  /** Throws for an unknown template id: the pack catalogue and the renderer must agree. */
  render(
    template: string,
    language: Language,
    channel: Channel,
    values: MessageValues,
  ): RenderedMessage;
  /** The template ids it knows. */
  templates(): readonly string[];
}
