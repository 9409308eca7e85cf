import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskEmail, maskName, maskPhone } from "./mask.js";

describe("masking", () => {
  it("masks phones, names and e-mails as staff see them", () => {
    expect(maskPhone("+8613800000001")).toBe("138****0001");
    expect(maskPhone("+12125550123")).toBe("121****0123");
    expect(maskName("张三")).toBe("张*");
    expect(maskName("欧阳修文")).toBe("欧***");
    expect(maskEmail("b1@example.com")).toBe("b***@example.com");
  });

  it("never shows a whole phone number", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9][0-9]{6,14}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toContain("*");
        expect(phone.includes(masked)).toBe(false);
      }),
    );
  });
});
