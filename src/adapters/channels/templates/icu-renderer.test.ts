import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount } from "../../../domain/money/amount.js";
import { CNY } from "../../../domain/money/currency.js";
import { type Channel, channels, electronicChannels } from "../../../domain/policy/attempt.js";
import { templateIds, templateSpecs } from "../../../domain/policy/templates.js";
import { type Language, languages, type MessageValues } from "../../../ports/channel.js";
import { channelsWithSubject } from "./catalogue.js";
import { en } from "./en.js";
import { formatCivilDate, formatMoney } from "./format.js";
import { defaultCatalogue, IcuMessageRenderer, optOutLines } from "./icu-renderer.js";

const renderer = new IcuMessageRenderer();

const full: MessageValues = {
  lenderName: "安心消费金融",
  callbackNumber: "400-820-0000",
  borrowerName: "张伟",
  amount: "1234.56",
  currency: "CNY",
  dueDate: "2026-03-05",
  daysPastDue: 12,
  loanId: "L-7f3a",
  optOutUrl: "https://fenqi.local/opt-out/abc123",
};

const limitedIds = templateIds.filter((id) => templateSpecs[id].kind === "limited");

describe("every template in every language on every channel", () => {
  for (const template of templateIds) {
    for (const language of languages) {
      for (const channel of channels) {
        it(`${template} / ${language} / ${channel}`, () => {
          const { subject, body } = renderer.render(template, language, channel, full);
          expect(body.trim()).not.toBe("");
          expect(`${subject}${body}`).not.toMatch(/[{}]/);
          if (channelsWithSubject.includes(channel)) expect(subject.trim()).not.toBe("");
          else expect(subject).toBe("");
          if (channel === "email") expect(body).toContain(full.optOutUrl);
          if (channel === "sms") expect(body.endsWith(optOutLines[language].sms)).toBe(true);
        });
      }
    }
  }

  it("knows exactly the templates of the policy catalogue", () => {
    expect([...renderer.templates()].sort()).toEqual([...templateIds].sort());
  });

  it("puts the opt-out line on e-mail and SMS only (US-ELECTRONIC-OPT-OUT)", () => {
    expect([...electronicChannels].sort()).toEqual(["email", "sms"]);
    const zh = renderer.render("reminder", "zh-CN", "email", full).body;
    expect(
      zh.endsWith("如不希望再收到此类邮件，请访问 https://fenqi.local/opt-out/abc123 退订。"),
    ).toBe(true);
    const english = renderer.render("reminder", "en", "sms", full).body;
    expect(english.endsWith(". Reply STOP to opt out")).toBe(true);
    expect(renderer.render("reminder", "en", "letter", full).body).not.toContain(full.optOutUrl);
  });
});

describe("amounts, dates and days", () => {
  it("shows the amount of overdue_consequences as Intl formats it for each language", () => {
    const zh = renderer.render("overdue_consequences", "zh-CN", "email", full);
    expect(zh.body).toContain("待还金额¥1,234.56。");
    expect(zh.body).toContain("于2026年3月5日到期，已逾期12天");
    expect(zh.subject).toBe("安心消费金融：逾期12天的影响说明");

    const enCny = renderer.render("overdue_consequences", "en", "email", full);
    expect(enCny.body).toContain("The amount outstanding is CN¥1,234.56.");
    expect(enCny.body).toContain("was due on March 5, 2026 and is 12 days past due");

    const enUsd = renderer.render("overdue_consequences", "en", "email", {
      ...full,
      currency: "USD",
    });
    expect(enUsd.body).toContain("The amount outstanding is $1,234.56.");
    const zhUsd = renderer.render("overdue_consequences", "zh-CN", "email", {
      ...full,
      currency: "USD",
    });
    expect(zhUsd.body).toContain("待还金额US$1,234.56。");
  });

  it("formats the largest amount fenqi accepts exactly", () => {
    expect(formatMoney("9999999999999.99", "CNY", "zh-CN")).toBe("¥9,999,999,999,999.99");
    expect(formatMoney("548", "USD", "en")).toBe("$548.00");
    expect(formatMoney("-0.01", "USD", "en")).toBe("-$0.01");
  });

  it("keeps every digit of every amount (no float on the way)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), (minor) => {
        const text = formatAmount(minor, CNY);
        for (const language of languages) {
          const shown = formatMoney(text, "CNY", language);
          expect(shown.replace(/[^0-9.]/g, "")).toBe(text);
        }
      }),
    );
  });

  it("refuses amounts it would have to round, unknown currencies and malformed dates", () => {
    expect(() => formatMoney("1.234", "CNY", "en")).toThrow(/amount\.precision/);
    expect(() => formatMoney("1e3", "CNY", "en")).toThrow(/amount\.format/);
    expect(() => formatMoney("1.00", "XXX", "en")).toThrow(/unknown currency/);
    expect(() => formatCivilDate("2026-02-30", "en")).toThrow(/date\.invalid/);
  });

  it("formats civil dates as calendar days, whatever the machine's zone", () => {
    expect(formatCivilDate("2026-01-01", "zh-CN")).toBe("2026年1月1日");
    expect(formatCivilDate("2026-12-31", "en")).toBe("December 31, 2026");
  });

  it("says day or days in English", () => {
    const one = renderer.render("overdue_notice", "en", "sms", { ...full, daysPastDue: 1 });
    expect(one.body).toContain("is 1 day past due");
    const many = renderer.render("overdue_notice", "en", "sms", { ...full, daysPastDue: 1000 });
    expect(many.body).toContain("is 1,000 days past due");
  });

  it("keeps English SMS in printable ASCII (GSM-7 safe) when the values are", () => {
    const ascii: MessageValues = {
      ...full,
      lenderName: "Acme Finance",
      borrowerName: "Jane Roe",
      currency: "USD",
    };
    for (const template of templateIds) {
      expect(renderer.render(template, "en", "sms", ascii).body).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe("refusals", () => {
  it("throws for an unknown template id", () => {
    expect(() => renderer.render("payday_threat", "en", "sms", full)).toThrow(
      /unknown template payday_threat/,
    );
    expect(() => renderer.render("toString", "en", "sms", full)).toThrow(/unknown template/);
  });

  it("names a missing value, never a value", () => {
    const { amount: _amount, ...withoutAmount } = full;
    expect(() => renderer.render("overdue_consequences", "zh-CN", "email", withoutAmount)).toThrow(
      "template overdue_consequences (zh-CN, email) needs amount",
    );
    const { currency: _currency, ...withoutCurrency } = full;
    let message = "";
    try {
      renderer.render("reminder", "en", "email", withoutCurrency);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("needs currency");
    expect(message).not.toContain(full.borrowerName);
    expect(message).not.toContain("1234");
  });

  it("refuses a catalogue whose limited template uses anything but the name and number", () => {
    const leaky = {
      ...defaultCatalogue,
      en: { ...en, callback_request: { ...en.callback_request, short: "You owe {amount}." } },
    };
    expect(() => new IcuMessageRenderer(leaky)).toThrow(
      "template callback_request/en/sms/body uses {amount}, which a limited template may not",
    );
  });

  it("refuses a catalogue that does not parse", () => {
    const broken = {
      ...defaultCatalogue,
      en: { ...en, reminder: { ...en.reminder, long: "Hello {borrowerName" } },
    };
    expect(() => new IcuMessageRenderer(broken)).toThrow(/reminder\/en\/email\/body/);
  });
});

const debtWords: Readonly<Record<Language, readonly string[]>> = {
  "zh-CN": ["欠", "债", "逾期", "还款", "催收", "金额", "贷", "分期"],
  en: ["debt", "owe", "overdue", "payment", "amount", "loan", "collect", "late", "balance"],
};

const zhNames = ["张伟", "王芳", "李秀英", "刘洋", "陈静", "赵磊", "欧阳娜娜"];
const enNames = ["Jane Roe", "John Doe", "Maria Garcia", "Wei Zhang", "Ann Smith"];

/** Random values a careless caller might pass with a limited template: everything it must drop. */
const leakyValues = fc.record({
  lenderName: fc.constantFrom("安心消费金融", "Acme Finance", "Harbor Street Credit"),
  callbackNumber: fc.constantFrom("400-820-0000", "+1 800 555 0100", "95588"),
  optOutUrl: fc.constantFrom("https://fenqi.local/opt-out/abc", "https://o.example/u?t=1"),
  borrowerName: fc.constantFrom(...zhNames, ...enNames),
  amount: fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }).map((minor) => formatAmount(minor, CNY)),
  currency: fc.constantFrom("CNY", "USD"),
  dueDate: fc
    .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2099, 11, 31) })
    .map((ms) => new Date(ms).toISOString().slice(0, 10)),
  daysPastDue: fc.integer({ min: 0, max: 100_000 }),
  loanId: fc.uuid(),
});

describe("limited templates disclose nothing (CN-NO-DISCLOSURE, US-THIRD-PARTY)", () => {
  const cases = limitedIds.flatMap((template) =>
    languages.flatMap((language) =>
      channels.map((channel) => ({ template, language, channel }) as const),
    ),
  );

  it("covers the three limited templates", () => {
    expect([...limitedIds].sort()).toEqual([
      "callback_request",
      "location_request",
      "voicemail_limited",
    ]);
  });

  it.each(cases)("$template / $language / $channel", ({ template, language, channel }) => {
    fc.assert(
      fc.property(leakyValues, (values) => {
        checkLimited(template, language, channel, values);
      }),
      { numRuns: 60 },
    );
  });
});

function checkLimited(
  template: string,
  language: Language,
  channel: Channel,
  values: MessageValues,
): void {
  const { subject, body } = renderer.render(template, language, channel, values);
  const text = `${subject}\n${body}`;
  // The same text as if the caller had passed only what a limited template may use.
  const bare = renderer.render(template, language, channel, {
    lenderName: values.lenderName,
    callbackNumber: values.callbackNumber,
    optOutUrl: values.optOutUrl,
  });
  expect({ subject, body }).toEqual(bare);

  expect(text).not.toContain(values.borrowerName);
  expect(text).not.toContain(values.loanId);
  expect(text).not.toContain(values.amount);
  for (const shown of languages) {
    expect(text).not.toContain(formatMoney(values.amount ?? "", values.currency ?? "", shown));
    expect(text).not.toContain(formatCivilDate(values.dueDate ?? "", shown));
  }
  // Once the number and the link are taken out, no digit is left: no amount digits, no date, no
  // days past due, however they might have been formatted.
  const rest = text
    .split(values.callbackNumber)
    .join(" ")
    .split(values.optOutUrl)
    .join(" ")
    .split(values.lenderName)
    .join(" ");
  expect(rest).not.toMatch(/[0-9０-９]/);
  expect(rest).not.toContain(String(values.daysPastDue));
  const lower = text.toLowerCase();
  for (const word of [...debtWords["zh-CN"], ...debtWords.en]) {
    expect(lower, `"${word}" in ${template}/${language}/${channel}`).not.toContain(word);
  }
}
