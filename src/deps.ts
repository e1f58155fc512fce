import pino from "pino";
import type { Config } from "./config.js";
import { openDb } from "./db/client.js";
import { createStorageHealth } from "./db/storage-health.js";
import { createStore } from "./db/store.js";
import type { AppDeps } from "./http/app-deps.js";
import { createExplanations } from "./pipeline/explanations.js";
import { holdManagedPolicies } from "./pipeline/policy-model.js";
import { createPolicyWarmup } from "./pipeline/policy-warmup.js";
import type { StagePace } from "./pipeline/stage-pace.js";
import { createStageRunner } from "./pipeline/stage-runner.js";
import type { AwsManagedPolicies } from "./policy/index.js";
import { type Clock, systemClock } from "./shared/clock.js";
import { type Logger, silentLogger } from "./shared/logger.js";
import { createMetrics } from "./shared/metrics.js";
import { type AwsClients, createAwsClients } from "./sources/aws-clients.js";
import type { SourceContext } from "./sources/source.js";
import { queueRegion } from "./sources/sqs/sqs-client.js";

/** Everything the process needs, built once at start-up and passed down; nothing below reads globals. */
export interface Deps extends AppDeps {
  /** AWS clients, built on first use and shared (one CloudTrail client and rate limiter per region). */
  aws: AwsClients;
}

export type DepsOverrides = Partial<
  Omit<Deps, "store" | "explanations" | "stages" | "storage" | "warmup">
> & {
  /** The AWS managed policies' data in place of the installed package's (tests count its loads). */
  awsManagedPolicies?: AwsManagedPolicies;
  /** How the stages after storing share the thread (the server's pace unless given; tests count its pauses). */
  stagePace?: StagePace;
};

export function buildDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const db = overrides.db ?? openDb({ path: config.DENIEDBY_DB });
  const store = createStore(db, { lockWaitMs: config.DENIEDBY_LOCK_WAIT_SECONDS * 1000 });
  const clock = overrides.clock ?? systemClock;
  const logger =
    overrides.logger ?? pino({ level: config.DENIEDBY_LOG_LEVEL, base: { service: "deniedby" } });
  if (overrides.awsManagedPolicies) holdManagedPolicies(store, overrides.awsManagedPolicies);
  return {
    config,
    db,
    store,
    logger,
    metrics: overrides.metrics ?? createMetrics(),
    clock,
    aws: overrides.aws ?? awsClientsFor(config, clock),
    storage: createStorageHealth(db),
    explanations: createExplanations(store, { maxBytes: config.DENIEDBY_EXPLANATION_CACHE_MB * 1024 * 1024 }),
    stages: createStageRunner({
      store,
      logger,
      ...(overrides.stagePace ? { pace: overrides.stagePace } : {}),
    }),
    warmup: createPolicyWarmup(store),
  };
}

function awsClientsFor(config: Config, clock: Clock): AwsClients {
  const queue = config.DENIEDBY_SQS_QUEUE_URL;
  return createAwsClients({
    clock,
    athenaRegion: config.DENIEDBY_ATHENA_REGION,
    s3Region: config.DENIEDBY_S3_REGION,
    s3PathStyle: config.DENIEDBY_S3_PATH_STYLE === "on",
    sqsRegion: config.DENIEDBY_SQS_REGION ?? (queue !== undefined ? queueRegion(queue) : undefined),
    sqsWaitSeconds: config.DENIEDBY_SQS_WAIT_SECONDS,
    accounts: config.DENIEDBY_ACCOUNTS,
  });
}

/** What the source registry builds sources from, given the process's parts (buildDeps', or a command's). */
export function sourceContext(
  deps: Pick<Deps, "config"> & Partial<Pick<Deps, "aws" | "clock">> & { logger?: Logger },
): SourceContext {
  const clock = deps.clock ?? systemClock;
  return {
    config: deps.config,
    aws: deps.aws ?? awsClientsFor(deps.config, clock),
    clock,
    logger: deps.logger ?? silentLogger,
  };
}
