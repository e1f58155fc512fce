import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { extractPrincipal } from "../src/cloudtrail/principal.js";
import type { CloudTrailRecord } from "../src/cloudtrail/record.js";
import type { Db } from "../src/db/client.js";
import { openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { explainDenial } from "../src/explain/explain.js";
import { analysePendingDenials } from "../src/pipeline/analyse-denials.js";
import { catalogLookup } from "../src/pipeline/catalog.js";
import { explainStoredDenial } from "../src/pipeline/explanations.js";
import { loadExplainCases } from "../test/support/explain-cases.js";
import { rng } from "../test/support/records.js";
import { median, time, timeAsync } from "./report.js";

const N = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ACCOUNTS = 20;
const ROLES_PER_ACCOUNT = 25;
const GOLDEN_ACCOUNT = "123456789012";

/**
 * Rewrites one explanation case's record into a plausible sibling: another account, another role of the same shape, fresh task
 * and instance ids, another S3 key or log stream. Done on the JSON text so the error message, the session ARN, the
 * issuer and the request parameters stay consistent with each other, as they are in a real trail.
 */
function vary(json: string, random: () => number, i: number): string {
  const hex = (n: number) => {
    let s = "";
    while (s.length < n) s += Math.floor(random() * 16).toString(16);
    return s;
  };
  // Popular roles and accounts produce most denials (a skewed draw), as in a real organisation.
  const account = `1000000000${String(Math.floor(ACCOUNTS * random() ** 2)).padStart(2, "0")}`;
  const roleSuffix = `-r${Math.floor(ROLES_PER_ACCOUNT * random() ** 2)}`;
  const task = hex(32);
  const instance = `i-0${hex(16)}`;
  const day = `2026/${String(1 + (i % 12)).padStart(2, "0")}`;
  return (
    json
      .replaceAll(GOLDEN_ACCOUNT, account)
      // The last path segment of role names (session ARNs and issuer ARNs alike): paths such as aws-service-role/
      // and the AWSReservedSSO_ prefix keep their meaning.
      .replace(/(assumed-role\/)([\w+=,.@-]+)(\/)/g, `$1$2${roleSuffix}$3`)
      .replace(/(:role\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)(?=["\s,.]|$)/g, `$1$2${roleSuffix}`)
      .replace(/\b[0-9a-f]{32}\b/g, task)
      .replace(/\bi-0[0-9a-f]{16}\b|\bi-0[0-9a-f]{15}\b/g, instance)
      // S3 object keys and log streams change on every call.
      .replace(/2026\/03\/summary\.csv|\ba\.csv\b|\blogo\.png\b/g, `${day}/obj-${hex(8)}.csv`)
      .replace(/(log-stream:|"logStreamName":")([\w/-]+)/g, `$1ecs/web/${task}`)
  );
}

/** 100,000 denials: the explanation cases varied as they vary in a real trail (not the same few repeated). */
export function corpus(): CloudTrailRecord[] {
  const texts = loadExplainCases().map((g) => JSON.stringify(g.record));
  const random = rng(42);
  const out: CloudTrailRecord[] = [];
  for (let i = 0; i < N; i++) {
    const base = texts[i % texts.length];
    if (!base) continue;
    const record = JSON.parse(vary(base, random, i)) as CloudTrailRecord;
    record.eventID = `bench-${i}`;
    record.eventTime = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    out.push(record);
  }
  return out;
}

/** A file DB holding the given records as stored, not yet analysed denials. */
export function seedBenchDb(path: string, records: CloudTrailRecord[]) {
  const db = openDb({ path });
  const insert = db.$client.prepare(
    `INSERT INTO denials (event_id, event_time, account_id, region, event_source, event_name, error_code,
       error_message, principal_type, principal_arn, role_arn, session_name, user_agent, source_ip, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench')`,
  );
  const insertRaw = db.$client.prepare("INSERT INTO denial_raw (event_id, raw) VALUES (?, ?)");
  db.$client.transaction(() => {
    for (const r of records) {
      const p = extractPrincipal(r);
      insert.run(
        r.eventID,
        Date.parse(r.eventTime),
        p.accountId,
        r.awsRegion ?? "",
        r.eventSource,
        r.eventName,
        r.errorCode ?? "",
        typeof r.errorMessage === "string" ? r.errorMessage : null,
        p.type,
        p.arn,
        p.roleArn,
        p.sessionName,
        r.userAgent ?? null,
        r.sourceIPAddress ?? null,
      );
      insertRaw.run(r.eventID, JSON.stringify(r));
    }
  })();
  return db;
}

function report(label: string, wall: number[], cpu: number[], tail: string): void {
  process.stdout.write(
    `${label}: wall median ${median(wall).toFixed(0)} ms (best ${Math.min(...wall).toFixed(0)}), cpu median ${median(cpu).toFixed(0)} ms (${wall.length} runs)${tail}\n`,
  );
}

/** Every stored denial's record and stored analysis, streamed (what explainStoredDenial reads). */
export function* listDenialsForBench(
  db: Db,
): Generator<{ raw: string; incidentId: string | null; noise: boolean; noiseReason: string | null }> {
  for (const row of db.$client
    .prepare(
      `SELECT r.raw, d.incident_id AS incidentId, d.noise, i.noise_reason AS noiseReason FROM denial_raw r
       JOIN denials d ON d.event_id = r.event_id LEFT JOIN incidents i ON i.id = d.incident_id`,
    )
    .iterate() as IterableIterator<{
    raw: string;
    incidentId: string | null;
    noise: number;
    noiseReason: string | null;
  }>)
    yield { ...row, noise: row.noise === 1 };
}

/** Prints the time to explain 100,000 denials: the pure path, then through analysePendingDenials on a file DB. */
export async function benchExplain(): Promise<void> {
  const records = corpus();
  const wall: number[] = [];
  const cpu: number[] = [];
  let targets = 0;
  for (let run = 0; run < RUNS; run++) {
    const [t, w, c] = time(() => {
      let n = 0;
      for (const r of records) if (explainDenial(r).fix.target) n++;
      return n;
    });
    targets = t;
    wall.push(w);
    cpu.push(c);
  }
  report(`explainDenial (${N} denials)`, wall, cpu, `, ${targets} explained`);

  const dir = mkdtempSync(join(tmpdir(), "deniedby-bench-"));
  try {
    // Seed once, then analyse a fresh copy per run: analysis is idempotent, so a second run would find nothing.
    const seeded = join(dir, "seed.db");
    seedBenchDb(seeded, records).$client.close();
    const sw: number[] = [];
    const sc: number[] = [];
    let result = { analysed: 0, incidents: 0 };
    for (let run = 0; run < RUNS; run++) {
      const path = join(dir, `run-${run}.db`);
      copyFileSync(seeded, path);
      const db = openDb({ path });
      const [r, w, c] = await timeAsync(() => analysePendingDenials(createStore(db)));
      result = r;
      sw.push(w);
      sc.push(c);
      db.$client.close();
      rmSync(path, { force: true });
    }
    report(
      "analysePendingDenials (file db)",
      sw,
      sc,
      `, ${result.analysed} stored denials into ${result.incidents} incidents`,
    );

    // What the API does for a stored denial: read the row and its record, parse it, explain it with the catalogue.
    const db = openDb({ path: seeded });
    const rw: number[] = [];
    const rc: number[] = [];
    let explained = 0;
    for (let run = 0; run < RUNS; run++) {
      const [n, w, c] = time(() => {
        const catalog = catalogLookup(db);
        let count = 0;
        for (const row of listDenialsForBench(db)) if (explainStoredDenial(row, catalog).fix.target) count++;
        return count;
      });
      explained = n;
      rw.push(w);
      rc.push(c);
    }
    db.$client.close();
    report("read, parse and explain stored denials (file db)", rw, rc, `, ${explained} explained`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchExplain();
