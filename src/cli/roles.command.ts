import type { RoleCatalogEntry } from "../classify/kinds.js";
import { listRoleEntries } from "../pipeline/catalog.js";
import { runStagesAfterStore } from "../pipeline/stages.js";
import { chosenFormat, commandStore, openStoredDb, parseCommandLine } from "./command-line.js";
import { formatTable } from "./output.js";

const USAGE = `usage: deniedby roles [--db PATH] [--format table|json] [--kind KIND]

Classifies every role in the store and prints the catalogue: one line per role.
  --db PATH        SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
  --format FORMAT  table (aligned, for people; default) or json (one JSON object per line)
  --kind KIND      only roles whose leading kind is KIND
`;

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
  const parsed = parseCommandLine("roles", USAGE, {
    args: argv,
    options: {
      db: { type: "string" },
      format: { type: "string" },
      kind: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const format = chosenFormat("roles", USAGE, values.format, ["table", "json"]);
  if (typeof format === "number") return format;
  const db = openStoredDb("roles", values.db);
  if (db === null) return 1;
  try {
    // The catalogue and the analyses that depend on it, brought up to date together.
    await runStagesAfterStore(commandStore(db));
    const entries: RoleCatalogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = listRoleEntries(db, {
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
