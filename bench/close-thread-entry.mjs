// A worker thread does not inherit the TypeScript loader the bench runs under (`--import tsx`
// applies to the main thread only): register it, then load the runner.
import { register } from "tsx/esm/api";

register();
await import("./close-thread.ts");
