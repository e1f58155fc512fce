import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { type NormalisedEvent, normaliseRecord, validateRecord } from "../src/cloudtrail/normalise.js";
import { openDb } from "../src/db/client.js";
import { UsageFolder } from "../src/db/usage-fold.js";
import { PART_RECORDS } from "../src/pipeline/file-decode.js";
import { cutRecordsArray } from "../src/sources/files/records-array.js";
import { type Corpus, ensureCorpus } from "./corpus.js";
import { line } from "./report.js";
import { ensureSparseCorpus } from "./sparse-corpus.js";

const root = resolve(import.meta.dirname, "..");

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json.gz"))
    .sort()
    .map((f) => join(dir, f));
}

/** Single-thread raw decode: gunzip and one JSON.parse per file, nothing kept. Wall and CPU seconds. */
function rawDecode(files: string[]): { seconds: number; cpuSeconds: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let records = 0;
  for (const file of files) {
    const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { Records: unknown[] };
    records += parsed.Records.length;
  }
  if (records === 0) throw new Error("raw decode found no records");
  const used = process.cpuUsage(cpu);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  /** The main thread's share of cpuSeconds (null off Linux). */
  mainCpuSeconds: number | null;
  maxRssKb: number;
  events: number;
  usageRows: number;
  rows: number;
  dbBytes: number;
}

const COUNTED = [
  "ingested_events",
  "denials",
  "denial_raw",
  "evidence_events",
  "usage_daily",
  "role_sessions",
  "quarantine",
  "source_files",
  "role_catalog",
  "incidents",
];

/** `deniedby ingest DIR` as users run it (post-ingest stages included), in its own process. */
function ingestOnce(corpus: Corpus, workers: number): Run {
  const dbPath = join(corpus.dir, "..", `deniedby-bench-${process.pid}-${workers}.db`);
  try {
    const output = execFileSync(
      process.execPath,
      ["bench/ingest-child.mjs", join(corpus.dir, "AWSLogs"), dbPath],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, DENIEDBY_INGEST_WORKERS: String(workers) },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).trim();
    const lines = output.split("\n");
    const summary = JSON.parse(lines[0] ?? "{}") as { events: number };
    const measures = JSON.parse(lines.at(-1) ?? "{}") as Omit<
      Run,
      "events" | "usageRows" | "rows" | "dbBytes"
    >;
    const db = openDb({ path: dbPath, readonly: true });
    const count = (table: string) =>
      (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const usageRows = count("usage_daily");
    const rows = COUNTED.reduce((n, table) => n + count(table), 0);
    db.$client.close();
    return { ...measures, events: summary.events, usageRows, rows, dbBytes: statSync(dbPath).size };
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
  }
}

function perMillion(n: number, events: number): string {
  return Math.round((n / events) * 1e6).toLocaleString();
}

/**
 * One corpus: the ingest with no decode workers and with two, each next to a raw decode of the same files run just
 * before it (the machine is shared: a ratio of neighbouring runs is steadier than either rate).
 */
function benchCorpus(name: string, corpus: Corpus): void {
  line(
    `${name}: ${corpus.events.toLocaleString()} events, ${corpus.files} files, ${(corpus.jsonBytes / 1e6).toFixed(0)} MB JSON ` +
      `(${(corpus.gzipBytes / 1e6).toFixed(0)} MB gzip), ${corpus.denials.toLocaleString()} denials, in ${corpus.dir}`,
  );
  const files = filesOf(corpus.dir);
  rawDecode(files.slice(0, 10)); // warm-up
  for (const workers of [0, 2]) {
    const raw = rawDecode(files);
    const rawRate = corpus.events / raw.seconds;
    const r = ingestOnce(corpus, workers);
    const rate = r.events / r.seconds;
    line(
      `  ${workers} decode workers: deniedby ingest ${Math.round(rate).toLocaleString()} events/s, raw decode ` +
        `${Math.round(rawRate).toLocaleString()} events/s just before: ratio ${(rate / rawRate).toFixed(2)}; ` +
        `${r.seconds.toFixed(1)} s, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB, ` +
        `usage rows ${perMillion(r.usageRows, r.events)}/M events, all rows ${perMillion(r.rows, r.events)}/M, ` +
        `database ${(((r.dbBytes / r.events) * 1e6) / 1e6).toFixed(0)} MB/M events`,
    );
    line(`    CPU: ${cpuLine(r, raw.cpuSeconds, workers)}`);
  }
}

/**
 * The same run in CPU seconds, which a loaded machine disturbs less than wall time: the ingest's process and main
 * thread, raw decode's, and what two idle cores would give: the main thread's own time, or half of all, whichever
 * is longer.
 */
function cpuLine(r: Run, rawCpu: number, workers: number): string {
  const main = r.mainCpuSeconds;
  const parts = [
    `ingest ${r.cpuSeconds.toFixed(1)} s (main thread ${main === null ? "?" : main.toFixed(1)} s)`,
    `raw decode ${rawCpu.toFixed(1)} s`,
  ];
  if (main !== null) {
    const twoCores = workers > 0 ? Math.max(main, r.cpuSeconds / 2) : r.cpuSeconds;
    parts.push(`on two idle cores ≈ ${twoCores.toFixed(1)} s, ratio ≈ ${(rawCpu / twoCores).toFixed(2)}`);
  }
  return parts.join(", ");
}

/** Where decode time goes on one thread: each step alone, over a sample of files held in memory. */
function decodeSteps(corpus: Corpus): void {
  const sample = filesOf(corpus.dir).slice(0, 20);
  const buffers = sample.map((f) => readFileSync(f));
  const inflated = buffers.map((b) => gunzipSync(b));
  const units: string[] = [];
  // As ingest does with CloudTrail's own layout (file-decode.ts): cut at the records' starts, a string each. Timed
  // without keeping the strings, as ingest parses each at once: keeping 100,000 of them costs GC that ingest does not.
  const cut = (keep: boolean) => {
    for (const bytes of inflated) {
      const cuts = cutRecordsArray(bytes);
      if (cuts === null) throw new Error("a bench file is not in CloudTrail's layout");
      for (let i = 0; i < cuts.length; i += 2) {
        const text = bytes.toString("latin1", cuts[i], cuts[i + 1]);
        if (keep) units.push(text);
      }
    }
  };
  cut(true);
  const events = units.length;
  const time = (label: string, fn: () => void) => {
    const t = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    line(
      `  ${label.padEnd(34)} ${((s * 1e6) / events).toFixed(2)} µs/event  (${Math.round(events / s).toLocaleString()} events/s)`,
    );
  };
  time("gunzip", () => {
    for (const b of buffers) gunzipSync(b);
  });
  time("cut into record texts", () => cut(false));
  const parsed: unknown[] = [];
  time("JSON.parse per record", () => {
    for (const u of units) parsed.push(JSON.parse(u));
  });
  const normalised: NormalisedEvent[] = [];
  time("validate and normalise", () => {
    for (const p of parsed) {
      const v = validateRecord(p);
      if ("record" in v) normalised.push(normaliseRecord(v.record));
    }
  });
  time("fold usage events into rows", () => {
    let folder = new UsageFolder();
    for (const e of normalised) {
      if (e.class !== "usage") continue;
      folder.add(e);
      if (folder.count === PART_RECORDS) {
        folder.take();
        folder = new UsageFolder();
      }
    }
    folder.take();
  });
}

/**
 * `deniedby ingest DIR` end to end against single-thread raw decode of the same files, on the dense corpus
 * (1,000,000 events, 200 files) and a sparse one (7 days, 5 accounts, 150 roles, thousands of resources per role).
 */
export async function benchIngest(): Promise<void> {
  const dense = ensureCorpus(1_000_000);
  const sparse = ensureSparseCorpus();
  benchCorpus("dense corpus", dense);
  benchCorpus("sparse corpus", sparse);
  line("where one thread's decode time goes (dense corpus, 20 files):");
  decodeSteps(dense);
}
