import type pino from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { StorageHealth } from "../db/storage-health.js";
import type { Store } from "../db/store.js";
import type { Explanations } from "../pipeline/explanations.js";
import type { PolicyWarmup } from "../pipeline/policy-warmup.js";
import type { StageRunner } from "../pipeline/stage-runner.js";
import type { Clock } from "../shared/clock.js";
import type { Metrics } from "../shared/metrics.js";

/**
 * What the HTTP app and the features it serves read, built once by buildDeps (src/deps.ts) and passed down; nothing
 * below reads globals. Declared here, on the serve level, so routes depend on the shape and not on how it is built.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  /** The repositories over `db`, with their caches. */
  store: Store;
  logger: pino.Logger;
  metrics: Metrics;
  clock: Clock;
  /** Explanations of stored denials, cached per catalogue and analysis generation. */
  explanations: Explanations;
  /** The stages after storing (catalogue, analysis), one run at a time, after every commit of the process. */
  stages: StageRunner;
  /** Whether writes fail for want of space: a full disk answers 503 and turns /readyz 503 until space returns. */
  storage: StorageHealth;
  /** Loads the AWS managed policies and the policy model after listening, so the first explanation does not. */
  warmup: PolicyWarmup;
}
