import { setTimeout as delay } from "node:timers/promises";
import type { Db } from "../db/client.js";
import { getDenial } from "../db/denials.repository.js";
import type { PolicyView } from "../policy/index.js";
import type { Metrics } from "../shared/metrics.js";
import { createPoller, type Poller } from "../shared/poller.js";
import { checkMessage } from "./block-kit.js";
import { messageForStoredDenial } from "./enrich.js";
import { type DueIncident, dueIncidents, recordPost } from "./slack.repository.js";
import type { SlackMessage } from "./slack.schemas.js";

/** The subset of pino's logger the notifier uses (objects first, message second). */
export interface NotifierLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SlackNotifierOptions {
  db: Db;
  /** The policy model the posted explanations are evaluated against (held by the store, per generation). */
  policies?: () => PolicyView;
  logger: NotifierLogger;
  /** Epoch milliseconds. */
  clock: () => number;
  /** The incoming webhook URL: a secret, never logged. */
  webhookUrl: string;
  publicUrl?: string | undefined;
  /** An incident is posted again only when its denials go on this long past the last post, and this long after it. */
  quietMs: number;
  includeNoise: boolean;
  /** Incidents with no denial for this long are not posted (history from a backfill or a first start). */
  lookbackMs: number;
  /** Between scans of the incidents table. Default 15 s. */
  intervalMs?: number;
  /** Attempts per message, the first included. Default 5. */
  maxAttempts?: number;
  /** First retry delay; doubled each retry, capped at 60 s, or Slack's Retry-After when it sends one. Default 1 s. */
  baseDelayMs?: number;
  /** Slack allows about one message per second per channel. Default 1,100 ms between posts. */
  spacingMs?: number;
  /** Posts per scan, so a backlog drains over several scans instead of one long burst. Default 20. */
  batch?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Injected in tests; rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
  /** Counts post outcomes (deniedby_slack_posts_total{outcome}). */
  metrics?: Metrics;
}

export interface ScanResult {
  posted: string[];
  rejected: string[];
  /** Incidents left for the next scan because Slack could not be reached. */
  deferred: string[];
}

export interface SlackNotifier {
  /** One scan: posts what is due. Exposed for tests and for a nudge after ingest; never throws. */
  scan(): Promise<ScanResult>;
  start(): void;
  /** Stops scanning and waits for a scan in flight (its backoff sleeps are cut short). */
  stop(): Promise<void>;
}

type PostOutcome = { ok: true } | { ok: false; permanent: boolean; status: number | null; detail: string };

const MAX_DELAY_MS = 60_000;

const defaultSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal });

/** What the notifier's steps share: its options with defaults applied, and the signal that stops it. */
interface Notifier {
  o: SlackNotifierOptions;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  stopping: AbortController;
}

/** One POST to the webhook. 429 and 5xx are worth retrying; other 4xx (invalid_blocks, no_service, …) are not. */
async function send(n: Notifier, message: SlackMessage): Promise<PostOutcome> {
  try {
    const res = await (n.o.fetch ?? fetch)(n.o.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: message.text, blocks: message.blocks }),
      signal: AbortSignal.any([n.stopping.signal, AbortSignal.timeout(n.o.timeoutMs ?? 10_000)]),
    });
    const body = (await res.text()).slice(0, 200);
    if (res.ok) return { ok: true };
    return { ok: false, permanent: res.status !== 429 && res.status < 500, status: res.status, detail: body };
  } catch (error) {
    return {
      ok: false,
      permanent: false,
      status: null,
      detail: error instanceof Error ? error.name : "network error",
    };
  }
}

/** Posts with exponential backoff; Slack's Retry-After (429) wins when longer. */
async function post(n: Notifier, message: SlackMessage, incidentId: string): Promise<PostOutcome> {
  const maxAttempts = n.o.maxAttempts ?? 5;
  let last: PostOutcome = { ok: false, permanent: false, status: null, detail: "not attempted" };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    last = await send(n, message);
    if (last.ok || last.permanent || n.stopping.signal.aborted) return last;
    if (attempt === maxAttempts) break;
    const wait = Math.min(MAX_DELAY_MS, (n.o.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
    n.o.logger.warn(
      { incidentId, attempt, status: last.status, detail: last.detail, retryInMs: wait },
      "slack post failed, retrying",
    );
    await n.sleep(wait, n.stopping.signal);
  }
  return last;
}

function messageFor(n: Notifier, due: DueIncident): SlackMessage | null {
  const row = getDenial(n.o.db, due.incident.latestEventId);
  if (!row) return null;
  const repeat = due.post
    ? { repeat: { newSince: due.incident.count - due.post.lastCount, lastPostedAt: due.post.postedAt } }
    : {};
  const message = messageForStoredDenial(n.o.db, row, n.o.publicUrl, {
    ...repeat,
    policies: n.o.policies?.(),
  });
  return { text: message.text, blocks: message.blocks };
}

/** Builds, checks, posts and records one due incident; "unreachable" means Slack could not be reached at all. */
async function notifyOne(n: Notifier, d: DueIncident): Promise<"posted" | "rejected" | "unreachable"> {
  const id = d.incident.id;
  const { o } = n;
  const record = (outcome: "posted" | "rejected") =>
    recordPost(o.db, {
      incidentId: id,
      postedAt: o.clock(),
      count: d.incident.count,
      lastSeen: d.incident.lastSeen,
      outcome,
    });
  const message = messageFor(n, d);
  const issues = message ? checkMessage(message) : [];
  if (!message || issues.length > 0) {
    // A message we cannot build would fail again on every scan: record it as refused and say why.
    o.logger.error({ incidentId: id, issues: issues.slice(0, 5) }, "slack message not built; not posted");
    record("rejected");
    return "rejected";
  }
  const outcome = await post(n, message, id);
  if (outcome.ok) {
    record("posted");
    o.logger.info({ incidentId: id, count: d.incident.count, again: d.post !== null }, "slack post sent");
    return "posted";
  }
  if (outcome.permanent) {
    record("rejected");
    o.logger.error(
      { incidentId: id, status: outcome.status, detail: outcome.detail },
      "slack refused the post",
    );
    return "rejected";
  }
  o.logger.warn(
    { incidentId: id, status: outcome.status, detail: outcome.detail },
    "slack unreachable; will retry on the next scan",
  );
  return "unreachable";
}

async function scanOnce(n: Notifier): Promise<ScanResult> {
  const { o } = n;
  const result: ScanResult = { posted: [], rejected: [], deferred: [] };
  const now = o.clock();
  const due = dueIncidents(o.db, {
    now,
    quietMs: o.quietMs,
    since: now - o.lookbackMs,
    includeNoise: o.includeNoise,
    limit: o.batch ?? 20,
  });
  for (const [i, d] of due.entries()) {
    if (n.stopping.signal.aborted) {
      result.deferred.push(...due.slice(i).map((x) => x.incident.id));
      break;
    }
    if (i > 0) await n.sleep(o.spacingMs ?? 1100, n.stopping.signal);
    const outcome = await notifyOne(n, d);
    o.metrics?.inc("deniedby_slack_posts_total", "Slack posts by outcome (posted, rejected, unreachable)", {
      outcome,
    });
    if (outcome === "unreachable") {
      // Keep the rest for the next scan rather than hammering Slack.
      result.deferred.push(...due.slice(i).map((x) => x.incident.id));
      break;
    }
    result[outcome].push(d.incident.id);
  }
  return result;
}

/**
 * The background poster of new incidents to a Slack incoming webhook. It scans the incidents table on its own
 * timer, so ingestion never waits on Slack: one message per incident fingerprint, again only when its denials go on
 * a quiet period past the last post (a storm that lasts hours is a post per quiet period); noise only when asked.
 * What was posted is stored (slack_posts) so a restart does not post again; a crash between Slack's 200 and that
 * write can post one incident twice (at least once).
 */
export function createSlackNotifier(o: SlackNotifierOptions): SlackNotifier {
  const n: Notifier = { o, sleep: o.sleep ?? defaultSleep, stopping: new AbortController() };
  let scanning: Promise<ScanResult> | null = null;
  async function scan(): Promise<ScanResult> {
    // One scan at a time: a nudge during a scan joins it instead of posting the same incident twice.
    scanning ??= scanOnce(n)
      .catch((error: unknown) => {
        if (!n.stopping.signal.aborted) o.logger.error({ err: error }, "slack scan failed");
        return { posted: [], rejected: [], deferred: [] };
      })
      .finally(() => {
        scanning = null;
      });
    return scanning;
  }
  // The process's one polling loop; a scan never throws, so it polls at the interval.
  const poller: Poller = createPoller({
    intervalMs: o.intervalMs ?? 15_000,
    clock: { now: o.clock, sleep: (ms, signal) => n.sleep(ms, signal ?? n.stopping.signal) },
    run: async () => {
      await scan();
    },
  });
  return {
    scan,
    start: () => poller.start(),
    async stop() {
      n.stopping.abort();
      await poller.stop();
      await scanning;
    },
  };
}
