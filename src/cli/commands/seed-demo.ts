import { createApiKey } from "../../app/api-keys.js";
import { getProduct, listProducts } from "../../app/products.js";
import { runScenario, simulationClock } from "../../app/simulate/run-scenario.js";
import { parseScenario } from "../../domain/scenario/scenario.js";
import { roles } from "../../domain/users/roles.js";
import { type Configuration, newApiSecret, openApp } from "../compose.js";
import { seedLiveLoans } from "../demo-live.js";
import { demoScenario } from "../demo-scenario.js";
import { createUserWithPassword } from "./user.js";

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
    const logins: string[] = [];
    for (const role of roles) {
      // One login per role; the borrower is demo borrower b1, who reaches only their own records.
      const input = {
        username: `demo.${role}`,
        role,
        borrowerId: role === "borrower" ? "b1" : undefined,
      };
      const user = await createUserWithPassword(ctx, input);
      if (!user.ok) throw new Error(user.error.message);
      logins.push(`  ${input.username.padEnd(16)} ${user.value.password}`);
    }
    return [
      "",
      `Seeded the demo products, borrowers and loans into ${where}.`,
      "The API (`npx fenqi serve`, docs at http://127.0.0.1:3000/docs) takes this service key:",
      `  Authorization: Bearer ${key.value.secret}`,
      "(this key is shown once; `npx fenqi apikey create NAME` makes another)",
      "",
      "People log in with POST /api/v1/session {username, password} (a session cookie and a",
      "CSRF token for writes); one login per role, demo.borrower being borrower b1:",
      ...logins,
      "(these passwords are shown once; `npx fenqi user create` makes more users)",
      "",
    ].join("\n");
  } finally {
    await ctx.store.close();
  }
}
