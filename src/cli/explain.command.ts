import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { type Db, openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { explainMessage } from "../explain/message.js";
import { catalogLookup } from "../pipeline/catalog.js";
import { explainGivenRecords } from "../pipeline/explain-records.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import { decodeChunks } from "../pipeline/record-decoder.js";
import type { PolicyView } from "../policy/index.js";
import { readText } from "../sources/files/read-text.js";
import { defaultDbPath, formatTable } from "./denials.command.js";

const USAGE =
  "usage: deniedby explain FILE|- [--db PATH] [--format table|json]\n" +
  '       deniedby explain --message "TEXT" [--service SERVICE] [--db PATH] [--format table|json]\n';

type Catalog = (roleArn: string) => RoleCatalogEntry | undefined;

/** What a stored database gives an explanation: the catalogue and the policy model. */
interface Stored {
  catalog: Catalog;
  policies?: PolicyView;
}

/** A database written by a deniedby before the policy store has no model to read (it is opened read-only). */
function holdsPolicyStore(db: Db): boolean {
  const found = db.$client
    .prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('policy_imports', 'policy_changes')",
    )
    .pluck()
    .get();
  return found === 2;
}

/** The stored catalogue and policy model; never creates a database just to read them. */
function storedContext(dbPath: string): Stored {
  if (!existsSync(dbPath)) return { catalog: () => undefined };
  const db = openDb({ path: dbPath, readonly: true });
  const catalog = catalogLookup(db);
  const policies = holdsPolicyStore(db) ? currentPolicies(createStore(db)) : undefined;
  db.$client.close();
  return policies ? { catalog, policies } : { catalog };
}

function print(out: Explanation[], format: string): void {
  if (format === "json") for (const e of out) process.stdout.write(`${JSON.stringify(e)}\n`);
  else process.stdout.write(formatTable(out, true));
}

/**
 * `deniedby explain FILE|-`: explains the given events without storing them, with the stored catalogue as context.
 * `deniedby explain --message "…"`: explains a pasted error message alone, the same way.
 */
export async function explainCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const format = values.format ?? "json";
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const message = values.message;
  const usable =
    (format === "json" || format === "table") &&
    (message === undefined
      ? positionals.length === 1 && values.service === undefined
      : positionals.length === 0 && message.trim() !== "");
  if (!usable) {
    process.stderr.write(USAGE);
    return 2;
  }
  const stored = storedContext(values.db ?? defaultDbPath());
  if (message !== undefined) {
    print(
      [
        explainMessage(
          { message, ...(values.service ? { service: values.service } : {}) },
          { catalog: stored.catalog },
        ),
      ],
      format,
    );
    return 0;
  }
  return explainFile(positionals[0] ?? "-", stored, format);
}

/** Explains the denials of a file (or stdin) of records, in any shape ingest reads; exits 1 when none is a denial. */
async function explainFile(file: string, stored: Stored, format: string): Promise<number> {
  const items: { position: string; value: unknown }[] = [];
  const where = (position: string) => (position ? `${position}: ` : "");
  try {
    // The ingest path's own reader: every shape ingest accepts, gzip included, nesting and sizes bounded.
    await decodeChunks(readText(file), file, {
      record: (record, _raw, place) => items.push({ position: place.position, value: record }),
      reject: (r) => process.stderr.write(`${where(r.place.position)}skipped, ${r.reason}: ${r.detail}\n`),
      ignored: () => {},
    });
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const out: Explanation[] = [];
  for (const given of explainGivenRecords(items, stored.catalog, stored.policies)) {
    if ("rejection" in given) {
      const { reason, detail } = given.rejection;
      process.stderr.write(`${where(given.position)}skipped, ${reason}: ${detail}\n`);
    } else if (given.explanation) {
      out.push(given.explanation);
    } else {
      const r = given.record;
      process.stderr.write(
        `${where(given.position)}${r.eventID}: skipped, not an access denial (errorCode ${r.errorCode ?? "none"})\n`,
      );
    }
  }
  print(out, format);
  return out.length > 0 ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      format: { type: "string" },
      message: { type: "string" },
      service: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
