import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { serve } from "@hono/node-server";
import type { Config } from "./config.js";
import { buildDeps, type Deps, type DepsOverrides, sourceContext } from "./deps.js";
import { createApp } from "./http/app.js";
import { EXAMPLES_MIXED, examplesStatus, loadExamplesIfEmpty } from "./pipeline/examples.js";
import { collectSourceMetrics, type LiveSources, startLiveSources } from "./pipeline/live.js";
import { currentPolicies } from "./pipeline/policy-model.js";
import { startRetention } from "./pipeline/retention.js";
import { createSlackNotifier, type SlackNotifier } from "./slack/notifier.js";
import { liveSources } from "./sources/registry.js";

export interface RunningServer {
  deps: Deps;
  live: LiveSources;
  url: string;
  /** Settles once the policy warm-up ended (at once when DENIEDBY_POLICY_WARMUP=off); never rejects. */
  warmed: Promise<void>;
  /** Stops accepting, lets in-flight requests finish, stops sources, closes the database. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** Without a token the API is open, so it listens on loopback only. */
function listenHost(config: Config, logger: Deps["logger"]): string {
  if (config.DENIEDBY_API_TOKEN) return config.HOST ?? "0.0.0.0";
  if (config.HOST && !LOOPBACK.has(config.HOST))
    logger.warn(
      { host: config.HOST },
      "HOST ignored: no DENIEDBY_API_TOKEN is set, so the API binds to 127.0.0.1 only",
    );
  logger.warn("no DENIEDBY_API_TOKEN set: the API is unauthenticated and listens on 127.0.0.1 only");
  return "127.0.0.1";
}

/** The Slack notifier, when a webhook is configured. */
function startSlack(deps: Deps): SlackNotifier | null {
  const { config, logger } = deps;
  if (!config.DENIEDBY_SLACK_WEBHOOK_URL) return null;
  const slack = createSlackNotifier({
    db: deps.db,
    policies: () => currentPolicies(deps.store),
    logger,
    clock: deps.clock.now,
    webhookUrl: config.DENIEDBY_SLACK_WEBHOOK_URL,
    publicUrl: config.DENIEDBY_PUBLIC_URL,
    quietMs: config.DENIEDBY_SLACK_QUIET_MINUTES * 60_000,
    includeNoise: config.DENIEDBY_SLACK_INCLUDE_NOISE === "on",
    lookbackMs: config.DENIEDBY_SLACK_LOOKBACK_HOURS * 3_600_000,
    intervalMs: config.DENIEDBY_SLACK_INTERVAL_SECONDS * 1000,
    metrics: deps.metrics,
  });
  slack.start();
  logger.info({ quietMinutes: config.DENIEDBY_SLACK_QUIET_MINUTES }, "slack notifier started");
  return slack;
}

/** Loads the AWS managed policies and the policy model in the background, once listening (see PolicyWarmup). */
function warmPolicies(deps: Deps): Promise<void> {
  if (deps.config.DENIEDBY_POLICY_WARMUP === "off") return Promise.resolve();
  const started = performance.now();
  return deps.warmup.start().then(
    () =>
      deps.logger.info(
        { ms: Math.round(performance.now() - started) },
        "AWS managed policies and policy model loaded",
      ),
    (error: unknown) =>
      deps.logger.warn(
        { err: error },
        "could not load the AWS managed policies ahead: the first explanation loads them",
      ),
  );
}

/**
 * Stops accepting and closes every connection: idle keep-alive ones at once, and those still open after the grace
 * period (a client that stopped sending mid-request, a slowloris) then, so one stalled client cannot hold the
 * shutdown until the forced exit. Requests in flight that keep moving finish within the grace period.
 */
function closeConnections(server: ReturnType<typeof serve>, graceMs: number): Promise<void> {
  return new Promise<void>((done) => {
    const stalled = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(stalled);
      done();
    });
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}

/** Starts deniedby's main job: database (migrated), first-run examples, live sources and the HTTP API. */
export async function startServer(config: Config, overrides: DepsOverrides = {}): Promise<RunningServer> {
  const deps = buildDeps(config, overrides);
  const { logger } = deps;
  for (const notice of config.notices) logger.warn(notice);
  deps.metrics.collectProcessMetrics();
  logger.info({ db: resolve(config.DENIEDBY_DB) }, "database open and migrated");

  if (config.DENIEDBY_EXAMPLES === "on") {
    const loaded = await loadExamplesIfEmpty(deps.store);
    if (loaded)
      logger.info(
        loaded,
        "database was empty: loaded the bundled example trail (DENIEDBY_EXAMPLES=off to skip)",
      );
  }
  if (examplesStatus(deps.store) === "mixed") logger.warn({ examples: "mixed" }, EXAMPLES_MIXED);

  const host = listenHost(config, logger);

  const live = startLiveSources({
    store: deps.store,
    stages: deps.stages,
    sources: liveSources(sourceContext(deps)),
    clock: deps.clock,
    logger,
    metrics: deps.metrics,
  });
  collectSourceMetrics(deps.metrics, live);

  // Posts new incidents to Slack on its own poller: ingestion never waits on Slack.
  const slack = startSlack(deps);
  const days = config.DENIEDBY_RETENTION_DAYS;
  const retention =
    days === undefined
      ? null
      : startRetention({ store: deps.store, stages: deps.stages, clock: deps.clock, logger, days });

  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: host }, () => ok(s));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, "deniedby listening");
  const warmed = warmPolicies(deps);

  let closing: Promise<void> | null = null;
  return {
    deps,
    live,
    url,
    warmed,
    close() {
      closing ??= (async () => {
        await closeConnections(server, config.DENIEDBY_SHUTDOWN_GRACE_SECONDS * 1000);
        // Sources stop after the last request, so a batch in flight commits before the database closes.
        await live.stop();
        await slack?.stop();
        await retention?.stop();
        deps.db.$client.close();
        logger.info("deniedby stopped");
      })();
      return closing;
    },
  };
}
