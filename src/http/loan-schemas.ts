import { Type } from "typebox";
import { buckets, type LoanStatus } from "../domain/loan/loan.js";
import { pageSizeMax } from "../ports/store.js";
import { Amount, CivilDate, Id, InstantText, List } from "./schemas.js";

/** Schemas of loans and their money operations (see schemas.ts for the conventions). */

export const loanStatuses = [
  "open",
  "settled",
  "cancelled",
  "charged_off",
] as const satisfies readonly LoanStatus[];

export const LoanListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(loanStatuses)),
    borrowerId: Type.Optional(Id),
    bucket: Type.Optional(
      Type.Enum(buckets, { description: "delinquency bucket: the collections queue" }),
    ),
    after: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: pageSizeMax })),
  },
  { additionalProperties: false },
);

export const QuoteQuery = Type.Object(
  { date: Type.Optional(CivilDate) },
  { additionalProperties: false },
);

/**
 * The idempotency key: 1 to 255 visible ASCII characters. The header is named in lower case
 * because Node lower-cases request headers and Fastify leaves a custom validator's schema as is.
 */
const IdempotencyKey = Type.String({
  pattern: "^[\\x21-\\x7E]{1,255}$",
  description: "1 to 255 visible ASCII characters; a retry with the same key posts once",
});
export const IdempotencyHeaders = Type.Object({ "idempotency-key": IdempotencyKey });
export const OptionalIdempotencyHeaders = Type.Object({
  "idempotency-key": Type.Optional(IdempotencyKey),
});

const Money = Type.Object({
  late: Amount,
  fee: Amount,
  interest: Amount,
  principal: Amount,
});

export const LoanView = Type.Object({
  id: Id,
  orderId: Id,
  borrowerId: Id,
  productId: Id,
  status: Type.Enum(loanStatuses),
  currency: Type.String(),
  principal: Amount,
  installmentCount: Type.Integer(),
  apr: Type.String({ description: "APR disclosed at origination, percent with 2 decimals" }),
  ear: Type.String({ description: "effective annual rate disclosed at origination" }),
  origination: CivilDate,
  installments: List(
    Type.Object({
      n: Type.Integer(),
      due: CivilDate,
      principal: Amount,
      interest: Amount,
      fee: Amount,
      late: Amount,
      charged: Type.Boolean(),
      paid: Money,
      outstanding: Money,
    }),
  ),
  outstanding: Money,
  paid: Money,
  charged: Type.Object({ interest: Amount, fee: Amount, late: Amount }),
  principalReduced: Amount,
  credit: Amount,
  dpd: Type.Integer({ description: "days past due of the oldest overdue installment" }),
  bucket: Type.Enum(buckets),
  lateClamped: Amount,
  closedThrough: CivilDate,
  strategy: Type.String({
    description:
      "the strategy ladder treating the loan (id@version): the one it records, or its pack's " +
      "default ladder for a loan stored before loans recorded one",
    examples: ["cn-default@1"],
  }),
});

/** `PUT /loans/{id}/strategy`: the known ladder to move the loan to. */
export const StrategyBody = Type.Object(
  {
    strategy: Type.String({
      maxLength: 64,
      description: "a known ladder's id@version",
      examples: ["us-default@1"],
    }),
  },
  { additionalProperties: false },
);

export const OriginationBody = Type.Object(
  {
    orderId: Id,
    borrowerId: Id,
    productId: Id,
    principal: Amount,
    installments: Type.Integer({ minimum: 1 }),
    date: Type.Optional(CivilDate),
  },
  { additionalProperties: false },
);

export const OriginationView = Type.Object({
  loan: LoanView,
  apr: Type.String({ description: "nominal APR in percent, 2 decimals", examples: ["13.03"] }),
  ear: Type.String({ description: "effective annual rate in percent, 2 decimals" }),
  replayed: Type.Boolean({ description: "true when the order had been originated already" }),
});

export const MoneyBody = Type.Object(
  { amount: Amount, at: Type.Optional(InstantText) },
  { additionalProperties: false },
);
export const SettlementBody = Type.Object(
  { at: Type.Optional(InstantText) },
  { additionalProperties: false },
);

export const OperationResult = Type.Object({
  operation: Type.Object({
    id: Type.String(),
    kind: Type.Enum(["payment", "refund", "settlement", "waiver"]),
    amount: Amount,
    businessDate: CivilDate,
    allocated: Type.Object({
      late: Amount,
      fee: Amount,
      interest: Amount,
      principal: Amount,
      credit: Amount,
    }),
  }),
  loan: LoanView,
  events: List(Type.Record(Type.String(), Type.Unknown())),
  replayed: Type.Boolean({ description: "true when this repeats an earlier answer for the key" }),
});

export const QuoteView = Type.Object({
  loanId: Id,
  date: CivilDate,
  due: Amount,
  principal: Amount,
  proRataInterest: Amount,
  proRataFee: Amount,
  total: Amount,
});
