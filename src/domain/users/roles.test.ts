import { describe, expect, it } from "vitest";
import { isRole, lockedAt, normalizeUsername } from "./roles.js";

describe("usernames and roles", () => {
  it("spells a username one way: trimmed, NFKC, lower-case", () => {
    expect(normalizeUsername("  Li.Wei ")).toBe("li.wei");
    expect(normalizeUsername("ＺＨＡＮＧ_san")).toBe("zhang_san");
    expect(normalizeUsername("ops+1@example.com")).toBe("ops+1@example.com");
  });

  it("refuses what cannot be a username", () => {
    for (const bad of ["", "ab", ".leading", "with space", "x".repeat(65), "名字名字"]) {
      expect(normalizeUsername(bad), bad).toBeUndefined();
    }
  });

  it("knows the roles and when a lock holds", () => {
    expect(isRole("auditor")).toBe(true);
    expect(isRole("root")).toBe(false);
    expect(lockedAt(undefined, 5)).toBe(false);
    expect(lockedAt(10, 9)).toBe(true);
    expect(lockedAt(10, 10)).toBe(false);
  });
});
