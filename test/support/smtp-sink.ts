import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message as the sink received and parsed it. */
export interface SinkMessage {
  /** The Message-ID header as sent, with its angle brackets: "<m-1@fenqi>". */
  readonly messageId: string | undefined;
  /** The envelope sender (MAIL FROM). */
  readonly envelopeFrom: string | undefined;
  /** The envelope recipients (RCPT TO). */
  readonly envelopeTo: readonly string[];
  /** The From header as text: 'fenqi <no-reply@fenqi.local>'. */
  readonly from: string | undefined;
  readonly subject: string | undefined;
  readonly text: string | undefined;
  /** The Content-Language header. */
  readonly language: string | undefined;
  /** Every header, lower-case names, as mailparser gives them. */
  readonly headers: ReadonlyMap<string, unknown>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export interface SmtpSink {
  /** smtp://127.0.0.1:<port>: what SMTP_URL would hold. */
  readonly url: string;
  readonly port: number;
  /** Every accepted message, in arrival order; a re-sent message appears twice. */
  readonly messages: readonly SinkMessage[];
  /** The distinct Message-IDs received, sorted: a re-send of one message counts once. */
  uniqueMessageIds(): string[];
  /** Rejects the next `count` RCPT TO commands with `code` (550: mailbox unknown; 450: try later). */
  failNextRecipients(count: number, code: number): void;
  close(): Promise<void>;
}

/** The largest message the sink accepts (RFC 1870 SIZE); larger ones are refused with 552. */
export const sinkMessageBytesMax = 1024 * 1024;

/**
 * Starts an SMTP server on 127.0.0.1, port 0 (any free port). No TLS and no AUTH, like a
 * development relay. Each message is parsed and recorded before the server answers DATA, so once
 * a client's send resolves the message is in `messages`.
 *
 * @example
 * const sink = await startSmtpSink();
 * const sender = createSmtpSender({ url: sink.url, from: smtpFromDefault });
 * // ... send ...
 * expect(sink.uniqueMessageIds()).toEqual(["<m-1@fenqi>"]);
 * await sink.close();
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let rcptFailures = 0;
  let rcptCode = 550;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    size: sinkMessageBytesMax,
    // close() waits this long for open client connections (a pooled sender) before cutting them.
    closeTimeout: 1_000,
    onRcptTo(_address, _session, callback) {
      if (rcptFailures > 0) {
        rcptFailures -= 1;
        const error = new Error(
          rcptCode >= 500 ? "5.1.1 Mailbox unavailable" : "4.2.1 Try again later",
        );
        (error as Error & { responseCode: number }).responseCode = rcptCode;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const language = mail.headers.get("content-language");
          messages.push({
            messageId: mail.messageId,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: mail.from?.text,
            subject: mail.subject,
            text: mail.text,
            language: typeof language === "string" ? language : undefined,
            headers: mail.headers,
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error("parse")));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    uniqueMessageIds() {
      const ids = new Set<string>();
      for (const message of messages) if (message.messageId) ids.add(message.messageId);
      return [...ids].sort();
    },
    failNextRecipients(count, code) {
      rcptFailures = count;
      rcptCode = code;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
