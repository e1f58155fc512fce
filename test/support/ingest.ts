import { Readable } from "node:stream";
import type { Db } from "../../src/db/client.js";
import { createStore } from "../../src/db/store.js";
import { type IngestSummary, ingestSource, type RejectionReport } from "../../src/pipeline/ingest-session.js";
import { runStagesAfterStore } from "../../src/pipeline/stages.js";
import { fileSource } from "../../src/sources/files/files.source.js";

/** Runs the file source the way `deniedby ingest` does (without the stages after it), collecting rejections. */
export async function ingestPaths(
  db: Db,
  paths: string[],
  options: {
    stdin?: string | Buffer;
    batchSize?: number;
    decodeWorkers?: number;
    maxInflatedBytes?: number;
  } = {},
): Promise<{ summary: IngestSummary; rejections: RejectionReport[] }> {
  const rejections: RejectionReport[] = [];
  const source = fileSource(paths, {
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
    ...(options.maxInflatedBytes !== undefined ? { maxInflatedBytes: options.maxInflatedBytes } : {}),
  });
  const { summary } = await ingestSource(createStore(db), source, {
    onReject: (r) => rejections.push(r),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.decodeWorkers ? { decodeWorkers: options.decodeWorkers } : {}),
  });
  return { summary, rejections };
}

/** Stores records as one `{"Records": […]}` document read from stdin, through the file source. */
export function ingestRecords(
  db: Db,
  records: readonly unknown[],
): Promise<{ summary: IngestSummary; rejections: RejectionReport[] }> {
  return ingestPaths(db, ["-"], { stdin: JSON.stringify({ Records: records }) });
}

/** What every ingest runs after storing: the catalogue refresh, re-analysis and the analysis of new denials. */
export async function runStages(db: Db): Promise<void> {
  await runStagesAfterStore(createStore(db));
}
