import type { CivilDate } from "../calendar/civil-date.js";
import type { Amount } from "../money/amount.js";
import type { Parts } from "./loan.js";

/**
 * What happened to a loan, for the audit log, the simulate report and the borrower's history.
 * Amounts are minor units; the edges format them.
 */
export type LoanEvent =
  | {
      readonly type: "originated";
      readonly date: CivilDate;
      readonly loan: string;
      readonly principal: Amount;
    }
  | {
      readonly type: "due";
      readonly date: CivilDate;
      readonly loan: string;
      readonly n: number;
      readonly interest: Amount;
      readonly fee: Amount;
    }
  | {
      readonly type: "payment";
      readonly date: CivilDate;
      readonly loan: string;
      readonly amount: Amount;
      readonly allocated: Parts;
      readonly credit: Amount;
    }
  | {
      readonly type: "refund";
      readonly date: CivilDate;
      readonly loan: string;
      readonly amount: Amount;
      readonly allocated: Parts;
      readonly credit: Amount;
    }
  | {
      readonly type: "schedule_changed";
      readonly date: CivilDate;
      readonly loan: string;
      readonly reason: "prepayment" | "refund";
      readonly installments: number;
    }
  | {
      readonly type: "settled";
      readonly date: CivilDate;
      readonly loan: string;
      readonly amount: Amount;
    }
  | {
      readonly type: "late_charge";
      readonly date: CivilDate;
      readonly loan: string;
      readonly n: number;
      readonly kind: string;
      readonly amount: Amount;
    }
  | {
      readonly type: "clamp";
      readonly date: CivilDate;
      readonly loan: string;
      readonly amount: Amount;
    }
  | {
      readonly type: "bucket";
      readonly date: CivilDate;
      readonly loan: string;
      readonly from: string;
      readonly to: string;
    }
  | {
      readonly type: "report";
      readonly date: CivilDate;
      readonly loan: string;
      readonly dpd: number;
    }
  | {
      readonly type: "charge_off";
      readonly date: CivilDate;
      readonly loan: string;
      readonly outstanding: Amount;
    }
  | {
      /** A hardship measure: the late charges still owed are waived (no longer owed, no longer income). */
      readonly type: "late_waived";
      readonly date: CivilDate;
      readonly loan: string;
      readonly amount: Amount;
    }
  | {
      readonly type: "cancelled";
      readonly date: CivilDate;
      readonly loan: string;
      readonly credit: Amount;
    };
