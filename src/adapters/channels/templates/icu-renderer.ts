import { IntlMessageFormat } from "intl-messageformat";
import { type Channel, channels, electronicChannels } from "../../../domain/policy/attempt.js";
import {
  type TemplateId,
  type TemplateSpec,
  templateIds,
  templateSpec,
} from "../../../domain/policy/templates.js";
import {
  type Language,
  languages,
  type MessageRenderer,
  type MessageValues,
  type RenderedMessage,
} from "../../../ports/channel.js";
import {
  type Catalogue,
  channelsWithSubject,
  limitedArgumentNames,
  type TemplateArgumentName,
  type TemplateText,
  templateArgumentNames,
  variantOf,
} from "./catalogue.js";
import { en } from "./en.js";
import { formatCivilDate, formatMoney } from "./format.js";
import { zhCN } from "./zh-cn.js";

/** The wording fenqi ships: zh-CN first, then en (DESIGN.md "Who uses it"). */
export const defaultCatalogue: Catalogue = { "zh-CN": zhCN, en };

/**
 * The opt-out line every e-mail and SMS ends with (US-ELECTRONIC-OPT-OUT; CN-CHANNEL-OPT-OUT).
 * The renderer appends it, not each template, so no template can forget it.
 */
export const optOutLines: Readonly<Record<Language, Readonly<Record<"sms" | "email", string>>>> = {
  "zh-CN": {
    sms: "回复TD退订",
    email: "如不希望再收到此类邮件，请访问 {optOutUrl} 退订。",
  },
  en: {
    sms: "Reply STOP to opt out",
    email: "To stop receiving e-mails from us, visit {optOutUrl}",
  },
};

type Arguments = Partial<Record<TemplateArgumentName, string | number>>;

interface Compiled {
  readonly format: IntlMessageFormat;
  readonly uses: ReadonlySet<string>;
}

/**
 * Renders the message catalogue with ICU MessageFormat. Every message is parsed once, at
 * construction, which also checks the catalogue: each message uses only known arguments, and a
 * limited template uses only the lender's name, the call-back number and the opt-out link. At
 * render time a limited template is handed only those values, so even a caller that passes an
 * amount cannot leak it (CN-NO-DISCLOSURE, US-THIRD-PARTY).
 *
 * @example
 * const renderer = new IcuMessageRenderer();
 * renderer.render("reminder", "zh-CN", "sms", values).body // "【…】…您的分期账单本期应还¥548.00…回复TD退订"
 */
export class IcuMessageRenderer implements MessageRenderer {
  readonly #compiled = new Map<string, Compiled>();

  constructor(catalogue: Catalogue = defaultCatalogue) {
    for (const language of languages) {
      for (const id of templateIds) {
        const text = catalogue[language][id];
        if (text === undefined) throw new Error(`template ${id} has no ${language} text`);
        const spec = specOf(id);
        for (const channel of channels) {
          for (const part of ["subject", "body"] as const) {
            const source = sourceOf(text, channel, part);
            const compiled = compile(source, language, `${id}/${language}/${channel}/${part}`);
            checkArguments(spec, compiled.uses, `${id}/${language}/${channel}/${part}`);
            this.#compiled.set(key(id, language, channel, part), compiled);
          }
        }
      }
      for (const channel of electronicChannels) {
        // The opt-out line goes out with limited templates too, so it may use only their values.
        const compiled = compile(optOutLine(language, channel), language, `opt-out/${language}`);
        checkArguments(optOutSpec, compiled.uses, `opt-out/${language}/${channel}`);
        this.#compiled.set(key(optOutSpec.id, language, channel, "body"), compiled);
      }
    }
  }

  templates(): readonly string[] {
    return templateIds;
  }

  render(
    template: string,
    language: Language,
    channel: Channel,
    values: MessageValues,
  ): RenderedMessage {
    const spec = templateSpec(template);
    if (spec === undefined) throw new Error(`unknown template ${template}`);
    const args = argumentsFor(spec, language, values);
    const subject = channelsWithSubject.includes(channel)
      ? this.#format(spec.id, language, channel, "subject", args)
      : "";
    let body = this.#format(spec.id, language, channel, "body", args);
    if (electronicChannels.includes(channel)) {
      const line = this.#format(optOutSpec.id, language, channel, "body", args);
      body = channel === "sms" ? `${body}${smsSeparator[language]}${line}` : `${body}\n\n${line}`;
    }
    return { subject, body };
  }

  #format(
    id: string,
    language: Language,
    channel: Channel,
    part: "subject" | "body",
    args: Arguments,
  ): string {
    const compiled = this.#compiled.get(key(id, language, channel, part));
    if (compiled === undefined) throw new Error(`no ${part} for ${id}/${language}/${channel}`);
    for (const name of compiled.uses) {
      // Names the missing field, never a value: error messages hold no personal data.
      if (args[name as TemplateArgumentName] === undefined) {
        throw new Error(`template ${id} (${language}, ${channel}) needs ${name}`);
      }
    }
    const text = compiled.format.format(args);
    if (typeof text !== "string") throw new Error(`template ${id} did not render to text`);
    return text;
  }
}

const optOutSpec: TemplateSpec = { id: "opt-out", kind: "limited", mandatory: false };

/** Between an SMS text and its opt-out line: zh-CN texts end with a full stop already. */
const smsSeparator: Readonly<Record<Language, string>> = { "zh-CN": "", en: " " };

function optOutLine(language: Language, channel: Channel): string {
  return channel === "sms" ? optOutLines[language].sms : optOutLines[language].email;
}

function key(id: string, language: Language, channel: Channel, part: string): string {
  return `${id}|${language}|${channel}|${part}`;
}

function specOf(id: TemplateId): TemplateSpec {
  const spec = templateSpec(id);
  if (spec === undefined) throw new Error(`unknown template ${id}`);
  return spec;
}

function sourceOf(text: TemplateText, channel: Channel, part: "subject" | "body"): string {
  if (part === "subject") return text.subject;
  return text[variantOf[channel]] ?? text.long;
}

function compile(source: string, language: Language, where: string): Compiled {
  let format: IntlMessageFormat;
  try {
    format = new IntlMessageFormat(source, language);
  } catch (error) {
    throw new Error(`template ${where} is not valid ICU MessageFormat: ${String(error)}`);
  }
  const uses = new Set<string>();
  collectArguments(format.getAst(), uses);
  return { format, uses };
}

type Element = ReturnType<IntlMessageFormat["getAst"]>[number];

/**
 * The argument names a parsed message refers to, recursing into plural/select branches and tags.
 * Element types 1–6 (argument, number, date, time, select, plural) carry an argument name.
 */
function collectArguments(elements: readonly Element[], into: Set<string>): void {
  for (const element of elements) {
    if (element.type >= 1 && element.type <= 6 && "value" in element) into.add(element.value);
    if ("options" in element) {
      for (const option of Object.values(element.options)) collectArguments(option.value, into);
    }
    if ("children" in element) collectArguments(element.children, into);
  }
}

function checkArguments(spec: TemplateSpec, uses: ReadonlySet<string>, where: string): void {
  const allowed: readonly string[] =
    spec.kind === "limited" ? limitedArgumentNames : templateArgumentNames;
  for (const name of uses) {
    if (!allowed.includes(name)) {
      throw new Error(`template ${where} uses {${name}}, which a ${spec.kind} template may not`);
    }
  }
}

/**
 * The values a template is formatted with. A limited template gets the lender's name, the
 * call-back number and the opt-out link and nothing else, whatever the caller passed
 * (CN-NO-DISCLOSURE, US-THIRD-PARTY). Amounts and dates are formatted here, for the language.
 */
function argumentsFor(spec: TemplateSpec, language: Language, values: MessageValues): Arguments {
  const base: Arguments = {
    lenderName: values.lenderName,
    callbackNumber: values.callbackNumber,
    optOutUrl: values.optOutUrl,
  };
  if (spec.kind === "limited") return base;
  const args: Arguments = { ...base };
  if (values.borrowerName !== undefined) args.borrowerName = values.borrowerName;
  if (values.loanId !== undefined) args.loanId = values.loanId;
  if (values.amount !== undefined) {
    if (values.currency === undefined) throw new Error(`template ${spec.id} needs currency`);
    args.amount = formatMoney(values.amount, values.currency, language);
  }
  if (values.dueDate !== undefined) args.dueDate = formatCivilDate(values.dueDate, language);
  if (values.daysPastDue !== undefined) {
    if (!Number.isSafeInteger(values.daysPastDue) || values.daysPastDue < 0) {
      throw new Error(`template ${spec.id} needs daysPastDue as a whole number of days`);
    }
    args.daysPastDue = values.daysPastDue;
  }
  return args;
}
