import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Db, openDb } from "../../src/db/client.js";
import { tempDir } from "../support/db.js";
import { ingestPaths, runStages } from "../support/ingest.js";
import { runCliProcess, startServerProcess, writeCorpus } from "../support/processes.js";
import { makeRecord, uuidFor } from "../support/records.js";

/*
 * Two writers on one SQLite file, as real processes: a server taking pushes while `deniedby ingest` writes, and two
 * ingests at once. Before writers took the lock up front, pushes answered 500 for events they had stored and one of
 * two ingests crashed with SQLITE_BUSY(_SNAPSHOT) in the analysis after storing. Repeated, since it was a race.
 */

const REPEAT = Number(process.env.DENIEDBY_TEST_REPEAT ?? 2);
const EVENTS = 30_000;

const count = (db: Db, sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
const rows = (db: Db, sql: string) => db.$client.prepare(sql).all();

/** What every database must satisfy after concurrent writers, whatever their interleaving. */
function expectConsistent(db: Db): void {
  expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
  expect(count(db, "SELECT count(*) AS n FROM denials WHERE action IS NULL")).toBe(0);
  // Every analysed denial is counted in exactly one incident.
  expect(count(db, "SELECT coalesce(sum(count), 0) AS n FROM incidents")).toBe(
    count(db, "SELECT count(*) AS n FROM denials WHERE incident_id IS NOT NULL"),
  );
}

/** The stored input (not what the stages derived), for comparing with one writer's result. */
const STORED = {
  ledger: "SELECT hex(event_key) AS k FROM ingested_events ORDER BY event_key",
  denials: "SELECT event_id, event_time, principal_arn, error_message FROM denials ORDER BY event_id",
  usage: "SELECT * FROM usage_daily ORDER BY day, principal_arn, event_source, event_name, resource",
  sessions: "SELECT * FROM role_sessions ORDER BY role_arn, session_shape",
  catalog: "SELECT role_arn, kind, kinds FROM role_catalog ORDER BY role_arn",
};
const stored = (db: Db) => Object.fromEntries(Object.entries(STORED).map(([k, sql]) => [k, rows(db, sql)]));

/** Corpus A, and B: A's second half plus as many events of its own (each event twice across the two). */
async function corpora(dir: string): Promise<{ a: string; b: string }> {
  const a = join(dir, "a.jsonl");
  const fresh = join(dir, "fresh.jsonl");
  await writeCorpus(a, EVENTS, { seed: 11, prefix: 1, denialRate: 0.05 });
  await writeCorpus(fresh, EVENTS / 2, { seed: 12, prefix: 2, denialRate: 0.05 });
  const lines = readFileSync(a, "utf8").trimEnd().split("\n");
  const b = join(dir, "b.jsonl");
  writeFileSync(b, `${lines.slice(EVENTS / 2).join("\n")}\n${readFileSync(fresh, "utf8")}`);
  return { a, b };
}

describe("two writers on one database file", () => {
  it(`two concurrent ingests: neither crashes, every event is stored once (${REPEAT} runs)`, async () => {
    const dir = tempDir();
    const { a, b } = await corpora(dir);
    const reference = openDb({ path: join(dir, "reference.db") });
    await ingestPaths(reference, [a, b]);
    await runStages(reference);
    const expected = stored(reference);
    reference.$client.close();

    for (let run = 0; run < REPEAT; run++) {
      const path = join(dir, `run-${run}.db`);
      const [first, second] = await Promise.all([
        runCliProcess(["ingest", "--db", path, a]).exited,
        runCliProcess(["ingest", "--db", path, b]).exited,
      ]);
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
      expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: "" });
      const db = openDb({ path });
      expectConsistent(db);
      expect(stored(db)).toEqual(expected);
      db.$client.close();
    }
  }, 600_000);

  it(`a server taking pushes and reads while an ingest writes: no error, every event stored once (${REPEAT} runs)`, async () => {
    const dir = tempDir();
    const corpus = join(dir, "corpus.jsonl");
    await writeCorpus(corpus, EVENTS, { seed: 13, prefix: 3, denialRate: 0.05 });
    for (let run = 0; run < REPEAT; run++) {
      const path = join(dir, `server-${run}.db`);
      const server = await startServerProcess(path);
      const ingest = runCliProcess(["ingest", "--db", path, corpus]);
      let ingesting = true;
      void ingest.exited.then(() => {
        ingesting = false;
      });
      const statuses: number[] = [];
      let pushed = 0;
      const pusher = async (lane: number) => {
        for (let i = 0; ingesting || i < 2; i++) {
          const records = Array.from({ length: 20 }, (_, k) =>
            makeRecord({
              eventId: uuidFor(run * 1_000_000 + lane * 100_000 + i * 20 + k, 70),
              eventTime: "2026-11-17T10:00:00Z",
              roleName: `pushed-${lane}`,
              errorCode: "AccessDenied",
            }),
          );
          const res = await fetch(`${server.url}/v1/events`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(records),
          });
          statuses.push(res.status);
          if (res.ok) pushed += ((await res.json()) as { denials: number }).denials;
          else await res.text();
        }
      };
      const reader = async () => {
        while (ingesting) {
          const res = await fetch(`${server.url}/v1/denials?limit=20`);
          statuses.push(res.status);
          await res.text();
        }
      };
      await Promise.all([pusher(1), pusher(2), reader()]);
      const done = await ingest.exited;
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: "" });
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(server.stderr()).not.toMatch(/SQLITE_BUSY|unhandled/);

      const db = openDb({ path });
      expectConsistent(db);
      const corpusDenials = readFileSync(corpus, "utf8").split('"errorCode"').length - 1;
      expect(count(db, "SELECT count(*) AS n FROM denials WHERE source = 'push'")).toBe(pushed);
      expect(count(db, "SELECT count(*) AS n FROM denials")).toBe(corpusDenials + pushed);
      expect(count(db, "SELECT count(*) AS n FROM ingested_events")).toBe(EVENTS + pushed);
      db.$client.close();
    }
  }, 600_000);
});
