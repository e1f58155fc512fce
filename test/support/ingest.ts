import { Readable } from "node:stream";
import type { Db } from "../../src/db/client.js";
import { createIngestWriter } from "../../src/db/ingest.repository.js";
import { IngestSession, type IngestSummary, type RejectionReport } from "../../src/ingest/ingest-session.js";
import { ingestFiles } from "../../src/sources/files/ingest-files.js";

/** Runs the file source the way `deniedby ingest` does, collecting rejection reports. */
export async function ingestPaths(
  db: Db,
  paths: string[],
  options: { stdin?: string | Buffer; batchSize?: number } = {},
): Promise<{ summary: IngestSummary; rejections: RejectionReport[] }> {
  const writer = createIngestWriter(db);
  const rejections: RejectionReport[] = [];
  const session = new IngestSession({
    source: "file",
    writer,
    onReject: (r) => rejections.push(r),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  await ingestFiles(paths, {
    session,
    writer,
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  });
  return { summary: session.finish(), rejections };
}
