import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { dumpData, memoryDb, tempDir } from "../../test/support/db.js";
import { ingestPaths, runStages } from "../../test/support/ingest.js";
import { generateRecords, makeRecord, uuidFor } from "../../test/support/records.js";
import { createStore } from "../db/store.js";
import type { Source } from "../sources/source.js";
import { decodePool } from "./decode-pool.js";
import { ingestSource } from "./ingest-session.js";

/**
 * Files of every shape the file source reads, with what makes decoding ahead hard: a file larger than one part,
 * events repeated across files (the ledger must count them once whichever file comes first), bad records among
 * good ones, a truncated gzip file, an EventBridge event, and usage whose rows span files.
 */
function writeCorpus(dir: string): string[] {
  const records = [...generateRecords(14_000, { seed: 11, denialRate: 0.05 })] as Record<string, unknown>[];
  const write = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const records1 = records.slice(0, 6_500);
  const lines = records.slice(6_500, 9_000).map((r) => JSON.stringify(r));
  lines.splice(700, 0, '{"eventID": "cut-off", "eventTime": ', '{"eventTime": "2026-11-16T00:00:00Z"}');
  const truncated = gzipSync(JSON.stringify({ Records: records.slice(9_000, 10_000) }));
  const bridge = {
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.s3",
    detail: makeRecord({
      eventId: uuidFor(1, 0x77),
      eventTime: "2026-11-16T08:00:00Z",
      errorCode: "AccessDenied",
    }),
  };
  return [
    // Larger than one part (5,000 records), gzipped.
    write("a-big.json.gz", gzipSync(JSON.stringify({ Records: records1 }))),
    write("b-lines.jsonl", `${lines.join("\n")}\n`),
    write("c-cut.json.gz", truncated.subarray(0, Math.floor(truncated.length * 0.6))),
    // Half of it repeats the first file.
    write(
      "d-overlap.json",
      JSON.stringify({ Records: [...records.slice(6_000, 6_500), ...records.slice(10_000, 12_000)] }),
    ),
    write("e-bridge.json", JSON.stringify(bridge)),
    write("f-array.json", JSON.stringify(records.slice(12_000))),
  ];
}

async function ingestWith(paths: string[], decodeWorkers: number) {
  const db = memoryDb();
  const { summary } = await ingestPaths(db, paths, { batchSize: 3_000, decodeWorkers });
  await runStages(db);
  const data = dumpData(db);
  db.$client.close();
  return { summary, data };
}

describe("decoding files on worker threads", () => {
  it("stores the same database with 0, 1 and 2 decode workers and with the files in any order", async () => {
    const paths = writeCorpus(tempDir());
    const reference = await ingestWith(paths, 0);
    // The corpus exercises what it should: duplicates, rejects, a damaged file, every class of event.
    expect(reference.summary.duplicates).toBe(500);
    expect(reference.summary.rejected.byReason["json.invalid"]).toBe(1);
    expect(reference.summary.rejected.byReason["record.missing_event_id"]).toBe(1);
    expect(reference.summary.rejected.byReason["gzip.corrupt"]).toBe(1);
    expect(reference.data.denials?.length).toBeGreaterThan(500);
    expect(reference.data.usage_daily?.length).toBeGreaterThan(100);
    expect(reference.data.incidents?.length).toBeGreaterThan(0);
    for (const workers of [1, 2]) {
      const run = await ingestWith(paths, workers);
      expect(run.data).toEqual(reference.data);
      expect(run.summary.events).toBe(reference.summary.events);
      expect(run.summary.duplicates).toBe(reference.summary.duplicates);
      expect(run.summary.stored).toEqual(reference.summary.stored);
    }
    const shuffled = [paths[3], paths[5], paths[0], paths[4], paths[2], paths[1]] as string[];
    expect((await ingestWith(shuffled, 2)).data).toEqual(reference.data);
    expect((await ingestWith([...paths].reverse(), 0)).data).toEqual(reference.data);
  }, 120_000);

  it("stores everything before a commit the source yields before resuming it, files decoding ahead included", async () => {
    const paths = writeCorpus(tempDir());
    const db = memoryDb();
    const store = createStore(db);
    const storedEvents = () => db.$client.prepare("SELECT count(*) FROM ingested_events").pluck().get();
    const seen: unknown[] = [];
    const source: Source = {
      name: "file",
      async *read() {
        for (const path of [paths[0], paths[5]] as string[]) {
          const info = statSync(path);
          yield [{ kind: "file", file: { path, size: info.size, mtimeMs: Math.trunc(info.mtimeMs) } }];
        }
        // As SQS does: what came before is acted on (messages deleted) as soon as the commit is passed.
        yield [{ kind: "commit" }];
        seen.push(storedEvents());
        yield [{ kind: "file", file: { path: paths[3] as string, size: 1, mtimeMs: 1 } }];
        yield [{ kind: "commit" }];
        seen.push(storedEvents());
      },
    };
    const { summary } = await ingestSource(store, source, { decodeWorkers: 2 });
    expect(summary.events).toBe(6_500 + 2_000 + 2_500);
    expect(seen).toEqual([6_500 + 2_000, 6_500 + 2_000 + 2_000]);
    db.$client.close();
  }, 120_000);

  it("counts only the new events of a file read again after part of it was stored", async () => {
    const dir = tempDir();
    const paths = writeCorpus(dir);
    const once = await ingestWith(paths, 0);
    const db = memoryDb();
    // The overlap file alone first (then skipped as done), then everything: the first file's 500 events that the
    // overlap file already stored must not count twice in usage or sessions.
    await ingestPaths(db, [paths[3] as string], { decodeWorkers: 2 });
    const { summary } = await ingestPaths(db, paths, { batchSize: 3_000, decodeWorkers: 2 });
    await runStages(db);
    expect(summary.files.skipped).toBe(1);
    expect(summary.duplicates).toBe(500);
    expect(dumpData(db)).toEqual(once.data);
    db.$client.close();
  }, 120_000);

  it("decodes the files queued on a worker ahead of the writer, and stops once 10,000 records wait untaken", async () => {
    const dir = tempDir();
    const records = [...generateRecords(17_000, { seed: 5 })];
    // Two small files, then three of a whole part (5,000 records) each.
    const sizes = [1_000, 1_000, 5_000, 5_000, 5_000];
    const files = sizes.map((size, i) => {
      const path = join(dir, `f${i}.json.gz`);
      const start = sizes.slice(0, i).reduce((a, b) => a + b, 0);
      writeFileSync(path, gzipSync(JSON.stringify({ Records: records.slice(start, start + size) })));
      const info = statSync(path);
      return { path, size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
    });
    const pool = decodePool(1);
    try {
      const tasks = files.map((file) => pool.decode(file));
      // Nothing is taken: the worker went on from file to file on its own until 12,000 records waited (a part of
      // each of the first four files; it decodes them in order).
      const four = { parts: 4, records: 1_000 + 1_000 + 5_000 + 5_000 };
      await vi.waitFor(() => expect(pool.untaken()).toEqual(four), { timeout: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pool.untaken()).toEqual(four);
      const taken: number[] = [];
      for (const task of tasks) for await (const part of task) taken.push(part.records);
      expect(taken).toEqual(sizes);
      expect(pool.untaken()).toEqual({ parts: 0, records: 0 });
    } finally {
      await pool.close();
    }
  }, 60_000);
});
