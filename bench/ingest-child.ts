/** Runs one ingest in its own process so that its peak RSS is its own. Prints a JSON line. */
// Runs the compiled code (npm run bench builds first), typed by the sources: tsx's transpiled output carries
// helpers that skew profiles, and production runs dist/ anyway.
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { openDb } = (await import(dist("db/client.js"))) as typeof import("../src/db/client.js");
const { createIngestWriter } = (await import(
  dist("db/ingest.repository.js")
)) as typeof import("../src/db/ingest.repository.js");
const { IngestSession } = (await import(
  dist("ingest/ingest-session.js")
)) as typeof import("../src/ingest/ingest-session.js");
const { ingestFiles } = (await import(
  dist("sources/files/ingest-files.js")
)) as typeof import("../src/sources/files/ingest-files.js");

const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) throw new Error("usage: ingest-child DIR DB");
const db = openDb({ path: dbPath });
const writer = createIngestWriter(db);
const batchSize = Number(process.env.BATCH ?? 10_000);
const session = new IngestSession({ source: "file", writer, batchSize });
const peak = { heapTotal: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
  peak.external = Math.max(peak.external, m.external);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
}, 50);
const started = process.hrtime.bigint();
await ingestFiles([dir], { session, writer });
const summary = session.finish();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(sampler);
db.$client.close();
process.stdout.write(
  `${JSON.stringify({ seconds, events: summary.events, denials: summary.stored.denials, chars: summary.chars, maxRssKb: process.resourceUsage().maxRSS, cpuSeconds: process.cpuUsage().user / 1e6, peakHeapMb: Math.round(peak.heapTotal / 1e6), peakExternalMb: Math.round(peak.external / 1e6) })}\n`,
);
