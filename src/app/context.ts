import type { Clock, IdSource, Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";

/** What every use case is given by the composition root (src/cli). */
export interface AppContext {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly ids: IdSource;
}
