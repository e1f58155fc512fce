// One ingest in its own process, run by plain node on the compiled code (npm run bench builds first), so that its
// peak RSS is the ingest's own: loading tsx alone added ~60 MB. Prints one JSON line.
const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) throw new Error("usage: ingest-child.mjs DIR DB");
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const { openDb, tuneForBulkIngest } = await import(dist("db/client.js"));
const { createIngestWriter } = await import(dist("db/ingest.repository.js"));
const { IngestSession } = await import(dist("ingest/ingest-session.js"));
const { ingestFiles } = await import(dist("sources/files/ingest-files.js"));

const db = openDb({ path: dbPath });
// As `deniedby ingest` does.
tuneForBulkIngest(db);
const writer = createIngestWriter(db);
const session = new IngestSession({ source: "file", writer });
const started = process.hrtime.bigint();
await ingestFiles([dir], { session, writer });
const summary = session.finish();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
db.$client.close();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    events: summary.events,
    denials: summary.stored.denials,
    chars: summary.chars,
    maxRssKb: process.resourceUsage().maxRSS,
    cpuSeconds: process.cpuUsage().user / 1e6,
  })}\n`,
);
