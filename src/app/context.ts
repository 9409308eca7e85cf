import type { HouseRuleSet } from "../domain/policy/house-rules-file.js";
import type { Clock, IdSource, Keyring } from "../ports/keyring.js";
import type { Passwords } from "../ports/passwords.js";
import type { Store } from "../ports/store.js";

/** What every use case is given by the composition root (src/cli). */
export interface AppContext {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly ids: IdSource;
  /**
   * Password hashing and fresh secrets, for the processes where people log in (the API, `fenqi
   * user`). Optional because a batch process (a worker, the daily close, a benchmark) never
   * logs anyone in and is built without it; the login use cases assert that it is there.
   */
  readonly passwords?: Passwords;
  /**
   * The lender's house rules (`FENQI_HOUSE_RULES`, read and checked by the composition root):
   * every contact decision is judged by the pack of the loan's jurisdiction tightened by the
   * rules in force there, and replay looks up the rules a stored decision names. Undefined: every
   * pack judges bare.
   */
  readonly houseRules?: HouseRuleSet | undefined;
}
