import type { Migration, MigrationProvider } from "kysely";
import type { StoreDialect } from "../dialect.js";
import { initialMigration } from "./0001-initial.js";
import { delinquencyMigration } from "./0002-delinquency.js";
import { dropChargedThroughMigration } from "./0003-drop-charged-through.js";
import { overdueHandlingMigration } from "./0004-overdue-handling.js";
import { checkpointsMigration } from "./0005-checkpoints.js";
import { usersMigration } from "./0006-users.js";
import { privacyMigration } from "./0007-privacy.js";
import { quietCloseMigration } from "./0008-quiet-close.js";
import { loginHousekeepingMigration } from "./0009-login-housekeeping.js";
import { loanStrategyMigration } from "./0010-loan-strategy.js";

/**
 * Every migration, in code: no directory scan, so a bundled or compiled build migrates the same
 * way and a missing file is a compile error rather than a silently skipped migration. Names sort
 * in the order they run.
 */
export function migrationsFor(dialect: StoreDialect): Record<string, Migration> {
  return {
    "0001-initial": initialMigration(dialect),
    "0002-delinquency": delinquencyMigration,
    "0003-drop-charged-through": dropChargedThroughMigration,
    "0004-overdue-handling": overdueHandlingMigration(dialect),
    "0005-checkpoints": checkpointsMigration,
    "0006-users": usersMigration(dialect),
    "0007-privacy": privacyMigration(dialect),
    "0008-quiet-close": quietCloseMigration,
    "0009-login-housekeeping": loginHousekeepingMigration,
    "0010-loan-strategy": loanStrategyMigration,
  };
}

export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: async () => migrationsFor(dialect) };
}
