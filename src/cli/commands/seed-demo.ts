import { createApiKey } from "../../app/api-keys.js";
import { getProduct, listProducts } from "../../app/products.js";
import { runScenario, simulationClock } from "../../app/simulate/run-scenario.js";
import { parseScenario } from "../../domain/scenario/scenario.js";
import { type Configuration, newApiSecret, openApp } from "../compose.js";
import { seedLiveLoans } from "../demo-live.js";
import { demoScenario } from "../demo-scenario.js";

/**
 * Seeds the configured store (SQLite by default) with the demo scenario through the same use
 * cases, then two loans dated from today (see demo-live.ts), once: a store that already holds the demo products is left as it is (and, with
 * `onlyIntoEmptyStore`, a store that holds any product). Returns the text
 * telling the user how to look at it through the API.
 */
export async function seedDemo(
  config: Configuration,
  options: { readonly onlyIntoEmptyStore?: boolean; readonly now?: () => number } = {},
): Promise<string> {
  const scenario = parseScenario(demoScenario);
  if (!scenario.ok) throw new Error("the demo scenario does not validate");
  const clock = simulationClock(0);
  const ctx = await openApp(config, { clock });
  const where = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : config.sqlitePath;
  try {
    if (options.onlyIntoEmptyStore && (await listProducts(ctx, { limit: 1 })).length > 0) return "";
    if ((await getProduct(ctx, "mall-flat")).ok) {
      return `\nThe demo data is already in ${where}. Start the API with \`npx fenqi serve\` (docs at /docs).\n`;
    }
    await runScenario(ctx, clock, scenario.value);
    clock.set((options.now ?? Date.now)());
    await seedLiveLoans(ctx);
    const key = await createApiKey(ctx, "demo", newApiSecret());
    if (!key.ok) throw new Error(key.error.message);
    return [
      "",
      `Seeded the demo products, borrowers and loans into ${where}.`,
      "The API (`npx fenqi serve`, docs at http://127.0.0.1:3000/docs) takes this service key:",
      `  Authorization: Bearer ${key.value.secret}`,
      "(this key is shown once; `npx fenqi apikey create NAME` makes another)",
      "",
    ].join("\n");
  } finally {
    await ctx.store.close();
  }
}
