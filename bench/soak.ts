/**
 * `npm run soak`: a bounded soak test, not part of npm test. For SOAK_SECONDS (default 300) it drives one server
 * process on loopback with mixed pushes and reads (denial list and detail, incidents, the report) while a
 * `deniedby ingest` child writes files into the same database, one run after another. It prints the server's RSS
 * at start and end, p99 latency and errors per route, the ingest runs, and the database's integrity check; it exits
 * 1 on any error or a failed check.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { generateRecords, makeRecord, uuidFor } from "../test/support/records.js";

const root = resolve(import.meta.dirname, "..");
const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const readers = Number(process.env.SOAK_READERS ?? 3);
const run = promisify(execFile);

interface RouteStats {
  durations: number[];
  errors: number;
  statuses: Record<string, number>;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/index.ts"], {
    cwd: root,
    // Info: the start-up banner (a log line) carries the URL; request logs after it are drained unread.
    env: { ...process.env, PORT: "0", DENIEDBY_DB: db, DENIEDBY_EXAMPLES: "on", DENIEDBY_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    let out = "";
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /deniedby is serving (http:\/\/[^\s;"]+)/.exec(out);
      if (!m?.[1]) return;
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      ok({ child, url: m[1] });
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => fail(new Error(`server exited with ${code}`)));
  });
}

/** One timed request; a non-2xx status or a network error counts as an error of its route. */
async function timed(stats: Map<string, RouteStats>, route: string, url: string, init?: RequestInit) {
  const s = stats.get(route) ?? { durations: [], errors: 0, statuses: {} };
  stats.set(route, s);
  const started = performance.now();
  try {
    const res = await fetch(url, init);
    const body = await res.text();
    s.durations.push(performance.now() - started);
    s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
    if (!res.ok) s.errors++;
    return res.ok ? body : null;
  } catch {
    s.errors++;
    s.statuses.network = (s.statuses.network ?? 0) + 1;
    return null;
  }
}

const denialMessage =
  "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action";

/** Pushes bodies of 20 records (a quarter denials), with fresh event ids, until the deadline. */
async function pusher(url: string, stats: Map<string, RouteStats>, until: number) {
  for (let n = 0; Date.now() < until; n++) {
    const time = new Date().toISOString();
    const records = Array.from({ length: 20 }, (_, i) =>
      makeRecord({
        eventId: uuidFor(n * 20 + i, 91),
        eventTime: time,
        ...(i % 4 === 0 ? { errorCode: "AccessDeniedException", errorMessage: denialMessage } : {}),
      }),
    );
    await timed(stats, "POST /v1/events", `${url}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Records: records }),
    });
  }
}

/** Reads in a loop: a page of denials, one denial's detail, incidents, and now and then the report. */
async function reader(url: string, stats: Map<string, RouteStats>, until: number) {
  for (let n = 0; Date.now() < until; n++) {
    const list = await timed(stats, "GET /v1/denials", `${url}/v1/denials?limit=50`);
    const ids = list
      ? (JSON.parse(list) as { denials: { eventId: string }[] }).denials.map((d) => d.eventId)
      : [];
    const id = ids[n % Math.max(1, ids.length)];
    if (id) await timed(stats, "GET /v1/denials/{id}", `${url}/v1/denials/${encodeURIComponent(id)}`);
    await timed(stats, "GET /v1/incidents", `${url}/v1/incidents?limit=50`);
    if (n % 10 === 0)
      await timed(stats, "GET /v1/reports/least-privilege", `${url}/v1/reports/least-privilege`);
  }
}

/** Writes a batch of .json.gz files (5 × 5,000 records) for one ingest run. */
function writeFiles(dir: string, run: number): string {
  const day = join(dir, `run-${run}`);
  mkdirSync(day, { recursive: true });
  const records = [...generateRecords(25_000, { seed: 1000 + run, prefix: 100 + run })];
  for (let f = 0; f < 5; f++) {
    const body = JSON.stringify({ Records: records.slice(f * 5000, (f + 1) * 5000) });
    writeFileSync(join(day, `111122223333_CloudTrail_eu-west-1_soak-${run}-${f}.json.gz`), gzipSync(body));
  }
  return day;
}

/** `deniedby ingest` runs, one after another, each on new files, until the deadline. */
async function ingester(db: string, dir: string, until: number) {
  const runs: { seconds: number; events: number; code: number }[] = [];
  for (let n = 0; Date.now() < until; n++) {
    const files = writeFiles(dir, n);
    const started = Date.now();
    try {
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "src/cli.ts", "ingest", "--db", db, "--format", "json", files],
        { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      );
      runs.push({ seconds: (Date.now() - started) / 1000, events: JSON.parse(stdout).events, code: 0 });
    } catch (error) {
      runs.push({
        seconds: (Date.now() - started) / 1000,
        events: 0,
        code: (error as { code?: number }).code ?? -1,
      });
    }
  }
  return runs;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-soak-"));
  const db = join(dir, "soak.db");
  const { child, url } = await startServer(db);
  const pid = child.pid ?? 0;
  const rssStart = rssMb(pid);
  const stats = new Map<string, RouteStats>();
  const until = Date.now() + seconds * 1000;
  console.log(`soak: ${seconds} s against ${url}, database ${db}; server RSS at start ${rssStart} MB`);
  const [runs] = await Promise.all([
    ingester(db, dir, until),
    pusher(url, stats, until),
    ...Array.from({ length: readers }, () => reader(url, stats, until)),
  ]);
  const rssEnd = rssMb(pid);
  child.kill("SIGTERM");
  await new Promise((ok) => child.once("exit", ok));
  const check = new Database(db, { readonly: true });
  const integrity = check.pragma("integrity_check", { simple: true });
  const counts = check
    .prepare(
      "SELECT (SELECT count(*) FROM denials) AS denials, (SELECT count(*) FROM ingested_events) AS events",
    )
    .get();
  check.close();
  const routes = [...stats].map(([route, s]) => ({
    route,
    requests: s.durations.length + (s.statuses.network ?? 0),
    p99ms: Math.round(p99(s.durations)),
    errors: s.errors,
    statuses: s.statuses,
  }));
  const errors = routes.reduce((n, r) => n + r.errors, 0) + runs.filter((r) => r.code !== 0).length;
  console.log(
    JSON.stringify(
      {
        seconds,
        rssStartMb: rssStart,
        rssEndMb: rssEnd,
        routes,
        ingestRuns: runs,
        errors,
        integrity,
        stored: counts,
      },
      null,
      2,
    ),
  );
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = errors === 0 && integrity === "ok" ? 0 : 1;
}

await main();
