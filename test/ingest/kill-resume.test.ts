import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { dumpData, tempDir } from "../support/db.js";
import { ingestPaths, runStages } from "../support/ingest.js";
import { generateRecords } from "../support/records.js";

const root = resolve(import.meta.dirname, "../..");
const TOTAL = 60_000;

async function writeCorpus(path: string): Promise<void> {
  const out = createWriteStream(path);
  let i = 0;
  for (const record of generateRecords(TOTAL, { seed: 7, denialRate: 0.05 })) {
    // A few bad lines among the good ones, so quarantine takes part in the resume too.
    if (i++ % 9_999 === 5_000) out.write('{"eventID": "cut-off", "eventTime": \n');
    if (!out.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}

function runIngest(db: string, file: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "ingest", "--db", db, file], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  return { child, exited };
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

describe("an ingest killed with SIGKILL and run again", () => {
  it("ends with exactly the database one uninterrupted run gives", async () => {
    const dir = tempDir();
    const file = join(dir, "corpus.jsonl");
    await writeCorpus(file);

    const reference = openDb({ path: join(dir, "reference.db") });
    await ingestPaths(reference, [file]);
    await runStages(reference); // what the command runs after storing
    const expected = dumpData(reference);
    reference.$client.close();
    expect(expected.ingested_events).toHaveLength(TOTAL);

    const db = join(dir, "killed.db");
    const first = runIngest(db, file);
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

    const second = runIngest(db, file);
    const resumed = await second.exited;
    expect(resumed.code).toBe(1); // the bad lines are reported again: the file was not finished before the kill

    const after = openDb({ path: db });
    expect(dumpData(after)).toEqual(expected);
    after.$client.close();
  }, 120_000);
});
