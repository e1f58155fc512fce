import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { ConfigError } from "../config.js";
import { errorMessage } from "../shared/errors.js";
import { AthenaQueryError } from "../sources/athena/athena-runner.js";
import { describeAwsFailure } from "../sources/aws-failures.js";
import { AwsRequestError } from "../sources/aws-retry.js";
import { InputReadError } from "../sources/files/read-text.js";
import { LookupEventsError } from "../sources/lookup-events/lookup-events.errors.js";
import { UsageError } from "./output.js";

/**
 * The command line's exit statuses, one meaning each, so a script can tell lost data from a quarantined line:
 * 0 everything was stored (or shown), 1 some input was rejected and the rest stored (or a reading command found
 * nothing to read), 2 the command line or the configuration is wrong, 3 a source failed (AWS, the network, the
 * disk): what was committed before it is kept and a re-run resumes, 70 an unexpected error (EX_SOFTWARE).
 */
export const exitStatus = { ok: 0, rejected: 1, usage: 2, sourceFailed: 3, software: 70 } as const;

/** Errors the operating system or SQLite give when the disk is full. */
const DISK_FULL = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT"]);
/** Errors reaching an input or the network: the source failed, not deniedby. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EACCES",
  "EPERM",
  "ENOENT",
  "EIO",
  "EROFS",
  "SQLITE_IOERR",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
]);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** An error the AWS SDK raised: it carries the response's metadata. */
function isAwsError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "$metadata" in error;
}

export interface Failure {
  status: number;
  /** One line for standard error. */
  line: string;
}

/** What a command's thrown error means for its exit status, said in one line. `db` is the database path. */
export function failureOf(command: string, error: unknown, db: string): Failure {
  const prefix = `deniedby ${command}`;
  if (error instanceof UsageError)
    return {
      status: exitStatus.usage,
      line: `${prefix}: ${error.message}\nRun 'deniedby ${command} --help' for usage.`,
    };
  if (error instanceof ConfigError) return { status: exitStatus.usage, line: `deniedby: ${error.message}` };
  const code = codeOf(error);
  if (DISK_FULL.has(code))
    return {
      status: exitStatus.sourceFailed,
      line: `${prefix}: the disk holding ${db} is full (${code}); free space there or pass --db on a disk with room, then run it again: what was committed is kept`,
    };
  if (
    error instanceof LookupEventsError ||
    error instanceof AthenaQueryError ||
    error instanceof AwsRequestError ||
    error instanceof InputReadError ||
    isAwsError(error) ||
    UNREACHABLE.has(code)
  )
    return {
      status: exitStatus.sourceFailed,
      line: `${prefix}: ${oneLine(describeAwsFailure(error) ?? errorMessage(error))}`,
    };
  return {
    status: exitStatus.software,
    line: `${prefix}: unexpected error: ${oneLine(errorMessage(error))}`,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Writes an unexpected error in full to a log file and names it, so the terminal gets one line. */
export function logCrash(error: unknown): string {
  const path = join(tmpdir(), `deniedby-crash-${process.pid}-${Date.now()}.log`);
  try {
    writeFileSync(
      path,
      `${new Date().toISOString()} ${process.argv.join(" ")}\n${inspect(error, { depth: 6 })}\n`,
    );
    return path;
  } catch {
    return "(no log: the temporary directory is not writable)";
  }
}
