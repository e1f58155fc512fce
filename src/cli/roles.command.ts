import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import { listCatalog, refreshCatalog } from "../db/role-catalog.repository.js";
import { formatTable } from "./output.js";

const USAGE = `usage: deniedby roles [--db PATH] [--format table|json] [--kind KIND]

Classifies every role in the store and prints the catalogue: one line per role.
  --db PATH        SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
  --format FORMAT  table (aligned, for people; default) or json (one JSON object per line)
  --kind KIND      only roles whose leading kind is KIND
`;

function fail(message: string): number {
  process.stderr.write(`deniedby roles: ${message}\n\n${USAGE}`);
  return 2;
}

function table(entries: RoleCatalogEntry[]): string {
  const header = ["KIND", "CONF", "DUAL", "ALSO", "ACCOUNT", "ROLE", "DECIDED BY"];
  const rows = entries.map((e) => {
    const [lead, ...rest] = e.kinds;
    return [
      lead?.kind ?? "unknown",
      (lead?.confidence ?? 0).toFixed(2),
      e.dualUse ? "yes" : "",
      rest.map((k) => `${k.kind} ${k.confidence.toFixed(2)}`).join(", "),
      e.accountId,
      e.roleArn.slice(e.roleArn.indexOf(":", e.roleArn.indexOf("::") + 2) + 1),
      lead?.evidence[0]?.signal ?? "",
    ];
  });
  return `${formatTable(header, rows)}\n`;
}

/** `deniedby roles`: refreshes the role catalogue from the store and prints it. Returns the exit code. */
export async function rolesCommand(argv: string[]): Promise<number> {
  let values: {
    db?: string | undefined;
    format?: string | undefined;
    kind?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        db: { type: "string" },
        format: { type: "string" },
        kind: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = values.format ?? "table";
  if (format !== "table" && format !== "json") return fail(`--format must be table or json, not ${format}`);
  const path = values.db ?? loadConfig().DENIEDBY_DB;
  if (path !== ":memory:" && !existsSync(path)) {
    process.stderr.write(
      `deniedby roles: no database at ${path} (run deniedby ingest first, or pass --db)\n`,
    );
    return 1;
  }
  const db = openDb({ path });
  try {
    refreshCatalog(db);
    const entries: RoleCatalogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = listCatalog(db, {
        limit: 1000,
        ...(values.kind === undefined ? {} : { kind: values.kind }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      entries.push(...page.roles);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    if (format === "json") {
      for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
    } else {
      process.stdout.write(table(entries));
    }
    return 0;
  } finally {
    db.$client.close();
  }
}
