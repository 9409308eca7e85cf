import type { LanguageCatalogue } from "./catalogue.js";

const dpd = "{daysPastDue, plural, one {# day} other {# days}}";

/** What every phone script to the debtor starts with: disclose nothing before the check. */
const rightParty =
  "Hello, may I speak with {borrowerName}? [Agent: continue only once the person confirms they are {borrowerName}; otherwise give only the company name and end the call politely.]";

/**
 * English wording for US borrowers. Collection and notice texts carry the FDCPA 1692e(11)
 * disclosure. Limited texts follow 12 CFR 1006.2(j): a business name, a request to reply and a
 * telephone number, nothing about why (US-LIMITED-CONTENT). `location_request` goes to a third
 * party who is asked only for location information (US-THIRD-PARTY, 1006.10(b)): it names no
 * one, and the agent gives the company name only if asked.
 */
export const en: LanguageCatalogue = {
  reminder: {
    subject: "{lenderName}: your installment is due on {dueDate}",
    short:
      "{lenderName}: Hi {borrowerName}, your installment of {amount} is due on {dueDate}. Questions? Call {callbackNumber}.",
    long: "Hello {borrowerName},\n\nThis is a reminder that your installment of {amount} on loan {loanId} with {lenderName} is due on {dueDate}. Please make sure your repayment account has enough funds, or pay in the app.\n\nIf you have any questions, call us at {callbackNumber}.\n\n{lenderName}",
    inApp:
      "Your installment of {amount} on loan {loanId} is due on {dueDate}. Questions? Call {callbackNumber}.",
    script: `${rightParty} This is {lenderName} with a reminder: your installment of {amount} on loan {loanId} is due on {dueDate}. If you have questions, call us at {callbackNumber}. Thank you, goodbye.`,
  },
  overdue_notice: {
    subject: "{lenderName}: your installment is past due",
    short: `{lenderName}: Hi {borrowerName}, your installment due {dueDate} is ${dpd} past due; {amount} is outstanding. Having difficulty? Call {callbackNumber}.`,
    long: `Hello {borrowerName},\n\nYour installment on loan {loanId} with {lenderName} was due on {dueDate} and is now ${dpd} past due. The amount outstanding is {amount}. Please pay as soon as you can in the app.\n\nIf you are having difficulty paying, call us at {callbackNumber} or file a hardship request in the app.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}`,
    inApp: `Your installment on loan {loanId} is ${dpd} past due; {amount} is outstanding. Having difficulty? File a hardship request here or call {callbackNumber}.`,
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. Your installment on loan {loanId}, due on {dueDate}, is ${dpd} past due, and {amount} is outstanding. When will you be able to pay? If you are having difficulty, I can record a hardship request for you. [Agent: record any promise to pay and its date.] Thank you, goodbye.`,
  },
  overdue_consequences: {
    subject: "{lenderName}: what happens if your installment stays unpaid",
    short: `{lenderName}: Hi {borrowerName}, your installment is ${dpd} past due; {amount} is outstanding. Late charges may apply and it may be reported to credit bureaus. Call {callbackNumber}.`,
    long: `Hello {borrowerName},\n\nYour installment on loan {loanId} with {lenderName} was due on {dueDate} and is ${dpd} past due. The amount outstanding is {amount}.\n\nIf it stays unpaid:\n1. Late charges apply as set out in your agreement.\n2. The account may be reported to credit bureaus, which may affect your credit record.\n\nPlease pay as soon as you can. If you are having difficulty, call us at {callbackNumber} or file a hardship request in the app.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}`,
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. Your installment on loan {loanId} is ${dpd} past due, and {amount} is outstanding. If it stays unpaid, late charges apply as set out in your agreement, and the account may be reported to credit bureaus. When will you be able to pay? If you are having difficulty, I can record a hardship request for you. Thank you, goodbye.`,
  },
  formal_notice: {
    subject: "{lenderName}: formal notice about loan {loanId}",
    short: `{lenderName}: Hi {borrowerName}, we have sent you a formal notice about loan {loanId}: ${dpd} past due, {amount} outstanding. See your e-mail or the app, or call {callbackNumber}.`,
    long: `FORMAL NOTICE\n\nDear {borrowerName},\n\nUnder your agreement with {lenderName} (loan {loanId}), an installment was due on {dueDate}. As of the date of this notice it is ${dpd} past due, and the amount outstanding is {amount}.\n\nPlease pay this amount as soon as possible. If you believe the amount is wrong, or you are having difficulty paying, call us at {callbackNumber}.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}`,
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. We have sent you a formal notice about loan {loanId}: the installment due on {dueDate} is ${dpd} past due, and {amount} is outstanding. Do you dispute this amount? [Agent: if so, record a dispute and stop asking for payment.] Thank you, goodbye.`,
  },
  collection_call: {
    subject: "{lenderName}: we tried to call you",
    short: `{lenderName}: Hi {borrowerName}, we tried to call you today about your installment, ${dpd} past due with {amount} outstanding. Please call {callbackNumber}.`,
    long: `Hello {borrowerName},\n\nWe tried to call you today about your installment on loan {loanId} with {lenderName}, which is ${dpd} past due with {amount} outstanding. Please call us at {callbackNumber} when convenient, or pay in the app.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}`,
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. I am calling about your installment on loan {loanId}, which is ${dpd} past due with {amount} outstanding. How do you plan to pay? [Agent: record a promise to pay or a hardship request; if the person refuses to talk, end the call politely.] Thank you, goodbye.`,
  },
  validation_notice: {
    subject: "{lenderName}: validation notice for loan {loanId}",
    short:
      "{lenderName}: Hi {borrowerName}, we have sent you a validation notice for loan {loanId}: you owe {amount}. You may dispute it within 30 days. See your e-mail or mail.",
    long: "VALIDATION NOTICE\n\nDear {borrowerName},\n\n{lenderName} is collecting a debt that you owe on loan {loanId}. As of the date of this notice you owe {amount}.\n\nHow can you dispute the debt? If you write or call us at {callbackNumber} within 30 days after you receive this notice to dispute all or part of the debt, we must stop collection of any amount you dispute until we send you information that shows you owe the debt. If you do not dispute the debt within that time, we will assume that the amount shown above is correct.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}",
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. As of today you owe {amount} on loan {loanId}. If you dispute all or part of this debt within 30 days, we will stop collection of the amount you dispute until we send you verification. A written notice is on its way to you. Thank you, goodbye.`,
  },
  verification_notice: {
    subject: "{lenderName}: verification of the debt on loan {loanId}",
    short:
      "{lenderName}: Hi {borrowerName}, we have verified the debt you disputed on loan {loanId}: {amount}. See your e-mail or mail, or call {callbackNumber}.",
    long: "VERIFICATION OF DEBT\n\nDear {borrowerName},\n\nYou disputed the debt on loan {loanId}. {lenderName} has verified it: the amount owed is {amount}, itemized in the statement enclosed.\n\nIf you have questions about this verification, call us at {callbackNumber}.\n\nThis is an attempt to collect a debt, and any information obtained will be used for that purpose.\n\n{lenderName}",
    script: `${rightParty} This is {lenderName}. This is an attempt to collect a debt, and any information obtained will be used for that purpose. We have verified the debt you disputed on loan {loanId}: the amount owed is {amount}, and the verification has been sent to you. If you have questions, call us at {callbackNumber}. Thank you, goodbye.`,
  },
  voicemail_limited: {
    subject: "A message from {lenderName}",
    short: "{lenderName}: Hello, please call us back at {callbackNumber}. Thank you.",
    long: "Hello,\n\nThis is {lenderName}. Please call us back at {callbackNumber}.\n\nThank you,\n{lenderName}",
    script: "Hello, this is {lenderName}. Please call us back at {callbackNumber}. Thank you.",
  },
  callback_request: {
    subject: "Please call {lenderName}",
    short: "{lenderName}: Hello, please call us at {callbackNumber} when convenient. Thank you.",
    long: "Hello,\n\nThis is {lenderName}. Please call us at {callbackNumber} when convenient.\n\nThank you,\n{lenderName}",
    script:
      "Hello, this is {lenderName}. Please call us at {callbackNumber} when convenient. [Agent: give only the company name and the call-back number; do not say why you are calling or anything about anyone else.] Thank you, goodbye.",
  },
  location_request: {
    subject: "A request to call us",
    short:
      "Hello, we are trying to reach someone who listed this contact. Please call {callbackNumber}. Thank you.",
    long: "Hello,\n\nWe are trying to reach someone who listed you as a contact, and would be grateful if you could call us at {callbackNumber}.\n\nThank you.",
    script:
      "Hello, we are trying to reach someone who listed you as a contact. Could you ask them to call us at {callbackNumber}, or tell us how to reach them? [Agent: give the company name, {lenderName}, only if asked; do not say why you are calling.] Thank you, goodbye.",
  },
};
