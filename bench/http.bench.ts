import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { ensureCorpus } from "./corpus.js";
import { line } from "./report.js";

const root = resolve(import.meta.dirname, "..");

/**
 * A database of ~1,000,000 usage events and ~100,000 denials, built once through the real ingest path (ingest,
 * classify, explain) and kept in the temp directory for later runs.
 */
function ensureDatabase(): string {
  const db = join(tmpdir(), "deniedby-bench-http.db");
  if (existsSync(db)) return db;
  const corpus = ensureCorpus(1_100_000, 5_000, 0.0909);
  const building = `${db}.building`;
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli.ts",
      "ingest",
      "--db",
      building,
      "--format",
      "json",
      join(corpus.dir, "AWSLogs"),
    ],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  renameSync(building, db);
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  line(
    `built ${db} from ${corpus.events.toLocaleString()} events in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return db;
}

/** A port free on loopback now: the bench picks it, so it needs no log line to learn the server's address. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? ok(address.port) : fail(new Error("no port")),
      );
    });
  });
}

async function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The compiled server, as production runs it (npm run bench builds first).
  const child = spawn(process.execPath, ["dist/index.js"], {
    cwd: root,
    // Request logs at info would measure pino writing to a pipe; the bench runs with warnings only, so the start-up
    // line (info) is not printed: the bench waits for /healthz instead.
    env: {
      ...process.env,
      PORT: String(port),
      DENIEDBY_DB: db,
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  for (let attempt = 0; attempt < 600; attempt++) {
    if (exited !== undefined) throw new Error(`server exited (${exited})`);
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("server did not answer /healthz within 60 s");
}

/** GET /v1/denials with filters under load on loopback, 10 s, bounded connections; prints requests/s and p99. */
export async function benchHttp(): Promise<void> {
  const db = ensureDatabase();
  const { child, url } = await startServer(db);
  try {
    const paths = [
      "/v1/denials?limit=20",
      "/v1/denials?limit=20&kind=ecs-task",
      "/v1/denials?limit=20&action=s3:GetObject",
      `/v1/denials?limit=20&roleArn=${encodeURIComponent("arn:aws:iam::111122223333:role/service-7-task")}`,
      "/v1/denials?limit=20&since=2026-11-16T12:00:00Z&until=2026-11-16T13:00:00Z",
      "/v1/denials?limit=20&account=111122223333&includeNoise=true",
    ];
    // Warm the explanation cache and the page cache as a running server would be.
    for (const p of paths) await fetch(url + p);
    const result = await autocannon({
      url,
      connections: 16,
      duration: 10,
      requests: paths.map((path) => ({ method: "GET", path })),
    });
    line(
      `GET /v1/denials with filters, 16 connections, 10 s: ${Math.round(result.requests.average).toLocaleString()} requests/s, ` +
        `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  } finally {
    child.kill("SIGTERM");
  }
}
