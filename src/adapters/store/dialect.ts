import type { Store } from "../../ports/store.js";

/** Which database a store runs on; the few places that differ switch on it. */
export type StoreDialect = Store["dialect"];
