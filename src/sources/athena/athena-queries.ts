import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DomainError } from "../../shared/errors.js";

/** queries/ at the package root, from src/sources/athena (tsx, vitest) and from dist/sources/athena (compiled). */
export const queriesFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../../queries");

/** Every statement deniedby runs or prints, by file name (without `.sql`). */
export const queryNames = [
  "cloudtrail-table",
  "cloudtrail-table-org",
  "denials",
  "evidence",
  "usage-daily",
] as const;
export type QueryName = (typeof queryNames)[number];

export class AthenaQueryFileError extends DomainError {
  declare readonly code: "athena.query_file_missing" | "athena.query_file_invalid";
  constructor(
    code: "athena.query_file_missing" | "athena.query_file_invalid",
    readonly file: string,
    detail: string,
  ) {
    super(code, `${file}: ${detail}`);
  }
}

export interface LoadedQuery {
  name: QueryName;
  /** The statement, leading comment lines and the trailing semicolon removed, `{{table}}` still in place. */
  text: string;
  /** Number of `?` placeholders outside literals and comments. */
  placeholders: number;
}

export type Queries = Record<QueryName, LoadedQuery>;

/**
 * Loads every query at start-up, so a missing or broken file fails the process before the first poll rather than
 * hours later. Each file holds one statement.
 */
export function loadQueries(folder: string = queriesFolder): Queries {
  const entries = queryNames.map((name): [QueryName, LoadedQuery] => {
    const file = join(folder, `${name}.sql`);
    let raw: string;
    try {
      raw = readFileSync(file, "utf8");
    } catch (error) {
      throw new AthenaQueryFileError("athena.query_file_missing", file, (error as Error).message);
    }
    const text = raw
      .replace(/^(\s*--[^\n]*\n)+/, "")
      .trim()
      .replace(/;\s*$/, "");
    const scan = scanSql(text);
    if (text === "") throw new AthenaQueryFileError("athena.query_file_invalid", file, "the file is empty");
    if (scan.semicolons > 0)
      throw new AthenaQueryFileError("athena.query_file_invalid", file, "more than one statement");
    return [name, { name, text, placeholders: scan.placeholders }];
  });
  return Object.fromEntries(entries) as Queries;
}

/** Counts `?` placeholders and statement separators outside string literals, quoted identifiers and comments. */
export function scanSql(sql: string): { placeholders: number; semicolons: number } {
  let placeholders = 0;
  let semicolons = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // '' inside a literal is an escaped quote: the scan just closes and reopens.
      const end = sql.indexOf(c, i + 1);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else {
      if (c === "?") placeholders++;
      if (c === ";") semicolons++;
      i++;
    }
  }
  return { placeholders, semicolons };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * Puts the table name into a query. Identifiers cannot be bound through ExecutionParameters, so the name is checked
 * against Glue's identifier alphabet and double-quoted; values always go through `?`.
 */
export function withTable(query: LoadedQuery, table: string): string {
  if (!isIdentifier(table))
    throw new AthenaQueryFileError(
      "athena.query_file_invalid",
      query.name,
      `bad table name ${JSON.stringify(table)}`,
    );
  return query.text.replaceAll("{{table}}", `"${table}"`);
}
