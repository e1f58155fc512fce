// One ingest in its own process, run by plain node on the compiled code (npm run bench builds first), so that its
// peak RSS is the ingest's own: loading tsx alone added ~60 MB. Prints one JSON line.
const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) throw new Error("usage: ingest-child.mjs DIR DB");
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const { openDb, tuneForBulkIngest } = await import(dist("db/client.js"));
const { createStore } = await import(dist("db/store.js"));
const { ingestSource } = await import(dist("pipeline/ingest-session.js"));
const { fileSource } = await import(dist("sources/files/files.source.js"));

const db = openDb({ path: dbPath });
// As `deniedby ingest` does.
tuneForBulkIngest(db);
const started = process.hrtime.bigint();
const { summary } = await ingestSource(createStore(db), fileSource([dir]));
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
