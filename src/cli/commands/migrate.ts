import { migrate, openStore } from "../../adapters/store/open-store.js";
import { configurationFrom } from "../compose.js";
import { type CommandIo, exitOk, reportProblems } from "../io.js";

/** `fenqi migrate`: brings the configured store's schema up to date and says what it applied. */
export async function migrateCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.length > 0) {
    return reportProblems(io, "migrate", [
      { code: "usage", field: args[0] ?? "", message: "usage: fenqi migrate" },
    ]);
  }
  const config = configurationFrom(process.env);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    autoMigrate: false,
  });
  try {
    const report = await migrate(store);
    const where = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : config.sqlitePath;
    io.out(
      report.applied.length
        ? `fenqi migrate: applied ${report.applied.join(", ")} to ${where}\n`
        : `fenqi migrate: ${where} is up to date\n`,
    );
    return exitOk;
  } finally {
    await store.close();
  }
}
