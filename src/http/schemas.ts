import { type TSchema, Type } from "typebox";
import { emergencyContactsMax, idPattern, relations } from "../domain/borrower/borrower-input.js";
import { jurisdictionIds } from "../domain/jurisdiction/packs.js";
import { roundingModes } from "../domain/money/rounding.js";
import { defaultAllocation, lateChargeKinds } from "../domain/product/product.js";
import { installmentCountMax, methods } from "../domain/schedule/terms.js";
import { pageSizeMax } from "../ports/store.js";

/**
 * Request and response schemas of the service API; the OpenAPI document at /docs is generated
 * from them. They check the shape of a request (types, required fields, id and date formats);
 * the use cases check its meaning (an amount's precision for the loan's currency, a product's
 * cap), so money is only constrained to look like a decimal here.
 */

/** A page holds this many items unless the client asks for fewer or more (up to `pageSizeMax`). */
export const pageSizeDefault = 50;
/** The most late charges a product definition may list. */
export const lateChargesMax = 8;

/** An array in an answer: the use cases hand out readonly arrays. */
export const List = <T extends TSchema>(item: T) => Type.Immutable(Type.Array(item));

export const Id = Type.String({ pattern: idPattern.source, examples: ["b1"] });
export const Amount = Type.String({
  pattern: "^-?\\d+(\\.\\d+)?$",
  description: "a decimal string in the currency's units, such as 548.00",
  examples: ["548.00"],
});
const Rate = Type.String({
  pattern: "^-?\\d+(\\.\\d+)?$",
  description: "a decimal fraction such as 0.18 (18 %)",
  examples: ["0.18"],
});
export const CivilDate = Type.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  description: "a civil date (YYYY-MM-DD) in the jurisdiction's time zone",
  examples: ["2026-03-01"],
});
export const InstantText = Type.String({
  maxLength: 40,
  description: "an ISO 8601 time with an offset or Z (default: now)",
  examples: ["2026-02-10T09:00:00+08:00"],
});

export const IdParams = Type.Object({ id: Id });

export const PageQuery = Type.Object(
  {
    after: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: pageSizeMax })),
  },
  { additionalProperties: false },
);

/** A page of items and the `after` value that fetches the next one (null on the last page). */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextAfter: Type.Union([Id, Type.Null()]) });

export const FieldErrorSchema = Type.Object({
  field: Type.String(),
  code: Type.String(),
  message: Type.String(),
});

/** An RFC 9457 problem: the body of every error answer, as `application/problem+json`. */
export const ProblemSchema = Type.Object({
  type: Type.String({ examples: ["https://fenqi.dev/problems/not_found"] }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String(),
  errors: Type.Optional(Type.Array(FieldErrorSchema)),
});

export const ProductBody = Type.Object(
  {
    id: Id,
    jurisdiction: Type.Optional(Type.Enum(jurisdictionIds)),
    method: Type.Enum(methods),
    annualRate: Type.Optional(Rate),
    periodFeeRate: Type.Optional(Rate),
    installments: Type.Array(Type.Integer(), { maxItems: installmentCountMax }),
    rounding: Type.Optional(Type.Enum(roundingModes)),
    graceDays: Type.Optional(Type.Integer()),
    arrearsTolerance: Type.Optional(Amount),
    chargeOffDays: Type.Optional(Type.Integer()),
    lateCharges: Type.Optional(
      Type.Array(
        Type.Object(
          {
            kind: Type.Enum(lateChargeKinds),
            rate: Type.Optional(Rate),
            amount: Type.Optional(Amount),
          },
          { additionalProperties: false },
        ),
        { maxItems: lateChargesMax },
      ),
    ),
    allocation: Type.Optional(
      Type.Array(Type.Enum(defaultAllocation), { maxItems: defaultAllocation.length }),
    ),
    prepayment: Type.Optional(Type.Enum(["shorten_term", "reamortize"])),
  },
  { additionalProperties: false },
);

export const ProductView = Type.Object({
  id: Id,
  jurisdiction: Type.String(),
  definition: Type.Record(Type.String(), Type.Unknown()),
});

export const BorrowerBody = Type.Object(
  {
    id: Id,
    timezone: Type.String({ description: "an IANA time zone", examples: ["Asia/Shanghai"] }),
    name: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String({ description: "E.164", examples: ["+8613800000001"] })),
    email: Type.Optional(Type.String()),
    emergencyContacts: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Id, relation: Type.Enum(relations), phone: Type.String() },
          { additionalProperties: false },
        ),
        { maxItems: emergencyContactsMax },
      ),
    ),
  },
  { additionalProperties: false },
);

const Masked = Type.Union([Type.String(), Type.Null()], { description: "masked" });
export const BorrowerView = Type.Object({
  id: Id,
  timezone: Type.String(),
  name: Masked,
  phone: Masked,
  email: Masked,
  emergencyContacts: List(Type.Object({ id: Id, relation: Type.String(), phone: Type.String() })),
});

/** OpenAPI entries for the problem answers a route can give. */
export function problemResponses(...statuses: readonly number[]) {
  const content = { "application/problem+json": { schema: ProblemSchema } };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: problemDescriptions[status], content }]),
  );
}

const problemDescriptions: Readonly<Record<number, string>> = {
  400: "the request does not match the schema (fields named in `errors`)",
  401: "no valid API key or session",
  403: "the caller may not do this (its role, or a cookie write without the CSRF token)",
  404: "no such resource",
  409: "conflicts with what exists (or an idempotency key reused with another body)",
  422: "the values are refused (fields named in `errors`)",
  429: "too many failed logins: the username is locked for a while",
};
