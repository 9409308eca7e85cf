import type { Instant } from "../calendar/instant.js";

/**
 * Data-subject requests (PIPL Arts. 45–48: access and copy, correction, deletion, explanation)
 * and their response deadline.
 */

/**
 * Days within which a data-subject request is answered. PIPL Art. 50 requires a convenient way
 * to make requests and prompt handling without naming a number; the 15 (working) days come from
 * the CAC/MIIT assessment method for apps (《App违法违规收集使用个人信息行为认定方法》, 2019), which
 * treats a promised reply time above 15 working days as a violation. Counted here in calendar
 * days, the stricter reading.
 */
export const piplResponseDays = 15;

const dayMs = 86_400_000;

/** The instant by which a request received at `receivedAt` must be answered. */
export function responseDeadline(receivedAt: Instant): Instant {
  return receivedAt + piplResponseDays * dayMs;
}

export const privacyRequestKinds = ["access", "correction", "deletion"] as const;
export type PrivacyRequestKind = (typeof privacyRequestKinds)[number];

/**
 * - `open`: received, not yet answered (a correction waits for staff);
 * - `done`: answered (access given, correction applied);
 * - `rejected`: answered with a refusal (a correction staff could not verify);
 * - `restricted`: a deletion under legal retention: processing restricted until `eraseOn`;
 * - `erased`: a deletion carried out.
 */
export type PrivacyRequestStatus = "open" | "done" | "rejected" | "restricted" | "erased";

/** The personal-data fields a correction may change. */
export const correctableFields = ["name", "phone", "email"] as const;
export type CorrectableField = (typeof correctableFields)[number];
