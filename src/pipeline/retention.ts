import type { Store } from "../db/store.js";
import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import { createPoller, type Poller } from "../shared/poller.js";
import { pruneBefore, retentionCutoff } from "./prune.js";
import type { StageRunner } from "./stage-runner.js";

const DAY = 86_400_000;

export interface RetentionOptions {
  store: Store;
  stages: StageRunner;
  clock: Clock;
  logger: Logger;
  /** DENIEDBY_RETENTION_DAYS: what is older than this many whole days is pruned. */
  days: number;
}

/**
 * The server's daily retention, on the process's one polling loop: a prune at start and then once a day. It never
 * VACUUMs (that rewrites the whole file while holding the write lock: `deniedby prune` does it when worth it); the
 * free pages are reused by later writes. The stages run after a prune that removed anything they read.
 */
export function startRetention(options: RetentionOptions): Poller {
  const { store, stages, clock, logger, days } = options;
  const poller = createPoller({
    intervalMs: DAY,
    clock,
    run: async () => {
      const result = await pruneBefore(store, retentionCutoff(clock.now(), days), { vacuum: false });
      logger.info({ retentionDays: days, ...result }, "retention: pruned what is older than the retention");
      if (result.usageRows + result.roleSessions + result.credentialRequests + result.denials > 0)
        await stages.afterCommit();
    },
    onError: (error) => logger.warn({ retentionDays: days, error }, "retention: prune failed; retried later"),
  });
  poller.start();
  return poller;
}
