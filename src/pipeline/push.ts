import type { Store } from "../db/store.js";
import { countIngest, type Metrics, timeIngest, timeStages } from "../shared/metrics.js";
import { pushSource } from "../sources/push/push.source.js";
import { IngestSession, storedAnything } from "./ingest-session.js";
import type { StageRunner } from "./stage-runner.js";

/** How many rejects a push answer lists; the rest are counted (`rejectedTotal`) and quarantined all the same. */
export const MAX_REPORTED_REJECTS = 100;

export interface PushResult {
  accepted: number;
  denials: number;
  duplicates: number;
  /** The first rejects, in body order. */
  rejected: { position: string; reason: string; detail: string }[];
  /** Every reject, listed or not. */
  rejectedTotal: number;
}

export interface PushDeps {
  store: Store;
  metrics: Metrics;
  stages: StageRunner;
}

export interface PushOptions {
  /** More records than this (valid or not) and the push is refused whole (RecordLimitError). */
  maxRecords: number;
}

/**
 * Stores one pushed body in one transaction, then runs the stages after storing. The body is read as text by the
 * file source's splitter; a body with no record in it, or past the record cap, is refused whole (InputRefusedError).
 * Rejects (store.busy) only when nothing was committed; once the body is committed the answer reports it, whatever
 * the stages do.
 */
export async function ingestPush(deps: PushDeps, text: string, options: PushOptions): Promise<PushResult> {
  const rejected: PushResult["rejected"] = [];
  const source = pushSource(text);
  const session = new IngestSession({
    store: deps.store,
    source: source.name,
    // A whole push is one batch: it commits or fails as a unit.
    batchSize: Number.POSITIVE_INFINITY,
    maxRecords: options.maxRecords,
    onReject: (r) => {
      if (rejected.length < MAX_REPORTED_REJECTS)
        rejected.push({ position: r.position, reason: r.reason, detail: r.detail });
    },
  });
  await timeIngest(deps.metrics, source.name, () => session.read(source));
  const summary = await session.finish();
  if (storedAnything(summary)) await timeStages(deps.metrics, source.name, () => deps.stages.afterCommit());
  countIngest(deps.metrics, source.name, {
    ...summary.stored,
    duplicates: summary.duplicates,
    rejected: summary.rejected.total,
  });
  return {
    accepted: summary.stored.denials + summary.stored.evidence + summary.stored.usage,
    denials: summary.stored.denials,
    duplicates: summary.duplicates,
    rejected,
    rejectedTotal: summary.rejected.total,
  };
}
