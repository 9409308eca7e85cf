import type { LanguageCatalogue } from "./catalogue.js";

/**
 * Simplified Chinese wording. Collection texts state facts and the debtor's options only (no
 * threats, no third parties: GB/T 45251-2025). Limited texts name the lender and ask for a call
 * back, nothing more (CN-NO-DISCLOSURE). Phone scripts start by confirming that the person on
 * the line is the debtor, because a script that discloses before that check would break
 * CN-NO-DISCLOSURE on every wrong or shared number.
 */
export const zhCN: LanguageCatalogue = {
  reminder: {
    subject: "{lenderName}：您的分期账单将于{dueDate}到期",
    short:
      "【{lenderName}】{borrowerName}您好，您的分期账单本期应还{amount}，到期日{dueDate}，请按时还款。咨询电话{callbackNumber}。",
    long: "{borrowerName}您好：\n\n您在{lenderName}的分期账单（借款编号{loanId}）本期应还{amount}，到期日为{dueDate}。请在到期日前确保还款账户余额充足，或登录App主动还款。\n\n如有疑问，请致电{callbackNumber}。\n\n{lenderName}",
    inApp:
      "您的分期账单（借款编号{loanId}）本期应还{amount}，到期日为{dueDate}。请在到期日前完成还款。如有疑问，请致电{callbackNumber}。",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的客服。提醒您：借款编号{loanId}本期应还{amount}，到期日为{dueDate}。请您按时还款。如有疑问可以致电{callbackNumber}。感谢接听，再见。",
  },
  overdue_notice: {
    subject: "{lenderName}：您的分期账单已逾期{daysPastDue}天",
    short:
      "【{lenderName}】{borrowerName}您好，您{dueDate}到期的分期账单已逾期{daysPastDue}天，待还{amount}。请尽快还款；如有困难请致电{callbackNumber}协商。",
    long: "{borrowerName}您好：\n\n您在{lenderName}的分期账单（借款编号{loanId}）于{dueDate}到期，至今已逾期{daysPastDue}天，待还金额{amount}。请尽快登录App还款。\n\n如您还款确有困难，可致电{callbackNumber}或在App内提交困难申请，我们会在7个工作日内答复。\n\n{lenderName}",
    inApp:
      "您的分期账单（借款编号{loanId}）已逾期{daysPastDue}天，待还{amount}。请尽快还款；如有困难，可在此提交困难申请或致电{callbackNumber}。",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员。您借款编号{loanId}的账单于{dueDate}到期，目前已逾期{daysPastDue}天，待还{amount}。请问您什么时候可以还款？如有困难，我们可以为您登记困难申请。【坐席提示：记录还款承诺的日期。】感谢接听，再见。",
  },
  overdue_consequences: {
    subject: "{lenderName}：逾期{daysPastDue}天的影响说明",
    short:
      "【{lenderName}】{borrowerName}您好，您的分期账单已逾期{daysPastDue}天，待还{amount}。继续逾期将按合同收取逾期费用，并可能影响您的个人征信。咨询{callbackNumber}。",
    long: "{borrowerName}您好：\n\n您在{lenderName}的分期账单（借款编号{loanId}）于{dueDate}到期，已逾期{daysPastDue}天，待还金额{amount}。\n\n继续逾期的影响：\n1. 按借款合同约定收取逾期费用（年化综合费用不超过24%）；\n2. 逾期信息可能依法报送金融信用信息基础数据库，影响您的个人信用记录。\n\n请尽快还款。如您还款确有困难，可致电{callbackNumber}或在App内提交困难申请。\n\n{lenderName}",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员。您借款编号{loanId}的账单已逾期{daysPastDue}天，待还{amount}。需要向您说明：继续逾期将按合同约定收取逾期费用，逾期信息也可能依法报送征信系统，影响您的信用记录。请问您什么时候可以还款？如有困难，我们可以为您登记困难申请。感谢接听，再见。",
  },
  formal_notice: {
    subject: "{lenderName}：关于借款编号{loanId}的正式还款通知",
    short:
      "【{lenderName}】{borrowerName}您好，我们已就借款编号{loanId}向您发出正式还款通知：逾期{daysPastDue}天，待还{amount}。详情请查看邮件或App，咨询{callbackNumber}。",
    long: "正式还款通知\n\n{borrowerName}：\n\n您与{lenderName}签订的借款合同（借款编号{loanId}）项下款项于{dueDate}到期，截至本通知发出之日已逾期{daysPastDue}天，待还金额{amount}。\n\n请您尽快履行还款义务。如您对上述金额有异议，或还款确有困难，请致电{callbackNumber}，我们将在15日内处理您的异议或申请。\n\n{lenderName}",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员。我们已就借款编号{loanId}向您发出正式还款通知：于{dueDate}到期，已逾期{daysPastDue}天，待还{amount}。请问您对金额是否有异议？【坐席提示：有异议时登记投诉，不再催促。】如有困难，我们可以为您登记困难申请。感谢接听，再见。",
  },
  collection_call: {
    subject: "{lenderName}：我们曾致电您",
    short:
      "【{lenderName}】{borrowerName}您好，我们今天曾致电您，关于您逾期{daysPastDue}天、待还{amount}的分期账单。请方便时致电{callbackNumber}。",
    long: "{borrowerName}您好：\n\n我们今天曾致电您，关于您在{lenderName}的分期账单（借款编号{loanId}）：已逾期{daysPastDue}天，待还金额{amount}。请您方便时致电{callbackNumber}，或登录App还款。\n\n{lenderName}",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员，来电是关于您借款编号{loanId}的分期账单：已逾期{daysPastDue}天，待还{amount}。请问您目前的还款安排是什么？【坐席提示：记录还款承诺或困难申请；对方拒绝沟通时礼貌结束通话。】感谢接听，再见。",
  },
  validation_notice: {
    subject: "{lenderName}：债务确认通知（借款编号{loanId}）",
    short:
      "【{lenderName}】{borrowerName}您好，我们已向您发送借款编号{loanId}的债务确认通知：待还{amount}。您可在收到后30日内提出异议，详情请查看邮件或来函。",
    long: "债务确认通知\n\n{borrowerName}：\n\n本通知由{lenderName}发出，涉及借款编号{loanId}。截至本通知日，您尚欠{amount}。\n\n您的权利：如您在收到本通知后30日内以书面或电话（{callbackNumber}）方式对该笔债务的全部或部分提出异议，我们将暂停催收，直至向您寄送核实材料。如您未提出异议，我们将视为该金额准确。\n\n{lenderName}",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员。依法向您告知：借款编号{loanId}截至今日您尚欠{amount}。如您在30日内对该笔债务提出异议，我们将暂停催收，直至向您提供核实材料。书面通知将另行寄送。感谢接听，再见。",
  },
  verification_notice: {
    subject: "{lenderName}：债务核实结果（借款编号{loanId}）",
    short:
      "【{lenderName}】{borrowerName}您好，您对借款编号{loanId}提出的异议已核实，核实金额{amount}。详情请查看邮件或来函，咨询{callbackNumber}。",
    long: "债务核实结果\n\n{borrowerName}：\n\n您对借款编号{loanId}提出的异议，{lenderName}已完成核实。核实后的待还金额为{amount}，账目明细附后。\n\n如您对核实结果仍有疑问，请致电{callbackNumber}。\n\n{lenderName}",
    script:
      "您好，请问是{borrowerName}本人吗？【坐席提示：确认是本人后再继续；如不是本人，只说明公司名称并礼貌结束通话。】我是{lenderName}的工作人员。您对借款编号{loanId}提出的异议我们已核实，核实后的待还金额为{amount}，核实材料已寄送给您。如有疑问请致电{callbackNumber}。感谢接听，再见。",
  },
  voicemail_limited: {
    subject: "来自{lenderName}的消息",
    short: "【{lenderName}】您好，请您方便时致电{callbackNumber}与我们联系。谢谢。",
    long: "您好：\n\n这里是{lenderName}。请您方便时致电{callbackNumber}与我们联系。\n\n谢谢！\n{lenderName}",
    script: "您好，这里是{lenderName}。请您方便时致电{callbackNumber}与我们联系。谢谢，再见。",
  },
  callback_request: {
    subject: "来自{lenderName}的回电请求",
    short: "【{lenderName}】您好，烦请您方便时致电{callbackNumber}与我们联系。谢谢。",
    long: "您好：\n\n这里是{lenderName}。烦请您方便时致电{callbackNumber}与我们联系。\n\n谢谢！\n{lenderName}",
    script:
      "您好，我是{lenderName}的工作人员。烦请您方便时致电{callbackNumber}与我们联系。【坐席提示：只说明公司名称并请求回电，不说明来电原因，不透露任何其他人的信息。】谢谢，再见。",
  },
  location_request: {
    subject: "来自{lenderName}的联系请求",
    short:
      "【{lenderName}】您好，我们有事需与登记了您联系方式的一位人士联系，烦请转告其致电{callbackNumber}。谢谢。",
    long: "您好：\n\n这里是{lenderName}。我们有事需与登记了您联系方式的一位人士联系，烦请您转告其方便时致电{callbackNumber}。\n\n谢谢！\n{lenderName}",
    script:
      "您好，我是{lenderName}的工作人员。我们有事需与登记了您联系方式的一位人士联系，烦请您转告其致电{callbackNumber}。【坐席提示：只说明公司名称并请求转告回电，不说明来电原因，不透露任何其他人的信息。】谢谢，再见。",
  },
};
