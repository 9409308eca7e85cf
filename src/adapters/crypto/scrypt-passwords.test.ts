import { describe, expect, it } from "vitest";
import { createScryptPasswords, scryptParameters } from "./scrypt-passwords.js";

// The lowest cost the verifier accepts keeps this file fast; the format is the same.
const passwords = createScryptPasswords({ ...scryptParameters, costLog2: 10 });

describe("scrypt passwords", () => {
  it("hashes with a fresh salt each time and verifies only the same password", async () => {
    const one = await passwords.hash("correct horse battery staple");
    const two = await passwords.hash("correct horse battery staple");
    expect(one).toMatch(/^scrypt\$10\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(one).not.toBe(two);
    expect(await passwords.verify("correct horse battery staple", one)).toBe(true);
    expect(await passwords.verify("correct horse battery stapl", one)).toBe(false);
    expect(await passwords.verify("", one)).toBe(false);
  });

  it("verifies a hash made with other parameters, and refuses malformed or abusive ones", async () => {
    const stronger = createScryptPasswords({ ...scryptParameters, costLog2: 11 });
    const stored = await stronger.hash("pw-of-some-length");
    expect(await passwords.verify("pw-of-some-length", stored)).toBe(true);
    const [, , r, p, salt, key] = stored.split("$");
    for (const bad of [
      "",
      "plain",
      `scrypt$30$${r}$${p}$${salt}$${key}`, // a cost that would exhaust memory
      `scrypt$11$${r}$2$${salt}$${key}`,
      `bcrypt$11$${r}$${p}$${salt}$${key}`,
    ]) {
      expect(await passwords.verify("pw-of-some-length", bad)).toBe(false);
    }
  });

  it("normalizes the password to NFC, so the same text typed two ways matches", async () => {
    const stored = await passwords.hash("caf\u00e9-password");
    expect(await passwords.verify("cafe\u0301-password", stored)).toBe(true);
  });

  it("makes 256-bit secrets", () => {
    expect(passwords.newSecret()).toMatch(/^[\w-]{43}$/);
    expect(passwords.newSecret()).not.toBe(passwords.newSecret());
  });
});
