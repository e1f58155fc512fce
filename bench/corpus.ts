import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generateRecords } from "../test/support/records.js";

export interface Corpus {
  dir: string;
  files: number;
  events: number;
  denials: number;
  jsonBytes: number;
  gzipBytes: number;
}

/**
 * A realistic corpus outside the repository: `events` records in CloudTrail-named `.json.gz` files of 5,000
 * records (the S3 delivery format), ~4% denials. Built once and reused while its manifest matches.
 */
export function ensureCorpus(events: number, perFile = 5_000, denialRate = 0.04): Corpus {
  const dir = join(tmpdir(), `deniedby-bench-${events}-${denialRate}`);
  const manifest = join(dir, "manifest.json");
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")) as Corpus;
  const day = join(dir, "AWSLogs", "111122223333", "CloudTrail", "eu-west-1", "2026", "11", "16");
  mkdirSync(day, { recursive: true });
  const corpus: Corpus = { dir, files: 0, events: 0, denials: 0, jsonBytes: 0, gzipBytes: 0 };
  let batch: unknown[] = [];
  const flush = () => {
    const json = JSON.stringify({ Records: batch });
    const gz = gzipSync(json, { level: 6 });
    const name = `111122223333_CloudTrail_eu-west-1_20261116T${String(corpus.files).padStart(4, "0")}Z_bench.json.gz`;
    writeFileSync(join(day, name), gz);
    corpus.files++;
    corpus.jsonBytes += Buffer.byteLength(json);
    corpus.gzipBytes += gz.length;
    batch = [];
  };
  for (const record of generateRecords(events, { seed: 42, denialRate })) {
    if ((record as { errorCode?: string }).errorCode) corpus.denials++;
    corpus.events++;
    batch.push(record);
    if (batch.length === perFile) flush();
  }
  if (batch.length > 0) flush();
  writeFileSync(manifest, JSON.stringify(corpus));
  return corpus;
}
