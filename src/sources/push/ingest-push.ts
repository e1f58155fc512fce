import { createHash } from "node:crypto";
import { ingestWriterFor } from "../../db/ingest.repository.js";
import type { Deps } from "../../deps.js";
import { countIngest } from "../../http/metrics.js";
import { afterIngest } from "../../ingest/after-ingest.js";
import { IngestSession } from "../../ingest/ingest-session.js";

export interface PushResult {
  accepted: number;
  denials: number;
  duplicates: number;
  rejected: { position: string; reason: string; detail: string }[];
}

/**
 * Stores pushed events (one record, an EventBridge event, an array of either, or {"Records": [...]}) in one
 * transaction, then runs the after-ingest stages. Pushed events carry no file, so rejects are located by position.
 */
export function ingestPush(deps: Deps, body: unknown): PushResult {
  const rejected: PushResult["rejected"] = [];
  const session = new IngestSession({
    source: "push",
    writer: ingestWriterFor(deps.db),
    // A whole push is one batch: it commits or fails as a unit.
    batchSize: Number.POSITIVE_INFINITY,
    onReject: (r) => rejected.push({ position: r.position, reason: r.reason, detail: r.detail }),
  });
  // Quarantine rows are keyed by location and position: naming the body by its hash keeps different bodies apart
  // and stores a re-sent bad record once.
  const location = `push:sha256:${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 24)}`;
  session.acceptValue(body, null, { location, position: "" });
  const summary = session.finish();
  if (summary.stored.denials + summary.stored.evidence + summary.stored.usage > 0) afterIngest(deps.db);
  countIngest(deps.metrics, "push", {
    ...summary.stored,
    duplicates: summary.duplicates,
    rejected: summary.rejected.total,
  });
  return {
    accepted: summary.stored.denials + summary.stored.evidence + summary.stored.usage,
    denials: summary.stored.denials,
    duplicates: summary.duplicates,
    rejected,
  };
}
