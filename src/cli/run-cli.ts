import { readFileSync } from "node:fs";
import { loadConfig } from "../config.js";
import { athenaCommand } from "./athena.command.js";
import { backupCommand } from "./backup.command.js";
import { denialsCommand } from "./denials.command.js";
import { examplesCommand } from "./examples.command.js";
import { exitStatus, failureOf, logCrash } from "./exit-status.js";
import { explainCommand } from "./explain.command.js";
import { importCommand } from "./import.command.js";
import { incidentsCommand } from "./incidents.command.js";
import { ingestCommand } from "./ingest.command.js";
import { err, out } from "./output.js";
import { pruneCommand } from "./prune.command.js";
import { quarantineCommand } from "./quarantine.command.js";
import { reportCommand } from "./report.command.js";
import { rolesCommand } from "./roles.command.js";
import { serveCommand } from "./serve.command.js";

const usage = `usage: deniedby <command> [options]

commands:
  serve            run the HTTP API (what npm start runs)
  ingest PATH...   store CloudTrail from files, directories or - (stdin)
  import WHAT ...  store IAM, organisation or resource policies the trail cannot show (iam, org, resource-policy)
  roles            the role catalogue: kind, confidence and evidence per role
  denials          list stored denials, explained (table or JSON lines)
  incidents        denials grouped by role, action, resource and denying policy, same filters
  explain FILE|-   explain given events without storing them
  explain --message "TEXT"  explain a pasted access-denied message alone
  report           weekly least-privilege report per role (markdown, html or json)
  athena ddl       print the Athena table DDL for a CloudTrail bucket
  quarantine       list, show or retry the input ingestion set aside
  backup FILE      copy the database while it is in use (online backup), checked
  prune            delete what is older than a retention (--older-than 400d)
  examples         whether the bundled example trail is stored (status), or take it out (remove)

Run 'deniedby <command> --help' for a command's options; 'deniedby --version' (-v) prints the version.`;

/** package.json's version: read beside src/ and dist/ alike (both sit one level under the package root). */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  ingest: ingestCommand,
  import: importCommand,
  denials: denialsCommand,
  incidents: incidentsCommand,
  roles: rolesCommand,
  explain: explainCommand,
  serve: serveCommand,
  athena: athenaCommand,
  report: reportCommand,
  quarantine: quarantineCommand,
  backup: backupCommand,
  prune: pruneCommand,
  examples: examplesCommand,
};

/** Runs the deniedby command line and returns its exit status. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    out(usage);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    out(`deniedby ${packageVersion()}`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    err(`deniedby: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      err(`deniedby ${name}: ${error.message}\nRun 'deniedby ${name} --help' for usage.`);
      return exitStatus.usage;
    }
    const failure = failureOf(name, error, dbPathOf(rest));
    if (failure.status === exitStatus.software) err(`${failure.line} (details in ${logCrash(error)})`);
    else err(failure.line);
    return failure.status;
  }
}

/** The database a command line names (`--db`), else the configured one: what a full disk message names. */
function dbPathOf(argv: string[]): string {
  for (const [i, arg] of argv.entries()) {
    if (arg === "--db") return argv[i + 1] ?? "";
    if (arg.startsWith("--db=")) return arg.slice("--db=".length);
  }
  try {
    return loadConfig().DENIEDBY_DB;
  } catch {
    return "the database";
  }
}
