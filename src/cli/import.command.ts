import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";
import {
  type ImportOutcome,
  type ImportPlace,
  importAuthorizationDetails,
  importNoOrganization,
  importOrgDirectory,
  importResourcePolicy,
} from "../pipeline/policy-imports.js";
import { PolicyImportError } from "../policy/index.js";
import { parseCommandLine, usageFailure } from "./command-line.js";
import { err, formatNumber, out } from "./output.js";

export const importUsage = `usage: deniedby import iam FILE [--at TIME] [--db PATH] [--format text|json]
       deniedby import org DIR [--at TIME] [--db PATH] [--format text|json]
       deniedby import org --none [--db PATH] [--format text|json]
       deniedby import resource-policy ARN FILE [--account ID] [--at TIME] [--db PATH] [--format text|json]

Stores what the trail cannot show into the policy model (docs/policies.md says how to produce each input):
  iam FILE             the output of 'aws iam get-account-authorization-details' (streamed)
  org DIR              the organisation directory: SCPs, RCPs and where they are attached
  org --none           the accounts are in no organisation: no SCP or RCP applies
  resource-policy ARN FILE
                       one bucket, key, queue, topic, repository, secret, function or role (trust) policy
  --at TIME            when the data was captured (ISO 8601; default: the file's modification time): trail
                       changes after it apply over it
  --account ID         the account owning a bucket (an S3 ARN names none)
Importing the same data again stores nothing. Bad entries are reported and set aside; the good ones are stored.
Exit status: 0 all stored, 1 some entries set aside or the input refused, 2 usage error.`;

/** How many problems are printed before only counting them. */
const MAX_REPORTED = 20;

type Values = { at?: string; account?: string; db?: string; format?: string; none?: boolean; help?: boolean };

/** `deniedby import`: one import into the policy store; returns the exit code. */
export async function importCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("import", `${importUsage}\n`, {
    args: argv,
    allowPositionals: true,
    options: {
      at: { type: "string" },
      account: { type: "string" },
      db: { type: "string" },
      format: { type: "string", default: "text" },
      none: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as Values;
  const problem = usageProblem(parsed.positionals, values);
  if (problem) return usageFailure("import", `${importUsage}\n`, problem);
  const run = runner(parsed.positionals, values);
  const db = openDb({ path: values.db ?? loadConfig().DENIEDBY_DB });
  try {
    const outcome = await run(createStore(db), Date.now());
    report(outcome, values.format === "json");
    return outcome.problems.length > 0 || outcome.id === null ? 1 : 0;
  } catch (error) {
    if (!(error instanceof PolicyImportError)) throw error;
    err(`deniedby import: ${error.code}: ${error.message}`);
    return 1;
  } finally {
    db.$client.close();
  }
}

/** What is wrong with the command line, checked before any database is opened; undefined when nothing. */
function usageProblem(positionals: string[], v: Values): string | undefined {
  const [what, ...rest] = positionals;
  const arity: Record<string, number> = { iam: 1, org: v.none ? 0 : 1, "resource-policy": 2 };
  if (what === undefined || arity[what] === undefined)
    return "say what to import: iam, org or resource-policy";
  if (rest.length !== arity[what])
    return `import ${what} takes ${arity[what] === 2 ? "ARN FILE" : arity[what] === 1 ? "one path" : "no path with --none"}`;
  if (v.none && what !== "org") return "--none is for 'import org'";
  if (v.none && v.at !== undefined) return "--none takes no --at: it holds from now";
  if (v.account !== undefined && (what !== "resource-policy" || !/^\d{12}$/.test(v.account)))
    return "--account takes a 12-digit account id, for 'import resource-policy' of a bucket";
  if (v.at !== undefined && Number.isNaN(Date.parse(v.at))) return `--at: not a time: ${v.at}`;
  if (v.format !== "text" && v.format !== "json") return "--format must be text or json";
  for (const path of what === "resource-policy" ? rest.slice(1) : rest) {
    const found = statOf(path);
    if (found === undefined) return `${path}: no such file or directory`;
    if ((what === "org") !== found.isDirectory())
      return `${path}: ${what === "org" ? "not a directory" : "a directory"}`;
  }
  return undefined;
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

type Run = (store: Store, now: number) => Promise<ImportOutcome>;

/** The import the command line asks for. */
function runner(positionals: string[], v: Values): Run {
  const [what, first = "", second = ""] = positionals;
  const place = (path: string, now: number): ImportPlace => ({
    ref: path,
    capturedAt: v.at !== undefined ? Date.parse(v.at) : (statOf(path)?.mtimeMs ?? now),
    now,
  });
  if (what === "iam")
    return (s, now) =>
      importAuthorizationDetails(s, createReadStream(first, { highWaterMark: 1 << 16 }), place(first, now));
  if (what === "org" && v.none)
    return async (s, now) => importNoOrganization(s, { ref: "--none", capturedAt: now, now });
  if (what === "org") {
    const read = (rel: string) => readFile(join(first, rel), "utf8").catch(() => undefined);
    return (s, now) => importOrgDirectory(s, read, place(first, now));
  }
  return async (s, now) => {
    const text = await readFile(second, "utf8");
    const input = { arn: first, text, ...(v.account === undefined ? {} : { account: v.account }) };
    return importResourcePolicy(s, input, place(second, now));
  };
}

function report(o: ImportOutcome, json: boolean): void {
  if (json) {
    out(JSON.stringify(o));
    return;
  }
  const counts = Object.entries(o.counts)
    .map(([k, n]) => `${formatNumber(n)} ${k}`)
    .join(", ");
  if (o.id === null) out(`nothing imported from ${o.ref}: no entry could be read`);
  else if (!o.created) out(`already imported (import ${o.id}, captured ${o.capturedAt}): nothing changed`);
  else
    out(
      `imported ${o.kind} ${o.subject} from ${o.ref} (import ${o.id}, captured ${o.capturedAt})${counts ? `: ${counts}` : ""}`,
    );
  if (o.problems.length === 0) return;
  out(`set aside: ${formatNumber(o.problems.length)}`);
  for (const p of o.problems.slice(0, MAX_REPORTED)) err(`  ${p.place}: ${p.code}: ${p.issues.join("; ")}`);
  if (o.problems.length > MAX_REPORTED) err(`  … ${formatNumber(o.problems.length - MAX_REPORTED)} more`);
}
