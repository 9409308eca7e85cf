import { createApiKey } from "../../app/api-keys.js";
import { configurationFrom, newApiSecret, openApp } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

const usage = "usage: fenqi apikey create NAME";

/**
 * `fenqi apikey create NAME`: creates a service API key on the configured store and prints its
 * secret once, alone on stdout (so `KEY=$(fenqi apikey create checkout)` works); only its hash is
 * kept. The note about it goes to stderr.
 */
export async function apikeyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [action, name, ...rest] = args;
  if (action !== "create" || name === undefined || rest.length > 0) {
    return reportProblems(io, "apikey", [{ code: "usage", field: action ?? "", message: usage }]);
  }
  const ctx = await openApp(configurationFrom(process.env));
  try {
    const created = await createApiKey(ctx, name, newApiSecret());
    if (!created.ok) {
      return reportProblems(io, "apikey", [
        { code: created.error.code, field: "NAME", message: created.error.message },
      ]);
    }
    io.out(`${created.value.secret}\n`);
    io.err(
      `fenqi apikey: created ${created.value.client.id} (${created.value.client.name}); ` +
        "the secret above is shown once: send it as Authorization: Bearer <secret>\n",
    );
    return exitOk;
  } finally {
    await ctx.store.close();
  }
}
