import { parseArgs } from "node:util";
import { ROLE_KINDS, type RoleKind } from "../classify/kinds.js";
import { loadConfig } from "../config.js";
import { decodeCursor, listDenials } from "../db/denial-pages.repository.js";
import { FindQuery } from "../denials/denials.schemas.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { analysePendingDenials } from "../pipeline/analyse-denials.js";
import { createExplanations } from "../pipeline/explanations.js";
import { resolveFindFilters } from "../pipeline/find-filters.js";
import { escapeTerminal } from "../shared/text-escape.js";
import { parseTime, TIME_FORMS } from "../shared/time.js";
import { commandStore, openStoredDb } from "./command-line.js";

const USAGE =
  "usage: deniedby denials [--db PATH] [--since T] [--until T] [--role ARN] [--kind K] [--action A] [--account ID] [--incident ID]\n" +
  "       [--session NAME|TASK-ID|TASK-ARN] [--task-definition FAMILY[:REV]|ARN] [--service NAME|ARN]\n" +
  "       [--cluster NAME|ARN] [--text TEXT] [--include-noise] [--limit N] [--format table|json]\n" +
  `  T: ${TIME_FORMS}\n` +
  "  --text: a case-insensitive substring of the message, resource, action or role, taken literally\n";

/** The find flags, each with the API parameter it is checked as (the same schema: the same rules and messages). */
const FIND_FLAGS = {
  session: "session",
  "task-definition": "taskDefinition",
  service: "service",
  cluster: "cluster",
  text: "q",
} as const;

/** The API's `q` is the pipeline's `text`. */
function findOf({ q, ...rest }: FindQuery) {
  return { ...rest, text: q };
}

/** The find flags checked as the API checks its parameters, or the message that names the first bad flag. */
function findQuery(
  values: Record<string, unknown>,
): { ok: true; query: FindQuery } | { ok: false; message: string } {
  const given = Object.fromEntries(
    Object.entries(FIND_FLAGS).flatMap(([flag, param]) =>
      values[flag] === undefined ? [] : [[param, values[flag]]],
    ),
  );
  const parsed = FindQuery.safeParse(given);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  const flag = Object.entries(FIND_FLAGS).find(([, param]) => param === issue?.path[0])?.[0] ?? "?";
  return { ok: false, message: `--${flag}: ${issue?.message ?? "invalid"}` };
}

export function defaultDbPath(): string {
  // DENIEDBY_DB through the validated config, like every other command.
  return loadConfig().DENIEDBY_DB;
}

/** A cell for the terminal: control characters made visible (trail text is attacker-controlled), then cut. */
function cut(raw: string, n: number): string {
  const s = escapeTerminal(raw);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** A table for people: one line per denial, then the fix for each when `details`. */
export function formatTable(list: Explanation[], details = false): string {
  const header = ["TIME", "ROLE/PRINCIPAL", "KIND", "ACTION", "RESOURCE", "DENIED BY", "FIX TARGET", "NOISE"];
  const rows = list.map((e) => [
    escapeTerminal(e.eventTime.replace(/\.\d+Z$/, "Z")),
    cut(e.principal.roleArn?.split("/").at(-1) ?? e.principal.arn, 32),
    e.principal.kind,
    cut(e.action ?? "?", 40),
    cut(e.resource ?? "-", 50),
    `${e.deniedBy}${e.explicitDeny ? " (explicit)" : ""}`,
    `${e.fix.target} ${Math.round(e.fix.confidence * 100)}%`,
    e.noiseReason?.code ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    `${r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  let out = line(header) + rows.map(line).join("");
  if (details)
    for (const e of list) {
      const t = escapeTerminal;
      out += `\n${t(e.eventId)}: ${t(e.summary)}\n  ${t(e.fix.summary)}\n`;
      if (e.evaluation) out += `  policy model: ${t(e.evaluation.summary)}\n`;
      for (const u of e.evaluation?.unknowns ?? []) out += `  unknown: ${t(u)}\n`;
      if (e.fix.verified) out += `  fix verified: ${t(e.fix.verified)}\n`;
      for (const c of e.fix.commands) out += `  $ ${t(c)}\n`;
      for (const text of e.fix.consoleTexts) out += `  console: ${t(text)}\n`;
      for (const c of e.caveats) out += `  note: ${t(c.text)}\n`;
    }
  return out;
}

/** `deniedby denials`: stored denials, explained, newest first. Analyses pending denials first. */
export async function denialsCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const now = Date.now();
  const format = values.format ?? "table";
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  const since = values.since === undefined ? undefined : (parseTime(values.since, now) ?? undefined);
  const until = values.until === undefined ? undefined : (parseTime(values.until, now) ?? undefined);
  const bad =
    (format !== "table" && format !== "json") ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    (values.since !== undefined && since === undefined) ||
    (values.until !== undefined && until === undefined) ||
    (values.kind !== undefined && !ROLE_KINDS.includes(values.kind as RoleKind));
  if (bad) {
    process.stderr.write(USAGE);
    return 2;
  }
  const find = findQuery(values);
  if (!find.ok) {
    process.stderr.write(`${find.message}\n${USAGE}`);
    return 2;
  }
  if (values.cursor !== undefined) {
    try {
      decodeCursor(values.cursor);
    } catch {
      process.stderr.write(`--cursor: not a cursor this command printed\n${USAGE}`);
      return 2;
    }
  }
  const db = openStoredDb("denials", values.db);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    await analysePendingDenials(store);
    const explanations = createExplanations(store);
    explanations.sync();
    const page = listDenials(db, {
      limit,
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(values.role ? { roleArn: values.role } : {}),
      ...(values.kind ? { kind: values.kind as RoleKind } : {}),
      ...(values.action ? { action: values.action } : {}),
      ...(values.account ? { account: values.account } : {}),
      ...(values.incident ? { incident: values.incident } : {}),
      ...(values.cursor ? { cursor: values.cursor } : {}),
      ...resolveFindFilters(db, findOf(find.query)),
      includeNoise: values["include-noise"] === true,
    });
    const explained = page.denials.map((row) => explanations.explain(row));
    if (format === "json")
      // One JSON line per denial: the explanation exactly as the API serves it, so scripts read both alike.
      for (const e of explained) process.stdout.write(`${JSON.stringify(e)}\n`);
    else {
      process.stdout.write(formatTable(explained));
      if (page.nextCursor) process.stdout.write(`\nmore: --cursor ${page.nextCursor}\n`);
    }
    return 0;
  } finally {
    db.$client.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      db: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      role: { type: "string" },
      kind: { type: "string" },
      action: { type: "string" },
      account: { type: "string" },
      incident: { type: "string" },
      session: { type: "string" },
      "task-definition": { type: "string" },
      service: { type: "string" },
      cluster: { type: "string" },
      text: { type: "string" },
      cursor: { type: "string" },
      limit: { type: "string" },
      format: { type: "string" },
      "include-noise": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
