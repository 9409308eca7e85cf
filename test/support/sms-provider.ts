import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One HTTP request as the provider received it, whatever it answered. */
export interface ProviderRequest {
  readonly method: string;
  readonly path: string;
  /** The Idempotency-Key header, if any. */
  readonly idempotencyKey: string | undefined;
  readonly authorization: string | undefined;
  /** The parsed JSON body, or undefined when it was not JSON. */
  readonly body: unknown;
  /** The status the provider answered. */
  readonly status: number;
}

/** One SMS the provider accepted for delivery: a repeat with the same key is not a second one. */
export interface DeliveredSms {
  readonly providerId: string;
  readonly idempotencyKey: string | undefined;
  readonly messageId: string;
  readonly to: string;
  readonly text: string;
  readonly lang: string;
}

/** A local SMS provider: POST JSON `{ messageId, to, text, lang }` to `url`. */
export interface SmsProvider {
  /** http://127.0.0.1:<port>/messages: what SMS_URL would hold. */
  readonly url: string;
  /** Every request, in arrival order, including failed and repeated ones. */
  readonly requests: readonly ProviderRequest[];
  /** Every message accepted, once per Idempotency-Key. */
  readonly delivered: readonly DeliveredSms[];
  /** Answers the next `count` requests with `status` (and delivers none of them). */
  failNext(count: number, status: number): void;
  /** Holds the answer to the next `count` requests for `ms` (to test client timeouts). */
  delayNext(count: number, ms: number): void;
  close(): Promise<void>;
}

/** The largest request body the provider reads; a larger one is answered 413. */
export const providerBodyBytesMax = 64 * 1024;

/**
 * Starts a provider on 127.0.0.1, port 0. Like a real one it de-duplicates on the
 * Idempotency-Key header: the first request with a key delivers the message and answers 201
 * with `{ providerId }`; a repeat answers 200 with the same `providerId` and delivers nothing.
 * A body that is not `{ messageId, to, text, lang }` (all strings) is answered 400.
 *
 * @example
 * const provider = await startSmsProvider();
 * const sender = createSmsHttpSender({ url: provider.url });
 * provider.failNext(1, 503);
 */
export async function startSmsProvider(): Promise<SmsProvider> {
  const requests: ProviderRequest[] = [];
  const delivered: DeliveredSms[] = [];
  const byKey = new Map<string, string>();
  let failures = 0;
  let failStatus = 500;
  let delays = 0;
  let delayMs = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const keyHeader = req.headers["idempotency-key"];
    const key = typeof keyHeader === "string" ? keyHeader : undefined;
    const body = raw === undefined ? undefined : parseJson(raw);
    const answer = (status: number, reply: object): void => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        idempotencyKey: key,
        authorization: req.headers.authorization,
        body,
        status,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
    };

    if (delays > 0) {
      delays -= 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    if (raw === undefined) return answer(413, { error: "too_large" });
    if (failures > 0) {
      failures -= 1;
      return answer(failStatus, { error: "injected" });
    }
    if (req.method !== "POST") return answer(405, { error: "method" });
    if (!isSmsBody(body)) return answer(400, { error: "invalid_body" });
    const seen = key === undefined ? undefined : byKey.get(key);
    if (seen !== undefined) return answer(200, { providerId: seen, status: "duplicate" });
    const providerId = `sms-${delivered.length + 1}`;
    if (key !== undefined) byKey.set(key, providerId);
    const { messageId, to, text, lang } = body;
    delivered.push({ providerId, idempotencyKey: key, messageId, to, text, lang });
    return answer(201, { providerId, status: "queued" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/messages`,
    requests,
    delivered,
    failNext(count, status) {
      failures = count;
      failStatus = status;
    },
    delayNext(count, ms) {
      delays = count;
      delayMs = ms;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The body as text, or undefined when it exceeds `providerBodyBytesMax`. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > providerBodyBytesMax) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isSmsBody(
  body: unknown,
): body is { messageId: string; to: string; text: string; lang: string } {
  if (typeof body !== "object" || body === null) return false;
  const fields = body as Record<string, unknown>;
  return ["messageId", "to", "text", "lang"].every((name) => typeof fields[name] === "string");
}
