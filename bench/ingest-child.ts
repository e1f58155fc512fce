/** Runs one ingest in its own process so that its peak RSS is its own. Prints a JSON line. */
import { openDb } from "../src/db/client.js";
import { createIngestWriter } from "../src/db/ingest.repository.js";
import { IngestSession } from "../src/ingest/ingest-session.js";
import { ingestFiles } from "../src/sources/files/ingest-files.js";

const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) throw new Error("usage: ingest-child DIR DB");
const db = openDb({ path: dbPath });
const writer = createIngestWriter(db);
const batchSize = Number(process.env.BATCH ?? 10_000);
const session = new IngestSession({ source: "file", writer, batchSize });
const started = process.hrtime.bigint();
await ingestFiles([dir], { session, writer });
const summary = session.finish();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
db.$client.close();
process.stdout.write(
  `${JSON.stringify({ seconds, events: summary.events, denials: summary.stored.denials, chars: summary.chars, maxRssKb: process.resourceUsage().maxRSS, cpuSeconds: process.cpuUsage().user / 1e6 })}\n`,
);
