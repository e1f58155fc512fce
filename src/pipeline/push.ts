import type { Store } from "../db/store.js";
import { countIngest, type Metrics, timeIngest, timeStages } from "../shared/metrics.js";
import { pushSource } from "../sources/push/push.source.js";
import { IngestSession, storedAnything } from "./ingest-session.js";
import type { StageRunner } from "./stage-runner.js";

export interface PushResult {
  accepted: number;
  denials: number;
  duplicates: number;
  rejected: { position: string; reason: string; detail: string }[];
}

export interface PushDeps {
  store: Store;
  metrics: Metrics;
  stages: StageRunner;
}

/**
 * Stores one pushed body in one transaction, then runs the stages after storing. Rejects (store.busy) only when
 * nothing was committed; once the body is committed the answer reports it, whatever the stages do.
 */
export async function ingestPush(deps: PushDeps, body: unknown): Promise<PushResult> {
  const rejected: PushResult["rejected"] = [];
  const source = pushSource(body);
  const session = new IngestSession({
    store: deps.store,
    source: source.name,
    // A whole push is one batch: it commits or fails as a unit.
    batchSize: Number.POSITIVE_INFINITY,
    onReject: (r) => rejected.push({ position: r.position, reason: r.reason, detail: r.detail }),
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
  };
}
