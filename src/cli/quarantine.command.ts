import { InvalidCursorError } from "../db/denial-pages.repository.js";
import type { QuarantineFilters, QuarantineRepository } from "../db/quarantine.repository.js";
import type { Store } from "../db/store.js";
import { retryQuarantined } from "../pipeline/retry-quarantine.js";
import { runStagesAfterStore } from "../pipeline/stages.js";
import { escapeTerminal } from "../shared/text-escape.js";
import { commandStore, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";
import { formatNumber, formatTable, out } from "./output.js";

const USAGE = `usage: deniedby quarantine list [--db PATH] [--source S] [--reason R] [--limit N] [--cursor C] [--format table|json]
       deniedby quarantine show ID [--db PATH] [--format text|json]
       deniedby quarantine retry [ID] [--db PATH] [--source S] [--reason R] [--format text|json]

The input that ingestion set aside (quarantined): what it was, why, where it came from.
  list     newest first, a page at a time, with a preview of each row's raw text (--limit, default 50; the
           next page's --cursor is printed after it)
  show     one row with all of its stored raw text
  retry    reads the rows again through the pipeline (after a fix, what was set aside may now parse): a row whose
           text now passes is stored under its own source and deleted from the quarantine; a row still rejected
           stays, and its reason today is printed. Then the catalogue and the analysis are brought up to date.
  --source S       only rows from this source tag (files, push, lookup-events, …)
  --reason R       only rows set aside for this reason (json.invalid, record.missing_event_id, …)
Exit status: 0 done (retry: every row retried is stored), 1 a row retried is still rejected, or no such row or
database, 2 usage error.
`;

const OPTIONS = {
  db: { type: "string" },
  source: { type: "string" },
  reason: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "string" ? string : boolean;
};

function filtersOf(values: Values): QuarantineFilters {
  return {
    ...(values.source !== undefined ? { source: values.source } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
  };
}

/** `deniedby quarantine list|show|retry`. Returns the exit code. */
export async function quarantineCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("quarantine", USAGE, {
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
  });
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as Values;
  const [action, id, ...extra] = parsed.positionals;
  const problem = checkLine(action, id, extra, values);
  if (problem !== null) return usageFailure("quarantine", USAGE, problem);
  const db = openStoredDb("quarantine", values.db);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    if (action === "list") return listCommand(store.quarantine, values);
    if (action === "show") return showCommand(store.quarantine, Number(id), values.format === "json");
    return await retryCommand(store, id === undefined ? undefined : Number(id), values);
  } catch (error) {
    if (error instanceof InvalidCursorError) return usageFailure("quarantine", USAGE, error.message);
    throw error;
  } finally {
    db.$client.close();
  }
}

/** What is wrong with the command line, or null. */
function checkLine(action: string | undefined, id: string | undefined, extra: string[], values: Values) {
  if (action !== "list" && action !== "show" && action !== "retry")
    return action === undefined ? "list, show or retry?" : `unknown action '${action}'`;
  if (extra.length > 0 || (action === "list" && id !== undefined)) return "too many arguments";
  if (action === "show" && id === undefined) return "show needs the ID of a row (see quarantine list)";
  if (id !== undefined && !/^[1-9]\d{0,15}$/.test(id)) return `not a row ID: ${id}`;
  const formats = action === "list" ? ["table", "json"] : ["text", "json"];
  if (values.format !== undefined && !formats.includes(values.format))
    return `--format must be ${formats.join(" or ")}, not ${values.format}`;
  if (action !== "list" && (values.limit !== undefined || values.cursor !== undefined))
    return "--limit and --cursor are options of list";
  if (action === "show" && (values.source !== undefined || values.reason !== undefined))
    return "show takes an ID, not --source or --reason";
  if (values.limit !== undefined && !/^\d+$/.test(values.limit)) return "--limit must be a whole number";
  const limit = Number(values.limit ?? 50);
  if (limit < 1 || limit > 1000) return "--limit must be between 1 and 1000";
  return null;
}

function listCommand(repository: QuarantineRepository, values: Values): number {
  const page = repository.list(filtersOf(values), Number(values.limit ?? 50), values.cursor);
  if (values.format === "json") {
    for (const item of page.items) out(JSON.stringify(item));
    if (page.nextCursor !== null) out(JSON.stringify({ nextCursor: page.nextCursor }));
    return 0;
  }
  const rows = page.items.map((q) => [
    String(q.id),
    q.source,
    q.reason,
    `${q.location}${q.position ? ` (${q.position})` : ""}`,
    // One line per row: the preview's own line breaks would break the table.
    q.preview.slice(0, 60).replace(/\s+/g, " "),
  ]);
  out(formatTable(["ID", "SOURCE", "REASON", "FROM", "RAW (start)"], rows));
  if (page.nextCursor !== null) out(`next page: --cursor ${page.nextCursor}`);
  return 0;
}

function showCommand(repository: QuarantineRepository, id: number, json: boolean): number {
  const row = repository.get(id);
  if (row === undefined) {
    process.stderr.write(`deniedby quarantine: no quarantined row ${id}\n`);
    return 1;
  }
  if (json) {
    out(JSON.stringify(row));
    return 0;
  }
  out(
    escapeTerminal(
      `id: ${row.id}\nsource: ${row.source}\nfrom: ${row.location}${row.position ? ` (${row.position})` : ""}\n` +
        `reason: ${row.reason}\ndetail: ${row.detail}\nraw (${formatNumber(row.raw.length)} characters):`,
    ),
  );
  out(escapeTerminal(row.raw));
  return 0;
}

async function retryCommand(store: Store, id: number | undefined, values: Values) {
  const result = await retryQuarantined(store, { ...filtersOf(values), ...(id !== undefined ? { id } : {}) });
  if (result.resolved > 0) await runStagesAfterStore(store);
  if (values.format === "json") out(JSON.stringify(result));
  else {
    out(
      `retried: ${formatNumber(result.retried)}, stored and removed from the quarantine: ${formatNumber(result.resolved)} ` +
        `(${formatNumber(result.stored.denials)} denials, ${formatNumber(result.stored.evidence)} evidence, ` +
        `${formatNumber(result.stored.usage)} folded into usage, ${formatNumber(result.duplicates)} already stored)\n` +
        `still rejected: ${formatNumber(result.stillRejected.length)}`,
    );
    for (const r of result.stillRejected.slice(0, 20))
      out(escapeTerminal(`  ${r.id}: ${r.reason}: ${r.detail}`));
  }
  if (id !== undefined && result.retried === 0) {
    process.stderr.write(`deniedby quarantine: no quarantined row ${id}\n`);
    return 1;
  }
  return result.stillRejected.length > 0 ? 1 : 0;
}
