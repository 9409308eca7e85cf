/**
 * `npm run bench -- NAME`: runs one benchmark (or all with no name). Benchmarks report ratios
 * against a baseline measured in the same run, never absolute timings checked by a test.
 */
const benches: Record<string, () => Promise<{ run: () => Promise<void> | void }>> = {
  schedule: () => import("./schedule.js"),
  payments: () => import("./payments.js"),
  close: () => import("./close.js"),
  policy: () => import("./policy.js"),
  hash: () => import("./hash.js"),
};

const [name] = process.argv.slice(2);
const selected = name === undefined ? Object.keys(benches) : [name];
for (const key of selected) {
  const load = benches[key];
  if (!load) {
    process.stderr.write(
      `bench: unknown benchmark "${key}"; known: ${Object.keys(benches).join(", ")}\n`,
    );
    process.exit(2);
  }
  await (await load()).run();
}
