import type { JurisdictionPack } from "../jurisdiction/packs.js";
import { formatAmount } from "../money/amount.js";
import { roundingModes } from "../money/rounding.js";
import type { Problem, Result } from "../result.js";
import { disclose, formatBasis } from "../schedule/disclosure.js";
import { scheduleAmounts } from "../schedule/schedule.js";
import { installmentCountMax, methods } from "../schedule/terms.js";
import { type FieldReader, readObject } from "../validation/reader.js";
import {
  type Component,
  defaultAllocation,
  type LateCharge,
  lateChargeKinds,
  type Product,
} from "./product.js";

/** Longest grace a product may give before late charges and reporting start. */
export const graceDaysMax = 90;
/** Charge-off no later than two years past due. */
export const chargeOffDaysMax = 730;
/** The principal at which a product's APR is checked against the cap (DESIGN.md: 10000.00). */
export const capCheckPrincipal = 1_000_000n;

const productIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Validates a product definition as it arrives from a scenario file or the API, naming every bad
 * field, then refuses a product whose APR for a principal of 10000.00 exceeds the pack's all-in
 * cap for any installment count it offers (CN-COST-CAP / US-COST-CAP).
 */
export function validateProduct(
  raw: unknown,
  pack: JurisdictionPack,
  path: string,
  options: { readonly checkCap?: boolean } = {},
): Result<Product, Problem[]> {
  const problems: Problem[] = [];
  const r = readObject(raw, path, problems);
  if (!r) return { ok: false, error: problems };
  const method = r.choice("method", methods);
  const rates = readRates(r, method);
  const product: Product = {
    id: r.string("id", productIdPattern),
    pack,
    currency: pack.currency,
    method,
    ...rates,
    rounding: r.choice("rounding", roundingModes, "half_even"),
    installments: readInstallmentCounts(r),
    graceDays: r.integer("graceDays", 0, graceDaysMax, 0),
    arrearsTolerance: r.amount("arrearsTolerance", pack.currency, "0.00"),
    chargeOffDays: r.integer("chargeOffDays", 1, chargeOffDaysMax, 180),
    lateCharges: r.array("lateCharges", (e, p) => readLateCharge(e, p, pack, problems), []),
    allocation: readAllocation(r),
    prepayment: r.choice("prepayment", ["shorten_term", "reamortize"] as const, "shorten_term"),
  };
  if (!problems.length && product.chargeOffDays <= product.graceDays) {
    r.problem(
      "product.charge_off_in_grace",
      "chargeOffDays",
      `${r.field("chargeOffDays")} must exceed graceDays`,
    );
  }
  r.rejectUnknown();
  if (problems.length) return { ok: false, error: problems };
  // A stored product passed the cap check when it was created; re-reading it need not repeat it.
  const capProblems = options.checkCap === false ? [] : checkCostCap(product, path);
  return capProblems.length ? { ok: false, error: capProblems } : { ok: true, value: product };
}

/** Interest-bearing methods take `annualRate`; a flat-fee plan takes `periodFeeRate`; never both. */
function readRates(
  r: FieldReader,
  method: Product["method"],
): Pick<Product, "annualRate" | "periodFeeRate"> {
  const wanted = method === "flat_fee" ? "periodFeeRate" : "annualRate";
  const other = method === "flat_fee" ? "annualRate" : "periodFeeRate";
  if (r.has(other)) {
    r.value(other);
    r.problem(
      "product.rate_for_method",
      other,
      `${r.field(other)} does not apply to method ${method}`,
    );
  }
  const rate = r.rate(wanted);
  const zero = { num: 0n, den: 1n, text: "0" };
  return method === "flat_fee"
    ? { annualRate: zero, periodFeeRate: rate }
    : { annualRate: rate, periodFeeRate: zero };
}

function readInstallmentCounts(r: FieldReader): number[] {
  const counts = r.array("installments", (e, p) => {
    if (typeof e === "number" && Number.isInteger(e) && e >= 1 && e <= installmentCountMax)
      return e;
    r.problems.push({
      code: "field.range",
      field: p,
      message: `${p} must be a whole number from 1 to ${installmentCountMax}`,
    });
    return undefined;
  });
  if (r.has("installments") && Array.isArray(r.value("installments"))) {
    if (counts.length === 0 && r.problems.length === 0) {
      r.problem(
        "product.no_installments",
        "installments",
        `${r.field("installments")} must offer at least one count`,
      );
    }
    if (new Set(counts).size !== counts.length) {
      r.problem(
        "product.duplicate_installments",
        "installments",
        `${r.field("installments")} lists a count twice`,
      );
    }
  }
  return counts;
}

function readLateCharge(
  raw: unknown,
  path: string,
  pack: JurisdictionPack,
  problems: Problem[],
): LateCharge | undefined {
  const r = readObject(raw, path, problems);
  if (!r) return undefined;
  const kind = r.choice("kind", lateChargeKinds);
  const charge: LateCharge =
    kind === "late_fee_fixed"
      ? { kind, amount: r.amount("amount", pack.currency) }
      : { kind, rate: r.rate("rate") };
  r.rejectUnknown();
  return charge;
}

function readAllocation(r: FieldReader): Component[] {
  const order = r.array("allocation", (e) => e as Component, [...defaultAllocation]);
  const sorted = [...order].sort().join(",");
  if (sorted !== [...defaultAllocation].sort().join(",")) {
    r.problem(
      "product.allocation",
      "allocation",
      `${r.field("allocation")} must list each of ${defaultAllocation.join(", ")} exactly once`,
    );
  }
  return order;
}

/** Every offered count, disclosed at a principal of 10000.00, must show an APR within the pack's cap. */
function checkCostCap(product: Product, path: string): Problem[] {
  const problems: Problem[] = [];
  product.installments.forEach((count, i) => {
    const amounts = scheduleAmounts(product, capCheckPrincipal, count);
    const totals = amounts.principal.map(
      (p, k) => p + (amounts.interest[k] ?? 0n) + (amounts.fee[k] ?? 0n),
    );
    const { aprBasis, apr } = disclose(capCheckPrincipal, totals);
    if (aprBasis > product.pack.costCapBasis) {
      problems.push({
        code: "product.apr_above_cap",
        field: `${path === "" ? "" : `${path}.`}installments[${i}]`,
        message:
          `APR ${apr}% for ${count} installments of ${formatAmount(capCheckPrincipal, product.currency)} exceeds the ` +
          `${product.pack.ref} cap of ${formatBasis(product.pack.costCapBasis)}% (${product.pack.costCapRule})`,
      });
    }
  });
  return problems;
}
