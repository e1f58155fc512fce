import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { loadScenario } from "../../test/support/slack-scenario.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { loadExamplesIfEmpty } from "../pipeline/examples.js";
import { ingestPush } from "../pipeline/push.js";
import { clockAt } from "../shared/clock.js";
import { checkMessage, unescapeMrkdwn } from "./block-kit.js";
import { createSlackNotifier, type NotifierLogger, type SlackNotifierOptions } from "./notifier.js";
import { getPost } from "./slack.repository.js";
import type { SlackMessage } from "./slack.schemas.js";

/** A local stand-in for Slack's incoming webhook: answers from a script, records what it was sent. */
interface FakeWebhook {
  url: string;
  posts: SlackMessage[];
  requests: number;
  /** Statuses to answer with, in order; 200 "ok" once exhausted. "hang" never answers. */
  script: (number | "hang")[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((done) => s.close(() => done()));
  }
});

async function fakeWebhook(script: (number | "hang")[] = []): Promise<FakeWebhook> {
  const hook: FakeWebhook = { url: "", posts: [], requests: 0, script, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hook.requests++;
      const step = hook.script.shift() ?? 200;
      if (step === "hang") return;
      if (step === 200) hook.posts.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as SlackMessage);
      res.writeHead(step, { "content-type": "text/plain" });
      res.end(step === 200 ? "ok" : step === 400 ? "invalid_blocks" : "error");
    });
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const { port } = server.address() as AddressInfo;
  // A path like a real webhook's: its secret part must never reach the logs.
  hook.url = `http://127.0.0.1:${port}/services/T000/B000/secretwebhooktoken`;
  return hook;
}

function collectingLogger(): NotifierLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (obj: object, msg: string) => {
    lines.push(`${msg} ${JSON.stringify(obj)}`);
  };
  return { lines, info: log, warn: log, error: log };
}

const storm = (n: number, at = "2026-11-20T11:00:00Z") =>
  makeRecord({
    eventId: uuidFor(n, 9),
    eventTime: at,
    roleName: "payments-task",
    eventSource: "dynamodb.amazonaws.com",
    eventName: "GetItem",
    errorCode: "AccessDeniedException",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/payments-task/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/payments because no identity-based policy allows the dynamodb:GetItem action",
  });

function setup(startIso = "2026-11-20T12:00:00Z") {
  let now = Date.parse(startIso);
  const { deps } = testApp({}, { clock: clockAt(() => now) });
  const sleeps: number[] = [];
  const logger = collectingLogger();
  const notifier = (hook: FakeWebhook, extra: Partial<SlackNotifierOptions> = {}) =>
    createSlackNotifier({
      db: deps.db,
      logger,
      clock: () => now,
      webhookUrl: hook.url,
      publicUrl: "https://deniedby.example.com",
      quietMs: 60 * 60_000,
      includeNoise: false,
      lookbackMs: 24 * 3_600_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });
  return {
    deps,
    sleeps,
    logger,
    notifier,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function push(deps: Deps, from: number, to: number, at?: string) {
  const records = [];
  for (let i = from; i < to; i++) records.push(storm(i, at));
  return ingestPush(deps, JSON.stringify(records), { maxRecords: 100_000 });
}

const realSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal });

const text = (m: SlackMessage | undefined) => unescapeMrkdwn(JSON.stringify(m?.blocks ?? []));

describe("the Slack notifier", () => {
  it("posts an alert storm of 1,000 identical denials once, then again only after the quiet period", async () => {
    const hook = await fakeWebhook();
    const t = setup();
    const n = t.notifier(hook);
    expect((await push(t.deps, 0, 400)).denials).toBe(400);
    expect((await n.scan()).posted).toHaveLength(1);
    expect((await push(t.deps, 400, 1000)).denials).toBe(600);
    expect((await n.scan()).posted).toEqual([]);
    expect(hook.posts).toHaveLength(1);
    expect(checkMessage(hook.posts[0])).toEqual([]);
    expect(text(hook.posts[0])).toContain("dynamodb:GetItem");
    expect(text(hook.posts[0])).toMatch(/400 times/);

    // The storm ended within the quiet period: an hour later, nothing new to say.
    t.advance(61 * 60_000);
    await push(t.deps, 0, 1000); // duplicates: not new denials
    expect((await n.scan()).posted).toEqual([]);
    // Denials again a quiet period after the last one posted: one more post, saying how many came since.
    await push(t.deps, 1000, 1050, "2026-11-20T12:30:00Z");
    expect((await n.scan()).posted).toHaveLength(1);
    expect(hook.posts).toHaveLength(2);
    expect(text(hook.posts[1])).toContain("Still denied");
    expect(text(hook.posts[1])).toContain("650 more since the last post");
    expect(text(hook.posts[1])).toContain("1,050 times");
    // And not again within the quiet period of that post, however many come.
    t.advance(10 * 60_000);
    await push(t.deps, 1050, 1100, "2026-11-20T13:40:00Z");
    expect((await n.scan()).posted).toEqual([]);
  });

  it("posts a storm that lasts past the quiet period once per quiet period", async () => {
    const hook = await fakeWebhook();
    const t = setup();
    await push(t.deps, 0, 100, "2026-11-20T11:00:00Z");
    const n = t.notifier(hook);
    expect((await n.scan()).posted).toHaveLength(1);
    // Every ten minutes for two hours: posts at the start, after one hour and after two.
    for (let step = 1; step <= 12; step++) {
      t.advance(10 * 60_000);
      const at = new Date(Date.parse("2026-11-20T11:00:00Z") + step * 10 * 60_000).toISOString();
      await push(t.deps, step * 100, step * 100 + 100, at);
      await n.scan();
    }
    expect(hook.posts).toHaveLength(3);
  });

  it("retries failures with exponential backoff and posts once Slack recovers", async () => {
    const hook = await fakeWebhook([500, 503, 429]);
    const t = setup();
    await push(t.deps, 0, 3);
    const result = await t.notifier(hook, { baseDelayMs: 1000 }).scan();
    expect(result.posted).toHaveLength(1);
    expect(hook.requests).toBe(4);
    expect(hook.posts).toHaveLength(1);
    expect(t.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("leaves an incident for the next scan when Slack stays down, and does not record it", async () => {
    const hook = await fakeWebhook([500, 500, 500]);
    const t = setup();
    await push(t.deps, 0, 3);
    const first = await t.notifier(hook, { maxAttempts: 3 }).scan();
    expect(first.posted).toEqual([]);
    expect(first.deferred).toHaveLength(1);
    expect(t.sleeps).toEqual([1000, 2000]);
    const id = first.deferred[0] ?? "";
    expect(getPost(t.deps.db, id)).toBeUndefined();
    const second = await t.notifier(hook, { maxAttempts: 3 }).scan();
    expect(second.posted).toEqual([id]);
    expect(getPost(t.deps.db, id)).toMatchObject({ outcome: "posted", lastCount: 3, posts: 1 });
  });

  it("does not retry what Slack refuses for good (4xx), and records it so it is not sent every scan", async () => {
    const hook = await fakeWebhook([400]);
    const t = setup();
    await push(t.deps, 0, 2);
    const n = t.notifier(hook);
    const result = await n.scan();
    expect(result.rejected).toHaveLength(1);
    expect(hook.requests).toBe(1);
    expect(t.sleeps).toEqual([]);
    expect((await n.scan()).rejected).toEqual([]);
    expect(hook.requests).toBe(1);
  });

  it("does not post again after a restart", async () => {
    const hook = await fakeWebhook();
    const t = setup();
    await push(t.deps, 0, 5);
    expect((await t.notifier(hook).scan()).posted).toHaveLength(1);
    const restarted = t.notifier(hook);
    expect((await restarted.scan()).posted).toEqual([]);
    expect(hook.posts).toHaveLength(1);
  });

  it("posts every non-noise incident of the scenario as valid Block Kit, and noise only when enabled", async () => {
    const hook = await fakeWebhook();
    const t = setup("2026-11-16T12:00:00Z");
    await loadScenario(t.deps.db);
    const rows = t.deps.db.$client.prepare("SELECT id, noise FROM incidents").all() as {
      id: string;
      noise: number;
    }[];
    const noisy = rows.filter((r) => r.noise).map((r) => r.id);
    const clean = rows.filter((r) => !r.noise).map((r) => r.id);
    expect(noisy.length).toBeGreaterThan(0);

    const first = await t.notifier(hook, { batch: 100 }).scan();
    expect(first.posted.sort()).toEqual([...clean].sort());
    for (const m of hook.posts) expect(checkMessage(m)).toEqual([]);
    // Slack allows about one message a second: posts are spaced.
    expect(t.sleeps.filter((ms) => ms === 1100)).toHaveLength(clean.length - 1);

    const withNoise = await t.notifier(hook, { batch: 100, includeNoise: true }).scan();
    expect(withNoise.posted.sort()).toEqual([...noisy].sort());
    expect(hook.posts.some((m) => text(m).includes("_Noise: "))).toBe(true);
  });

  it("never posts the bundled example trail, nor incidents older than the lookback", async () => {
    const hook = await fakeWebhook();
    const t = setup("2026-11-16T12:00:00Z");
    expect(await loadExamplesIfEmpty(t.deps.store)).not.toBeNull();
    expect((await t.notifier(hook).scan()).posted).toEqual([]);
    const old = setup("2026-11-20T12:00:00Z");
    await loadScenario(old.deps.db);
    expect((await old.notifier(hook).scan()).posted).toEqual([]);
    expect(hook.requests).toBe(0);
  });

  it("runs on its own timer without holding up ingestion, stops promptly on a hung webhook, and never logs its URL", async () => {
    const hook = await fakeWebhook(["hang"]);
    const t = setup();
    const n = t.notifier(hook, { intervalMs: 10, sleep: realSleep, timeoutMs: 60_000 });
    n.start();
    const started = performance.now();
    await push(t.deps, 0, 10);
    expect(performance.now() - started).toBeLessThan(2000);
    await expect.poll(() => hook.requests, { timeout: 5000 }).toBe(1);
    const stopping = performance.now();
    await n.stop();
    expect(performance.now() - stopping).toBeLessThan(1000);
    expect(t.logger.lines.join("\n")).not.toContain("secretwebhooktoken");
  });

  it("never logs the webhook URL when posting fails", async () => {
    const hook = await fakeWebhook([500, 500]);
    const t = setup();
    await push(t.deps, 0, 1);
    await t.notifier(hook, { maxAttempts: 2 }).scan();
    expect(t.logger.lines.length).toBeGreaterThan(0);
    expect(t.logger.lines.join("\n")).not.toContain("secretwebhooktoken");
    expect(t.logger.lines.join("\n")).not.toContain("127.0.0.1");
  });
});
