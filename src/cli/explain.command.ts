import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { bodyRecords, unwrapEnvelope } from "../cloudtrail/normalise.js";
import { openDb } from "../db/client.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { catalogLookup } from "../pipeline/catalog.js";
import { explainGivenRecords } from "../pipeline/explain-records.js";
import { defaultDbPath, formatTable } from "./denials.command.js";

const USAGE = "usage: deniedby explain FILE|- [--db PATH] [--format table|json]\n";

/** Records from any input shape: one record, an array, {"Records": […]}, an EventBridge event, or JSON lines. */
export function recordsFrom(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as unknown);
  }
  return bodyRecords(value).map((r) => unwrapEnvelope(r.value));
}

/** `deniedby explain FILE|-`: explains the given events without storing them, with the stored catalogue as context. */
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
  if (positionals.length !== 1 || (format !== "json" && format !== "table")) {
    process.stderr.write(USAGE);
    return 2;
  }
  const file = positionals[0] ?? "-";
  let text: string;
  try {
    text = file === "-" ? await readStdin() : readFileSync(file, "utf8");
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  let values_: unknown[];
  try {
    values_ = recordsFrom(text);
  } catch {
    process.stderr.write(`${file}: not JSON or JSON lines\n`);
    return 1;
  }
  const dbPath = values.db ?? defaultDbPath();
  // Never create a database just to read a catalogue from it.
  let catalog: (roleArn: string) => RoleCatalogEntry | undefined = () => undefined;
  if (existsSync(dbPath)) {
    const db = openDb({ path: dbPath, readonly: true });
    catalog = catalogLookup(db);
    db.$client.close();
  }
  const out: Explanation[] = [];
  const items = values_.map((value, i) => ({ position: `record ${i}`, value }));
  for (const given of explainGivenRecords(items, catalog)) {
    if ("rejection" in given) {
      const { reason, detail } = given.rejection;
      process.stderr.write(`${given.position}: skipped, ${reason}: ${detail}\n`);
    } else if (given.explanation) {
      out.push(given.explanation);
    } else {
      const r = given.record;
      process.stderr.write(
        `${given.position} (${r.eventID}): skipped, not an access denial (errorCode ${r.errorCode ?? "none"})\n`,
      );
    }
  }
  if (format === "json") for (const e of out) process.stdout.write(`${JSON.stringify(e)}\n`);
  else process.stdout.write(formatTable(out, true));
  return out.length > 0 ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: "string" }, format: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
