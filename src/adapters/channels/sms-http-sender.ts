import type { ChannelSender, OutboundMessage, SendResult } from "../../ports/channel.js";

/** How long one provider request may take before it is abandoned (and counted retryable). */
export const smsRequestTimeoutMs = 10_000;
/** The most of a provider's reply body read for its id; a larger body is not a send receipt. */
export const smsResponseBytesMax = 64 * 1024;

export interface SmsHttpSenderConfig {
  /** The provider's send endpoint, e.g. http://127.0.0.1:4010/messages */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  readonly timeoutMs?: number;
}

/**
 * The sender's settings from the environment: `SMS_URL` (required), `SMS_TOKEN` (optional).
 * Read by the composition root, not by the sender, so tests pass settings explicitly.
 */
export function smsConfigFromEnv(env: NodeJS.ProcessEnv): SmsHttpSenderConfig {
  const url = env.SMS_URL;
  if (url === undefined || url === "") throw new Error("SMS_URL is not set");
  return env.SMS_TOKEN ? { url, token: env.SMS_TOKEN } : { url };
}

/** The JSON body of one provider request. */
export interface SmsRequestBody {
  readonly messageId: string;
  /** E.164 */
  readonly to: string;
  readonly text: string;
  readonly lang: string;
}

/**
 * Sends `sms` messages by POSTing JSON to an SMS provider, with the outbox id as the
 * `Idempotency-Key` so a provider that de-duplicates delivers a re-sent message once. 2xx is
 * sent (the provider's id from `providerId` or `id` in the JSON reply, if any); 408, 429 and 5xx
 * are retryable, other 4xx are not (the request itself is wrong: a bad number, a refused text);
 * a network error or a timeout is retryable. Reasons hold the status only, never the number or
 * the text.
 *
 * @example
 * const sender = createSmsHttpSender(smsConfigFromEnv(process.env));
 * await sender.send({ messageId: "m-1", channel: "sms", to: "+8613800000000", language: "zh-CN", subject: "", body });
 */
export function createSmsHttpSender(config: SmsHttpSenderConfig): ChannelSender {
  const timeoutMs = config.timeoutMs ?? smsRequestTimeoutMs;
  return {
    channel: "sms",
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.channel !== "sms") {
        return { ok: false, retryable: false, reason: `sms cannot send ${message.channel}` };
      }
      const body: SmsRequestBody = {
        messageId: message.messageId,
        to: message.to,
        text: message.body,
        lang: message.language,
      };
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
        "idempotency-key": message.messageId,
      };
      if (config.token) headers.authorization = `Bearer ${config.token}`;
      let response: Response;
      try {
        response = await fetch(config.url, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // The error's message may quote the URL; its name says enough (TimeoutError, TypeError).
        const name = error instanceof Error ? error.name : "error";
        return { ok: false, retryable: true, reason: `sms network ${name}` };
      }
      return resultOf(response);
    },
    async close(): Promise<void> {
      // fetch keeps no state of ours: nothing to close.
    },
  };
}

async function resultOf(response: Response): Promise<SendResult> {
  const text = await readBounded(response);
  if (response.ok) return { ok: true, providerId: providerIdOf(text) };
  return {
    ok: false,
    retryable: isRetryableStatus(response.status),
    reason: `sms http ${response.status}`,
  };
}

/** 408 Request Timeout, 429 Too Many Requests and every 5xx may pass; other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The reply body as text, at most `smsResponseBytesMax` bytes; the rest is not read. */
async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < smsResponseBytesMax) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return ""; // A reply cut short after the status: the status still decides.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, smsResponseBytesMax));
}

function providerIdOf(text: string): string | undefined {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof reply !== "object" || reply === null) return undefined;
  const { providerId, id } = reply as { providerId?: unknown; id?: unknown };
  if (typeof providerId === "string" && providerId !== "") return providerId;
  if (typeof id === "string" && id !== "") return id;
  return undefined;
}
