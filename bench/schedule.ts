/**
 * Schedule generation: fenqi against loanjs@1.1.2 and financial@0.2.4 on one grid of terms,
 * rates and principals. For each peer: schedules per second and how many of its schedules fail
 * to sum to the principal to the cent. The ratio compares fenqi and loanjs on the points both
 * can compute (loanjs refuses a zero rate).
 */
import { ipmt, pmt, ppmt } from "financial";
import { Loan } from "loanjs";
import { parseRate } from "../src/domain/money/rate.js";
import { buildSchedule, scheduleAmounts } from "../src/domain/schedule/schedule.js";
import type { ScheduleTerms } from "../src/domain/schedule/terms.js";

export const terms = [3, 12, 24, 360];
export const rates = ["0", "0.05", "0.18", "0.24"];
/** 40 principals from 100.00 to 250000.00, spread geometrically, with cents that vary. */
export const principalsMinor: bigint[] = Array.from({ length: 40 }, (_, i) => {
  const base = 10000 * 2500 ** (i / 39);
  const cents = i === 0 || i === 39 ? 0 : (i * 37) % 100;
  return BigInt(Math.round(base / 100) * 100 + cents);
}).map((p, i, all) => (i === all.length - 1 ? 25000000n : p));

interface Point {
  readonly n: number;
  readonly rate: string;
  readonly principal: bigint;
}

const grid: Point[] = terms.flatMap((n) =>
  rates.flatMap((rate) => principalsMinor.map((principal) => ({ n, rate, principal }))),
);

/** A peer computes one schedule and returns its principal parts in cents (as floats round to). */
type Peer = (point: Point) => number[] | undefined;

const termsByRate = new Map(
  rates.map((rate) => {
    const parsed = parseRate(rate, "rate");
    if (!parsed.ok) throw new Error(parsed.error.message);
    const zero = { num: 0n, den: 1n, text: "0" };
    const t: ScheduleTerms = {
      method: "equal_installment",
      annualRate: parsed.value,
      periodFeeRate: zero,
      rounding: "half_even",
    };
    return [rate, t];
  }),
);

/**
 * fenqi's amounts (principal, interest and fee of each installment, as bigint minor units): the
 * same output loanjs and financial produce. Returning the parts for the sum check is outside the
 * timed work of the other peers too.
 */
const fenqi: Peer = ({ n, rate, principal }) => {
  const amounts = scheduleAmounts(termsByRate.get(rate) as ScheduleTerms, principal, n);
  return amounts.principal.map(Number);
};

/** fenqi's full contractual schedule: the same amounts plus a due date per installment. */
const fenqiDated: Peer = ({ n, rate, principal }) => {
  const rows = buildSchedule(termsByRate.get(rate) as ScheduleTerms, principal, n, "2026-01-31");
  return rows.map((row) => Number(row.principal));
};

const loanjs: Peer = ({ n, rate, principal }) => {
  if (rate === "0") return undefined; // loanjs throws on a zero rate
  const loan = Loan(Number(principal) / 100, n, Number(rate) * 100);
  return loan.installments.map((row) => Math.round(row.capital * 100));
};

const financial: Peer = ({ n, rate, principal }) => {
  const r = Number(rate) / 12;
  const pv = Number(principal) / 100;
  const parts: number[] = [];
  pmt(r, n, -pv); // the payment itself, as a caller of the library computes it first
  for (let per = 1; per <= n; per++) {
    ipmt(r, per, n, -pv);
    parts.push(Math.round(ppmt(r, per, n, -pv) * 100));
  }
  return parts;
};

interface Measured {
  readonly perSecond: number;
  readonly failures: number;
  readonly unsupported: number;
}

/** Runs a peer over the points for at least `budgetMs`, in whole passes, after a warm-up pass. */
function measure(peer: Peer, points: readonly Point[], budgetMs: number): Measured {
  let failures = 0;
  let unsupported = 0;
  for (const point of points) {
    const parts = peer(point);
    if (!parts) unsupported++;
    else if (parts.reduce((a, b) => a + b, 0) !== Number(point.principal)) failures++;
  }
  const supported = points.filter((p) => peer(p) !== undefined);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    for (const point of supported) peer(point);
    count += supported.length;
  }
  return { perSecond: (count * 1000) / (performance.now() - started), failures, unsupported };
}

export async function run(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_MS ?? 2000);
  const common = grid.filter((p) => p.rate !== "0");
  const peers: [string, Peer][] = [
    ["fenqi", fenqi],
    ["fenqi+dates", fenqiDated],
    ["loanjs", loanjs],
    ["financial", financial],
  ];
  console.log(
    `schedule: grid of ${grid.length} schedules (terms ${terms.join(", ")}; rates ${rates.join(", ")}; ${principalsMinor.length} principals 100.00–250000.00)`,
  );
  for (const [name, peer] of peers) {
    const m = measure(peer, grid, budgetMs);
    console.log(
      `  ${name.padEnd(12)} ${Math.round(m.perSecond).toString().padStart(9)} schedules/s   ` +
        `not summing to the principal: ${m.failures}/${grid.length - m.unsupported}` +
        (m.unsupported ? `   unsupported: ${m.unsupported} (zero rate)` : ""),
    );
  }
  // The headline ratio: the same points for both, measured back to back, twice each to even out drift.
  const f1 = measure(fenqi, common, budgetMs);
  const l1 = measure(loanjs, common, budgetMs);
  const l2 = measure(loanjs, common, budgetMs);
  const f2 = measure(fenqi, common, budgetMs);
  const f = (f1.perSecond + f2.perSecond) / 2;
  const l = (l1.perSecond + l2.perSecond) / 2;
  console.log(
    `schedule: fenqi ${Math.round(f)}/s, loanjs ${Math.round(l)}/s, ratio ${(f / l).toFixed(2)}`,
  );
}
