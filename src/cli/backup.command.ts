import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";
import { err, formatNumber, out } from "./output.js";

const USAGE = `usage: deniedby backup FILE [--db PATH]

Copies the database to FILE while it is in use (SQLite's online backup API: the server and ingests may go on
writing; the copy is one consistent point in time), then checks the copy's integrity.
  --db PATH        SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
Restore: stop the server, replace the database file with the copy (and delete any -wal and -shm files beside the
old one), start the server. See docs/operations.md.
Exit status: 0 copied and checked, 1 no database, FILE exists, or the copy failed its check, 2 usage error.
`;

/** `deniedby backup FILE`: an online copy of the database, checked. Returns the exit code. */
export async function backupCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("backup", USAGE, {
    args: argv,
    allowPositionals: true,
    options: { db: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    return usageFailure("backup", USAGE, "one FILE to write the copy to");
  // Never overwrite: a backup that replaces the last good one is worse than none.
  if (existsSync(file)) {
    err(`deniedby backup: ${file} exists; choose a new file`);
    return 1;
  }
  const db = openStoredDb("backup", values.db);
  if (db === null) return 1;
  try {
    const started = Date.now();
    await db.$client.backup(file);
    const check = integrityOf(file);
    if (check !== "ok") {
      err(`deniedby backup: the copy at ${file} failed its integrity check: ${check}`);
      return 1;
    }
    out(
      `backup: ${file} (${formatNumber(statSync(file).size)} bytes) in ${formatNumber(Date.now() - started)} ms; ` +
        "integrity_check ok",
    );
    return 0;
  } finally {
    db.$client.close();
  }
}

/** PRAGMA integrity_check of a database file, opened read-only: 'ok' or the first problem. */
function integrityOf(file: string): string {
  const copy = new Database(file, { readonly: true });
  try {
    return String(copy.pragma("integrity_check", { simple: true }));
  } finally {
    copy.close();
  }
}
