import type { Db } from "../db/client.js";
import { DenialQuery } from "../denials/denials.schemas.js";
import { analysePendingDenials } from "../pipeline/analyse-denials.js";
import { createExplanations, type Explanations } from "../pipeline/explanations.js";
import { InvalidInputError } from "../shared/errors.js";
import { chosenFormat, commandStore, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";

/**
 * The filter flags of the commands that list stored denials (`denials`, `incidents`), each with the parameter of
 * GET /v1/denials (and /v1/incidents) it is checked as: one map, so a flag takes what its parameter takes and a bad
 * one is refused with the API's own message.
 */
export const LISTING_PARAMS = {
  since: "since",
  until: "until",
  role: "roleArn",
  kind: "kind",
  action: "action",
  account: "account",
  incident: "incident",
  session: "session",
  "task-definition": "taskDefinition",
  service: "service",
  cluster: "cluster",
  text: "q",
  limit: "limit",
  cursor: "cursor",
} as const;
export type ListingFlag = keyof typeof LISTING_PARAMS;

/** A listing command's options: the filter flags it takes, and `--db`, `--format`, `--include-noise`, `--help`. */
function listingOptions(flags: readonly ListingFlag[]) {
  return {
    db: { type: "string" },
    format: { type: "string" },
    "include-noise": { type: "boolean" },
    help: { type: "boolean", short: "h" },
    ...Object.fromEntries(flags.map((flag) => [flag, { type: "string" as const }])),
  } as const;
}

/** The flags as the API's query, or the message that names the first bad flag. */
export function listingQuery(values: Record<string, unknown>): DenialQuery | string {
  const given: Record<string, unknown> = Object.fromEntries(
    Object.entries(LISTING_PARAMS).flatMap(([flag, param]) =>
      values[flag] === undefined ? [] : [[param, values[flag]]],
    ),
  );
  if (values["include-noise"] === true) given.includeNoise = "true";
  const parsed = DenialQuery.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag = Object.entries(LISTING_PARAMS).find(([, param]) => param === issue?.path[0])?.[0] ?? "?";
  return `--${flag}: ${issue?.message ?? "invalid"}`;
}

/** What a listing command lists: a page of items for its checked query, and how its table shows them. */
export interface Listing<T> {
  page(given: { db: Db; explanations: Explanations; query: DenialQuery }): {
    items: T[];
    nextCursor: string | null;
  };
  table(items: T[]): string;
}

/** A page written in the format asked for: one JSON line per item, or the table and the cursor of the next page. */
function writePage<T>(format: "table" | "json", listing: Listing<T>, page: ReturnType<Listing<T>["page"]>) {
  if (format === "json") for (const item of page.items) process.stdout.write(`${JSON.stringify(item)}\n`);
  else {
    process.stdout.write(listing.table(page.items));
    if (page.nextCursor) process.stdout.write(`\nmore: --cursor ${page.nextCursor}\n`);
  }
}

/**
 * A listing command: its flags parsed strictly (unknown ones are errors) and checked by the API's query schema,
 * `--format table|json`, pending denials analysed, then a page written. A wrong command line, and an input only
 * the store can judge (a cursor it did not issue, until before since), is its usage and exit code 2.
 */
export async function runListingCommand<T>(
  command: string,
  usage: string,
  run: { argv: string[]; flags: readonly ListingFlag[]; listing: Listing<T> },
): Promise<number> {
  const parsed = parseCommandLine(command, usage, { args: run.argv, options: listingOptions(run.flags) });
  if (typeof parsed === "number") return parsed;
  const format = chosenFormat(command, usage, parsed.values.format as string | undefined, ["table", "json"]);
  if (typeof format === "number") return format;
  const query = listingQuery(parsed.values);
  if (typeof query === "string") return usageFailure(command, usage, query);
  const db = openStoredDb(command, parsed.values.db as string | undefined);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    await analysePendingDenials(store);
    writePage(format, run.listing, run.listing.page({ db, explanations: createExplanations(store), query }));
    return 0;
  } catch (error) {
    if (error instanceof InvalidInputError) return usageFailure(command, usage, error.message);
    throw error;
  } finally {
    db.$client.close();
  }
}
