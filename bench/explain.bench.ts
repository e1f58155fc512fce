import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractPrincipal } from "../src/cloudtrail/principal.js";
import type { CloudTrailRecord } from "../src/cloudtrail/record.js";
import { openDb } from "../src/db/client.js";
import { analysePendingDenials } from "../src/db/denials.repository.js";
import { denials } from "../src/db/schema.js";
import { explainDenial } from "../src/explain/explain.js";

const N = 100_000;

export function corpus(): CloudTrailRecord[] {
  const golden = JSON.parse(
    readFileSync(new URL("../test/fixtures/explain/golden.json", import.meta.url), "utf8"),
  ) as { record: CloudTrailRecord }[];
  const out: CloudTrailRecord[] = [];
  for (let i = 0; i < N; i++) {
    const base = golden[i % golden.length]?.record;
    if (!base) continue;
    out.push({
      ...base,
      eventID: `bench-${i}`,
      eventTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    });
  }
  return out;
}

/** A file DB holding the given records as stored, not yet analysed denials. */
export function seedBenchDb(path: string, records: CloudTrailRecord[]) {
  const db = openDb({ path });
  db.transaction((tx) => {
    for (const r of records) {
      const p = extractPrincipal(r);
      tx.insert(denials)
        .values({
          eventId: r.eventID,
          eventTime: Date.parse(r.eventTime),
          accountId: p.accountId,
          region: r.awsRegion ?? "",
          eventSource: r.eventSource,
          eventName: r.eventName,
          errorCode: r.errorCode ?? "",
          errorMessage: typeof r.errorMessage === "string" ? r.errorMessage : null,
          principalType: p.type,
          principalArn: p.arn,
          roleArn: p.roleArn,
          sessionName: p.sessionName,
          userAgent: r.userAgent ?? null,
          sourceIp: r.sourceIPAddress ?? null,
          source: "bench",
          raw: JSON.stringify(r),
        })
        .run();
    }
  });
  return db;
}

/** Prints the time to explain 100,000 denials: the pure path, then through analysePendingDenials on a file DB. */
export async function benchExplain(): Promise<void> {
  const records = corpus();
  const t0 = performance.now();
  let targets = 0;
  for (const r of records) if (explainDenial(r).fix.target) targets++;
  const pure = performance.now() - t0;
  process.stdout.write(
    `explainDenial: ${N} denials in ${pure.toFixed(0)} ms (${((pure * 1000) / N).toFixed(1)} µs each, ${targets} explained)\n`,
  );

  const dir = mkdtempSync(join(tmpdir(), "deniedby-bench-"));
  try {
    const db = seedBenchDb(join(dir, "bench.db"), records);
    const t1 = performance.now();
    const result = analysePendingDenials(db);
    const stored = performance.now() - t1;
    process.stdout.write(
      `analysePendingDenials: ${result.analysed} stored denials into ${result.incidents} incidents in ${stored.toFixed(0)} ms\n`,
    );
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
