import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { normaliseRecord, validateRecord } from "../src/cloudtrail/normalise.js";
import { RecordSplitter } from "../src/sources/files/split-records.js";
import { ensureCorpus } from "./corpus.js";
import { line } from "./report.js";

const root = resolve(import.meta.dirname, "..");

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json.gz"))
    .sort()
    .map((f) => join(dir, f));
}

/** End-to-end ingest of 1,000,000 events in its own process (one core), then where the time goes, stage by stage. */
export async function benchIngest(): Promise<void> {
  const corpus = ensureCorpus(1_000_000);
  line(
    `corpus: ${corpus.events.toLocaleString()} events, ${corpus.files} files, ${(corpus.jsonBytes / 1e6).toFixed(0)} MB JSON ` +
      `(${(corpus.gzipBytes / 1e6).toFixed(0)} MB gzip), ${corpus.denials.toLocaleString()} denials, in ${corpus.dir}`,
  );
  const dbPath = join(corpus.dir, "..", `deniedby-bench-${process.pid}.db`);
  try {
    const output = execFileSync(
      process.execPath,
      ["bench/ingest-child.mjs", join(corpus.dir, "AWSLogs"), dbPath],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    const r = JSON.parse(output) as {
      seconds: number;
      events: number;
      denials: number;
      chars: number;
      maxRssKb: number;
    };
    line(
      `ingest end to end: ${Math.round(r.events / r.seconds).toLocaleString()} events/s, ` +
        `${(r.chars / 1e6 / r.seconds).toFixed(0)} MB/s of JSON, ${r.seconds.toFixed(1)} s, ` +
        `peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB, ${r.denials.toLocaleString()} denials stored`,
    );
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
  }

  // Where the time goes: each stage alone, over a sample of files held in memory.
  const sample = filesOf(corpus.dir).slice(0, 20);
  const buffers = sample.map((f) => readFileSync(f));
  let events = 0;
  const time = (label: string, fn: () => void) => {
    const t = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    line(
      `  ${label.padEnd(34)} ${((s * 1e6) / Math.max(events, 1)).toFixed(2)} µs/event  (${Math.round(events / s).toLocaleString()} events/s)`,
    );
  };
  const texts: string[] = [];
  events = sample.length * 5_000;
  time("gunzip + utf-8 decode", () => {
    for (const b of buffers) texts.push(gunzipSync(b).toString("utf8"));
  });
  const units: string[] = [];
  time("split into record texts", () => {
    for (const t of texts) {
      const s = new RecordSplitter();
      for (const u of [...s.push(t), ...s.end()]) if (u.kind === "unit") units.push(u.text);
    }
  });
  const parsed: unknown[] = [];
  time("JSON.parse per record", () => {
    for (const u of units) parsed.push(JSON.parse(u));
  });
  time("validate and normalise", () => {
    for (const p of parsed) {
      const v = validateRecord(p);
      if ("record" in v) normaliseRecord(v.record);
    }
  });
}
