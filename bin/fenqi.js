#!/usr/bin/env node
// fenqi runs from its TypeScript sources: tsx compiles them on load, so there is no build step
// between a checkout and a working command.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
