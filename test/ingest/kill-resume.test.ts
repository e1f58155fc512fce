import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { dumpData, tempDir } from "../support/db.js";
import { ingestPaths, runStages } from "../support/ingest.js";
import { runCliProcess, writeCorpus } from "../support/processes.js";
import { generateRecords } from "../support/records.js";

const TOTAL = 60_000;

/** JSON lines with a few bad lines among the good ones, so quarantine takes part in the resume too. */
function writeLinesCorpus(path: string): Promise<void> {
  return writeCorpus(path, TOTAL, { seed: 7, denialRate: 0.05 }, (i) =>
    i % 9_999 === 5_000 ? '{"eventID": "cut-off", "eventTime": ' : undefined,
  );
}

/** The same records as CloudTrail delivers them: `.json.gz` files of 5,000 records each. */
function writeGzipCorpus(dir: string): void {
  mkdirSync(dir);
  const records = [...generateRecords(TOTAL, { seed: 7, denialRate: 0.05 })];
  for (let i = 0; i * 5_000 < TOTAL; i++) {
    const name = `111122223333_CloudTrail_eu-west-1_20261116T${String(i).padStart(4, "0")}Z_x.json.gz`;
    writeFileSync(
      join(dir, name),
      gzipSync(JSON.stringify({ Records: records.slice(i * 5_000, (i + 1) * 5_000) })),
    );
  }
}

function runIngest(db: string, input: string, workers: number) {
  return runCliProcess(["ingest", "--db", db, input], { DENIEDBY_INGEST_WORKERS: String(workers) });
}

function committedEvents(db: string): number {
  try {
    const conn = openDb({ path: db, readonly: true });
    try {
      return (conn.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }).n;
    } finally {
      conn.$client.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

/** Ingests `input` in a child, kills it with SIGKILL once some batches are committed, and runs it again. */
async function killAndResume(dir: string, input: string, workers: number) {
  const reference = openDb({ path: join(dir, "reference.db") });
  await ingestPaths(reference, [input]);
  await runStages(reference); // what the command runs after storing
  const expected = dumpData(reference);
  reference.$client.close();
  expect(expected.ingested_events).toHaveLength(TOTAL);

  const db = join(dir, "killed.db");
  const first = runIngest(db, input, workers);
  let atKill = 0;
  for (let waited = 0; waited < 60_000; waited += 10) {
    atKill = committedEvents(db);
    if (atKill > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  first.child.kill("SIGKILL");
  const killed = await first.exited;
  expect(killed.signal).toBe("SIGKILL");
  // Really mid-way: some batches committed, not all.
  const committed = committedEvents(db);
  expect(committed).toBeGreaterThan(0);
  expect(committed).toBeLessThan(TOTAL);

  const second = runIngest(db, input, workers);
  const resumed = await second.exited;
  const after = openDb({ path: db });
  const data = dumpData(after);
  after.$client.close();
  return { expected, data, code: resumed.code };
}

describe("an ingest killed with SIGKILL and run again", () => {
  it("ends with exactly the database one uninterrupted run gives", async () => {
    const dir = tempDir();
    const file = join(dir, "corpus.jsonl");
    await writeLinesCorpus(file);
    const { expected, data, code } = await killAndResume(dir, file, 0);
    expect(code).toBe(1); // the bad lines are reported again: the file was not finished before the kill
    expect(data).toEqual(expected);
  }, 120_000);

  it("does the same with files decoded on two worker threads", async () => {
    const dir = tempDir();
    const input = join(dir, "trail");
    writeGzipCorpus(input);
    const { expected, data, code } = await killAndResume(dir, input, 2);
    expect(code).toBe(0);
    expect(data).toEqual(expected);
    // Every file ends marked done.
    expect(data.source_files).toHaveLength(TOTAL / 5_000);
  }, 120_000);
});
