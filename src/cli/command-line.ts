import { existsSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { type Db, openDb } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";

/**
 * How long a command's writes wait for another process's write lock (the server, another ingest) before failing:
 * a command has nothing else to do, so it waits longer than the server lets a push wait.
 */
export const COMMAND_LOCK_WAIT_MS = 5 * 60_000;

/** The store a command works through. */
export function commandStore(db: Db): Store {
  return createStore(db, { lockWaitMs: COMMAND_LOCK_WAIT_MS });
}

/** What a command says about a wrong command line: the message and its usage; exit code 2. */
export function usageFailure(command: string, usage: string, message: string): number {
  process.stderr.write(`deniedby ${command}: ${message}\n\n${usage}`);
  return 2;
}

/**
 * A command's options, strictly parsed (unknown options are errors). A wrong command line is reported with the
 * command's usage and comes back as exit code 2 instead of throwing, so a command can be called on its own;
 * `--help` prints the usage and comes back as 0. A number back is the exit code: the command is done.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  command: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    // parseArgs is strict and takes no positionals unless the config says otherwise.
    parsed = parseArgs(config);
  } catch (error) {
    return usageFailure(command, usage, error instanceof Error ? error.message : String(error));
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    process.stdout.write(usage);
    return 0;
  }
  return parsed;
}

/** The `--format` a command was given (or its default) when it is one the command writes; else usage, exit 2. */
export function chosenFormat<F extends string>(
  command: string,
  usage: string,
  given: string | undefined,
  formats: readonly [F, ...F[]],
  fallback: F = formats[0],
): F | number {
  const format = given ?? fallback;
  if ((formats as readonly string[]).includes(format)) return format as F;
  const list = formats.length === 2 ? formats.join(" or ") : `one of ${formats.join(", ")}`;
  return usageFailure(command, usage, `--format must be ${list}, not ${format}`);
}

/**
 * The database a reading command works on (`--db`, else DENIEDBY_DB), opened only when it exists: a typo in a path
 * must not leave an empty database behind. Null (after saying so) when there is none.
 */
export function openStoredDb(command: string, dbOption: string | undefined): Db | null {
  const path = dbOption ?? loadConfig().DENIEDBY_DB;
  if (path !== ":memory:" && !existsSync(path)) {
    process.stderr.write(
      `deniedby ${command}: no database at ${path} (run deniedby ingest first, or pass --db)\n`,
    );
    return null;
  }
  return openDb({ path });
}
