import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { csrfHeader } from "../../src/http/auth.js";

/**
 * The log scan (DESIGN.md "Privacy": logs never contain personal data). Every test server of the
 * HTTP harness records the personal values and secrets it is sent or hands out, and the harness
 * checks, when it closes, that none of them is anywhere in what that server logged. So every
 * suite that uses the harness is also a log-leak test, with its own seeded data.
 */

/** Body keys whose string values are personal data or secrets, at any depth. */
const personalKeys = new Set(["name", "phone", "email", "password", "username", "reason"]);
/** Shorter values are too likely to occur in a log by chance ("b1", "ok"); CJK names are short. */
const asciiValueLengthMin = 5;
const otherValueLengthMin = 2;

function worthScanning(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  const ascii = /^[\x00-\x7F]*$/.test(value);
  return value.length >= (ascii ? asciiValueLengthMin : otherValueLengthMin);
}

/** Adds every string under a personal key of `body`, at any depth, to `into`. */
export function collectPersonalValues(body: unknown, into: Set<string>, depth = 0): void {
  if (depth > 16 || body === null || typeof body !== "object") return;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string" && personalKeys.has(key) && worthScanning(value)) {
      into.add(value);
    } else {
      collectPersonalValues(value, into, depth + 1);
    }
  }
}

function add(into: Set<string>, value: string | undefined): void {
  if (value !== undefined && worthScanning(value)) into.add(value);
}

/**
 * Watches a server (before its first request): the personal values of each request body, the
 * credentials each request carries (the session cookie, the CSRF token, the bearer secret), and
 * what a login hands out (the session cookie and the CSRF token).
 */
export function watchPersonalValues(app: FastifyInstance): Set<string> {
  const values = new Set<string>();
  app.addHook("onSend", async (request, reply, payload) => {
    collectPersonalValues(request.body, values);
    const { cookie, authorization } = request.headers;
    for (const part of (cookie ?? "").split(";")) add(values, part.split("=", 2)[1]?.trim());
    const token = request.headers[csrfHeader];
    if (typeof token === "string") add(values, token);
    if (typeof authorization === "string") add(values, authorization.replace(/^Bearer +/i, ""));
    const setCookie = reply.getHeader("set-cookie");
    for (const line of [setCookie].flat()) {
      if (typeof line === "string") add(values, line.split(";", 1)[0]?.split("=", 2)[1]);
    }
    if (typeof payload === "string" && payload.includes('"csrfToken"')) {
      const body = JSON.parse(payload) as { csrfToken?: unknown };
      if (typeof body.csrfToken === "string") add(values, body.csrfToken);
    }
    return payload;
  });
  return values;
}

/** The forms a value could take in a JSON log line: as is, JSON-escaped, percent-encoded. */
function formsOf(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

/** The values (masked in the failure message) found in the log. */
export function personalValuesIn(log: string, values: Iterable<string>): string[] {
  const found: string[] = [];
  for (const value of values) {
    if (formsOf(value).some((form) => log.includes(form))) found.push(value);
  }
  return found;
}

/** Fails naming how many of `values` the log holds and a masked hint of each, never the value. */
export function expectNoPersonalValues(lines: readonly string[], values: Iterable<string>): void {
  const found = personalValuesIn(lines.join(""), values);
  const masked = found.map((v) => `${v.slice(0, Math.floor(v.length / 4))}…(${v.length} chars)`);
  expect(masked, "personal values found in the server log").toEqual([]);
}
