import { parameterColumn, RECORD_COLUMNS, RESOURCE_COLUMNS } from "../sources/athena/athena-record.js";
import { denialRule } from "./denial.js";
import { evidenceEventNames, LAMBDA_VERSION_SUFFIX, SERVICE_ASSUME_ROLE } from "./evidence-events.js";
import { type ResourceParameter, resourceParameters, S3_OBJECT_ARN_REWRITE } from "./resource.js";

/**
 * The rules of this layer that the Athena queries (queries/*.sql) apply in SQL, because Athena cannot call
 * TypeScript: which failures are denials, which successful calls are evidence, and which request parameters and
 * listed resources a call's resource is built from (the usage query groups by them); and the columns the Athena
 * source rebuilds a record from, which the denials and evidence queries select. Each query holds them in a block
 * between `-- begin generated: <name>` and `-- end generated: <name>` lines, rendered here from the rule's one
 * definition; `npm run queries:sync` rewrites the blocks and a test fails while a file differs from the rendering.
 * The patterns are written in the syntax JavaScript and Trino's regular expressions share.
 */

/** A JavaScript pattern as a Trino string literal for regexp_like: its case flag as `(?i)`. */
function pattern(re: RegExp): string {
  if (re.flags.replace("i", "") !== "")
    throw new Error(`flags ${re.flags} have no Trino form: /${re.source}/`);
  return literal((re.flags.includes("i") ? "(?i)" : "") + re.source);
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Literals joined with commas, wrapped at `width` columns after `indent` (the block's own indent comes on top). */
function wrappedList(values: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const [i, value] of values.entries()) {
    const item = literal(value) + (i < values.length - 1 ? "," : "");
    if (line !== "" && indent.length + line.length + 1 + item.length > width) {
      lines.push(indent + line);
      line = item;
    } else line = line === "" ? item : `${line} ${item}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/** True when the row's call was refused by an authorization decision: `isDenial` (src/cloudtrail/denial.ts). */
export function denialPredicate(): string[] {
  const r = denialRule;
  const code = "errorcode";
  const message = "coalesce(errormessage, '')";
  return [
    `coalesce(${code}, '') <> ''`,
    "AND (",
    `  ${code} IN (`,
    ...wrappedList(r.codes, "    "),
    "  )",
    `  OR (regexp_like(${code}, ${pattern(r.signInCode)}) AND regexp_like(${message}, ${pattern(r.iamGrammar)}))`,
    "  OR (",
    `    NOT regexp_like(${code}, ${pattern(r.signInCode)})`,
    `    AND NOT regexp_like(${code}, ${pattern(r.notDenialCode)})`,
    "    AND (",
    `      regexp_like(${code}, ${pattern(r.deniedCode)})`,
    `      OR regexp_like(${message}, ${pattern(r.deniedMessage)})`,
    "    )",
    "  )",
    ")",
  ];
}

/**
 * True when the row is an evidence event by name (`evidenceEventOf` in src/cloudtrail/evidence-events.ts), AssumeRole
 * only when a service made it; the query adds that it succeeded.
 */
export function evidencePredicate(): string[] {
  const [service, assumeRole] = SERVICE_ASSUME_ROLE.split(":") as [string, string];
  const lambda = evidenceEventNames
    .filter((n) => n.startsWith("lambda:"))
    .map((n) => n.slice("lambda:".length));
  const byName = evidenceEventNames.filter((n) => n !== SERVICE_ASSUME_ROLE && !n.startsWith("lambda:"));
  const suffix = LAMBDA_VERSION_SUFFIX.source.replace(/\$$/, "");
  return [
    `(eventsource = '${service}.amazonaws.com' AND eventname = '${assumeRole}' AND useridentity.type = 'AWSService')`,
    "OR (",
    "  eventsource = 'lambda.amazonaws.com'",
    `  AND regexp_like(eventname, ${literal(`^(${lambda.join("|")})(${suffix})?$`)})`,
    ")",
    "OR concat(split_part(eventsource, '.', 1), ':', eventname) IN (",
    ...wrappedList(byName, "  "),
    ")",
  ];
}

/** `regexp_replace` of `expression` by a rewrite, or the expression itself. */
function rewritten(expression: string, rewrite: [RegExp, string] | undefined): string {
  return rewrite === undefined
    ? expression
    : `regexp_replace(${expression}, ${pattern(rewrite[0])}, ${literal(rewrite[1])})`;
}

function parameterExpression(p: ResourceParameter): string {
  const value = `json_extract_scalar(requestparameters, ${literal(`$.${p.path ?? p.name}`)})`;
  const scoped =
    p.source === undefined ? value : `CASE WHEN eventsource = ${literal(p.source)} THEN ${value} END`;
  return rewritten(scoped, p.rewrite);
}

/** The calls CTE's columns a usage row's resource is built from (each line ends with a comma). */
export function resourceColumns(): string[] {
  const arns = "filter(resources, r -> coalesce(r.arn, '') <> '')";
  const object = `element_at(transform(filter(${arns}, r -> r.type = 'AWS::S3::Object'), r -> r.arn), 1)`;
  const first = `element_at(transform(${arns}, r -> r.arn), 1)`;
  return [
    ...resourceParameters.map((p) => `${parameterExpression(p)} AS ${parameterColumn(p.name)},`),
    `${rewritten(object, S3_OBJECT_ARN_REWRITE)} AS ${RESOURCE_COLUMNS.object},`,
    `${rewritten(first, S3_OBJECT_ARN_REWRITE)} AS ${RESOURCE_COLUMNS.first},`,
  ];
}

/** Their names, to select and group by (each line ends with a comma). */
export function resourceColumnNames(): string[] {
  const names = [
    ...resourceParameters.map((p) => parameterColumn(p.name)),
    ...Object.values(RESOURCE_COLUMNS),
  ];
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 6) lines.push(`${names.slice(i, i + 6).join(", ")},`);
  return lines;
}

/** The select list of the denials and evidence queries: the columns the Athena source rebuilds records from. */
export function recordColumns(): string[] {
  return RECORD_COLUMNS.map(
    (c, i) =>
      `${c.sql === c.column ? c.column : `${c.sql} AS ${c.column}`}${i < RECORD_COLUMNS.length - 1 ? "," : ""}`,
  );
}

export const queryBlocks = {
  "record-columns": recordColumns,
  denial: denialPredicate,
  evidence: evidencePredicate,
  "resource-columns": resourceColumns,
  "resource-column-names": resourceColumnNames,
} as const;
type QueryBlockName = keyof typeof queryBlocks;

const BLOCK = /^([ \t]*)-- begin generated: ([\w-]+)[^\n]*\n[\s\S]*?^[ \t]*-- end generated: \2$/gm;

/**
 * The SQL text with each generated block rendered afresh, at the indentation of its `-- begin` line. Throws on a
 * block whose name this module does not render.
 */
export function withGeneratedBlocks(sql: string): string {
  return sql.replace(BLOCK, (_, indent: string, name: string) => {
    const render = queryBlocks[name as QueryBlockName];
    if (render === undefined) throw new Error(`no rendering for the generated block "${name}"`);
    const lines = render().map((line) => indent + line);
    return [
      `${indent}-- begin generated: ${name} (from src/cloudtrail by npm run queries:sync; edit it there)`,
      ...lines,
      `${indent}-- end generated: ${name}`,
    ].join("\n");
  });
}
