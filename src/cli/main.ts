import { readFileSync } from "node:fs";
import { apikeyCommand } from "./commands/apikey.js";
import { auditCommand } from "./commands/audit.js";
import { closeDayCommand } from "./commands/close-day.js";
import { demoCommand } from "./commands/demo.js";
import { forecastCommand } from "./commands/forecast.js";
import { keysCommand } from "./commands/keys.js";
import { migrateCommand } from "./commands/migrate.js";
import { policyCommand } from "./commands/policy.js";
import { serveCommand } from "./commands/serve.js";
import { simulateCommand } from "./commands/simulate.js";
import { userCommand } from "./commands/user.js";
import { workerCommand } from "./commands/worker.js";
import { type CommandIo, exitInput, exitInternal, exitOk, processIo } from "./io.js";

const usage = `fenqi — installment-credit back office

Usage:
  fenqi demo [--json]      simulate the demo portfolio, summarize it, seed the store with it once
  fenqi simulate FILE      run a scenario file (see docs/scenarios.md) and print its JSON report
  fenqi serve [--port N] [--host H]
                           serve the API (/api/v1, docs at /docs); port from --port, PORT or 3000
  fenqi apikey create NAME create an API key for a service client and print its secret once
  fenqi user create --username U --role R [--borrower ID] [--password-stdin]
                           create a person who logs in (R: borrower, agent, supervisor,
                           compliance, auditor, admin; a borrower names their borrower id);
                           prints a generated password once, or reads one line from stdin
  fenqi user disable USERNAME | fenqi user enable USERNAME
                           refuse (or allow again) the user's logins; disabling ends their
                           open sessions at once
  fenqi user password USERNAME
                           set the password read from the first line of stdin (never an
                           argument); ends the user's sessions and lifts a login lock
  fenqi close-day [--date D] [--partitions N]
                           run the daily close of D (default yesterday), catching up missed dates;
                           on PostgreSQL cut into N partitions (default 8) shared with workers
  fenqi worker [--concurrency N]
                           close daily-close partitions from the PostgreSQL job queue until
                           SIGINT/SIGTERM (needs DATABASE_URL)
  fenqi audit verify [--json] [--public-key KEY]
                           check the audit log (every leaf hash, the Merkle tree, the signed
                           checkpoints and their consistency) and the ledger; exit 1 naming the
                           first bad position when anything fails
  fenqi audit checkpoint   sign and store a checkpoint (tree size, root) of the audit log now
  fenqi audit export --from SEQ --to SEQ FILE
                           write leaves SEQ..SEQ with their signed checkpoints and proofs as a
                           self-contained bundle (issuing a checkpoint first if none covers them)
  fenqi audit verify-bundle FILE --pubkey KEY [--json]
                           check a bundle offline with the public key alone; exit 1 naming the
                           first bad position (opens no store)
  fenqi audit replay [--json]
                           re-judge every stored contact decision with the pack and the house
                           rules (FENQI_HOUSE_RULES) it names; exit 1 listing any that disagree
  fenqi forecast LOAN [--days N] [--json]
                           what happens to the loan over N days (default 30) if nothing is paid:
                           fees, buckets, contacts, and whether an emergency contact is ever allowed
  fenqi policy explain FILE [--json]
                           judge the one contact attempt FILE describes and explain each rule
                           (format: docs/overdue-handling.md "Explaining a decision")
  fenqi keys rotate [--batch N]
                           add a master key to the key file, make it current and re-wrap every
                           borrower's data key under it, N per transaction (old keys still open
                           data meanwhile); \`fenqi keys rewrap\` finishes an interrupted run
  fenqi migrate            bring the store's schema up to date (SQLite FENQI_DB, or DATABASE_URL)
  fenqi --help             show this help
  fenqi --version          print the version

Exit codes: 0 done, 1 internal failure (or, for audit verify/verify-bundle/replay, a record that
does not verify), 2 bad input (the field is named on stderr).
`;

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

const commands: Readonly<Record<string, Command>> = {
  apikey: apikeyCommand,
  audit: auditCommand,
  "close-day": closeDayCommand,
  demo: demoCommand,
  forecast: forecastCommand,
  keys: keysCommand,
  migrate: migrateCommand,
  policy: policyCommand,
  serve: serveCommand,
  simulate: simulateCommand,
  user: userCommand,
  worker: workerCommand,
};

/** The `fenqi` command: dispatches to a command and returns the process exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage);
    return name === undefined ? exitInput : exitOk;
  }
  if (name === "--version") {
    io.out(`${version()}\n`);
    return exitOk;
  }
  const command = commands[name];
  if (!command) {
    io.err(`fenqi: unknown command "${name}"\n\n${usage}`);
    return exitInput;
  }
  try {
    return await command(args, io);
  } catch (error) {
    // An exception here is a bug, never bad input: report its kind without data it may carry.
    io.err(`fenqi ${name}: internal error (${error instanceof Error ? error.name : "unknown"})\n`);
    if (process.env.FENQI_DEBUG)
      io.err(`${error instanceof Error ? error.stack : String(error)}\n`);
    return exitInternal;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
