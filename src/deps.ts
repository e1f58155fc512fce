import pino, { type Logger } from "pino";
import type { Config } from "./config.js";
import { type Db, openDb } from "./db/client.js";
import { createMetrics, type Metrics } from "./http/metrics.js";

/** Everything the app needs, built once at start-up and passed down; nothing below reads globals. */
export interface Deps {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  /** Epoch milliseconds; injected so tests control time. */
  clock: () => number;
}

export function buildDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  return {
    config,
    db: overrides.db ?? openDb({ path: config.DENIEDBY_DB }),
    logger: overrides.logger ?? pino({ level: config.DENIEDBY_LOG_LEVEL, base: { service: "deniedby" } }),
    metrics: overrides.metrics ?? createMetrics(),
    clock: overrides.clock ?? Date.now,
  };
}
