import { createTransport, type SendMailOptions } from "nodemailer";
import type { ChannelSender, OutboundMessage, SendResult } from "../../ports/channel.js";

/** How long to wait for the TCP connection to the SMTP server. */
export const smtpConnectionTimeoutMs = 10_000;
/** How long to wait for the server's greeting once connected. */
export const smtpGreetingTimeoutMs = 10_000;
/** How long a connection may stay silent before the send counts as failed (and retryable). */
export const smtpSocketTimeoutMs = 30_000;
/** The From address when SMTP_FROM is not set. */
export const smtpFromDefault = "fenqi <no-reply@fenqi.local>";
/** The right-hand side of every Message-ID: `<outbox id@fenqi>`. */
export const messageIdDomain = "fenqi";

export interface SmtpSenderConfig {
  /** e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example:465 */
  readonly url: string;
  readonly from: string;
  /** Keep connections open between sends (for a dispatcher); off for one-off sends. */
  readonly pool?: boolean;
}

/**
 * The sender's settings from the environment: `SMTP_URL` (required) and `SMTP_FROM` (optional).
 * Read by the composition root, not by the sender, so tests pass settings explicitly.
 */
export function smtpConfigFromEnv(env: NodeJS.ProcessEnv): SmtpSenderConfig {
  const url = env.SMTP_URL;
  if (url === undefined || url === "") throw new Error("SMTP_URL is not set");
  return { url, from: env.SMTP_FROM || smtpFromDefault };
}

/** The slice of a nodemailer transport this sender uses. */
interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<{ readonly response?: unknown }>;
  close(): void;
}

/** An outbox id may become a Message-ID only if it is a plain dot-atom (RFC 5322 3.6.4). */
const messageIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The Message-ID header of an outbox message: the same id gives the same header on a re-send. */
export function messageIdHeader(messageId: string): string {
  return `<${messageId}@${messageIdDomain}>`;
}

/**
 * Sends `email` messages through SMTP with nodemailer: plain text, the outbox id as Message-ID
 * (a re-send after a crash carries the same Message-ID, so the receiving side can see one
 * message), the language as Content-Language. Errors become a SendResult whose reason holds the
 * SMTP status codes only, never the address or the text (the server's reply often quotes the
 * address).
 *
 * @example
 * const sender = createSmtpSender(smtpConfigFromEnv(process.env));
 * await sender.send({ messageId: "m-1", channel: "email", to, language: "zh-CN", subject, body });
 */
export function createSmtpSender(config: SmtpSenderConfig): ChannelSender {
  const limits = {
    url: config.url,
    connectionTimeout: smtpConnectionTimeoutMs,
    greetingTimeout: smtpGreetingTimeoutMs,
    socketTimeout: smtpSocketTimeoutMs,
    // Messages are plain text built here: nodemailer must never read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transport: MailTransport = config.pool
    ? createTransport({ ...limits, pool: true })
    : createTransport(limits);
  return {
    channel: "email",
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.channel !== "email") {
        return { ok: false, retryable: false, reason: `smtp cannot send ${message.channel}` };
      }
      if (!messageIdPattern.test(message.messageId)) {
        return { ok: false, retryable: false, reason: "message id is not a valid Message-ID" };
      }
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.body,
          messageId: messageIdHeader(message.messageId),
          headers: { "Content-Language": message.language },
        });
        return { ok: true, providerId: queueIdOf(info.response) };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** The server's queue id from "250 2.0.0 Ok: queued as 4F1A2B", when it says one. */
function queueIdOf(response: unknown): string | undefined {
  if (typeof response !== "string") return undefined;
  return /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1];
}

/** Errors about our own setup: not the message's fault, so a later attempt may succeed. */
const setupErrorCodes: ReadonlySet<string> = new Set(["EAUTH", "ENOAUTH", "EOAUTH2"]);
/** Errors that no retry can cure: the envelope itself is unusable. */
const permanentErrorCodes: ReadonlySet<string> = new Set(["EENVELOPE", "EMAXRECIPIENTS"]);

/**
 * A failed send as a SendResult. A 5xx reply is permanent for this message (RFC 5321 4.2.1:
 * "do not repeat the exact request"): not retryable. A 4xx reply, a refused or dropped
 * connection, a timeout: retryable. Authentication failures are ours, not the message's, and stay
 * retryable whatever their code, so a bad password does not fail every queued message at once.
 * The reason holds the codes only ("smtp 550 5.1.1 EENVELOPE").
 */
export function classifySmtpError(error: unknown): SendResult {
  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
    response?: unknown;
  };
  const code = typeof fields.code === "string" ? fields.code : undefined;
  const status = typeof fields.responseCode === "number" ? fields.responseCode : undefined;
  const enhanced =
    typeof fields.response === "string"
      ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(fields.response)?.[1]
      : undefined;
  const reason = ["smtp", status, enhanced, code ?? "error"].filter((p) => p !== undefined);
  let retryable: boolean;
  if (code !== undefined && setupErrorCodes.has(code)) retryable = true;
  else if (status !== undefined) retryable = status < 500;
  else retryable = code === undefined || !permanentErrorCodes.has(code);
  return { ok: false, retryable, reason: reason.join(" ") };
}
