import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setImmediate as setImmediateTurn } from "node:timers/promises";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/db.js";
import { type FakeCloudTrail, fakeEvent, startFakeCloudTrail } from "../test/support/fake-cloudtrail.js";
import { manyDenials } from "../test/support/many-denials.js";
import { makeRecord, uuidFor } from "../test/support/records.js";
import { loadConfig } from "./config.js";
import { DenialList } from "./denials/denials.schemas.js";
import { Readiness } from "./health/health.schemas.js";
import type { StagePace } from "./pipeline/stage-pace.js";
import { type AwsManagedPolicies, createAwsManagedPolicies } from "./policy/index.js";
import { type RunningServer, startServer } from "./server.js";
import { clockAt } from "./shared/clock.js";

const saved: Record<string, string | undefined> = {};
let fake: FakeCloudTrail | undefined;

afterEach(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fake?.close();
  fake = undefined;
});

describe("npm start with DENIEDBY_LOOKUP_REGIONS", () => {
  it("polls the region and reports events read, source health and lag in /metrics", async () => {
    const now = Date.now();
    fake = await startFakeCloudTrail({
      events: Array.from({ length: 30 }, (_, i) =>
        fakeEvent(`metrics-${i}`, Math.floor((now - 30 * 60_000 - i * 1000) / 1000) * 1000, {
          errorCode: "AccessDenied",
        }),
      ),
    });
    // The SDK's own standard variables: endpoint and (dummy) credentials.
    const env = {
      AWS_ENDPOINT_URL_CLOUDTRAIL: fake.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
      DENIEDBY_LOOKUP_LOOKBACK_HOURS: "1",
    });
    const server = await startServer(config, { logger: pino({ level: "silent" }) });
    try {
      const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
      await expect
        .poll(metrics, { timeout: 20_000, interval: 200 })
        .toMatch(/^deniedby_source_events_read\{region="eu-west-1",source="lookup-events"\} 30$/m);
      const text = await metrics();
      expect(text).toMatch(/^deniedby_source_up\{region="eu-west-1",source="lookup-events"\} 1$/m);
      expect(text).toMatch(/^deniedby_source_lag_seconds\{region="eu-west-1",source="lookup-events"\} \d+/m);
      expect(text).toMatch(/^deniedby_denials_stored 30$/m);
    } finally {
      await server.close();
    }
  }, 30_000);
});

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((done) => s.close(() => done()));
});

describe("startServer with DENIEDBY_SLACK_WEBHOOK_URL", () => {
  it("posts a pushed denial's incident to the webhook in the background, and stops on close", async () => {
    const bodies: string[] = [];
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        bodies.push(body);
        res.end("ok");
      });
    });
    servers.push(hook);
    await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", () => ok()));
    const { port } = hook.address() as AddressInfo;
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T/B/x`,
      DENIEDBY_SLACK_INTERVAL_SECONDS: "1",
    });
    const now = Date.parse("2026-11-20T12:00:00Z");
    const server = await startServer(config, {
      logger: pino({ level: "silent" }),
      clock: clockAt(() => now),
    });
    try {
      const record = makeRecord({
        eventId: uuidFor(1, 11),
        eventTime: "2026-11-20T11:59:00Z",
        errorCode: "AccessDeniedException",
        errorMessage:
          "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:111122223333:orders because no identity-based policy allows the sqs:SendMessage action",
      });
      const res = await fetch(`${server.url}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(record),
      });
      expect(res.status).toBe(200);
      await expect.poll(() => bodies.length, { timeout: 5000, interval: 100 }).toBe(1);
      expect(bodies[0]).toContain("sqs:SendMessage");
      await expect
        .poll(async () => (await fetch(`${server.url}/metrics`)).text(), { timeout: 5000, interval: 100 })
        .toMatch(/^deniedby_slack_posts_total\{outcome="posted"\} 1$/m);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(
        /^# TYPE process_cpu_seconds_total counter$/m,
      );
    } finally {
      await server.close();
    }
  });
});

describe("startServer with DENIEDBY_RETENTION_DAYS", () => {
  it("prunes what is older than the retention at start (then daily), and brings the analysis up to date", async () => {
    const now = Date.parse("2026-11-20T12:00:00Z");
    const denial = (n: number, time: string) =>
      makeRecord({
        eventId: uuidFor(n, 71),
        eventTime: time,
        errorCode: "AccessDeniedException",
        errorMessage:
          "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action",
      });
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_RETENTION_DAYS: "30",
    });
    const first = await startServer(
      { ...config, DENIEDBY_RETENTION_DAYS: undefined },
      { logger: pino({ level: "silent" }), clock: clockAt(() => now) },
    );
    const count = (server: typeof first) =>
      server.deps.db.$client.prepare("SELECT count(*) FROM denials").pluck().get() as number;
    try {
      const pushed = await fetch(`${first.url}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([denial(1, "2026-09-01T10:00:00Z"), denial(2, "2026-11-19T10:00:00Z")]),
      });
      expect(pushed.status).toBe(200);
      expect(count(first)).toBe(2);
    } finally {
      await first.close();
    }
    const server = await startServer(config, {
      logger: pino({ level: "silent" }),
      clock: clockAt(() => now),
    });
    try {
      for (let i = 0; i < 100 && count(server) > 1; i++) await new Promise((r) => setTimeout(r, 50));
      expect(count(server)).toBe(1);
      const incident = server.deps.db.$client.prepare("SELECT count, first_seen FROM incidents").get();
      expect(incident).toEqual({ count: 1, first_seen: Date.parse("2026-11-19T10:00:00Z") });
    } finally {
      await server.close();
    }
  });
});

describe("start-up warnings", () => {
  it("logs a warning when the configured API token was trimmed, without the token", async () => {
    const token = "file-token-0123456789abcdef";
    const dir = tempDir();
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, `${token}\n`);
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DENIEDBY_DB: join(dir, "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_API_TOKEN_FILE: tokenFile,
    });
    const server = await startServer(config, { logger });
    try {
      const warned = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(
        warned.filter((l) => l.level === 40 && /DENIEDBY_API_TOKEN_FILE.*trimmed/.test(l.msg)),
      ).toHaveLength(1);
      expect(lines.join("")).not.toContain(token);
      const res = await fetch(`${server.url}/v1/roles`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** AWS managed policies over a little data, counting how often the data is loaded and how often it is asked. */
function countingPolicies() {
  const counts = { loads: 0, lookups: 0 };
  const load = () => {
    counts.loads++;
    const document = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*" }],
    };
    return {
      data: {
        AmazonECSTaskExecutionRolePolicy: {
          arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
          latestVersionId: "v1",
          versions: { v1: { createdDate: "2019-01-01T00:00:00Z", document } },
        },
      },
      version: "0.0.1",
    };
  };
  const inner = createAwsManagedPolicies(load);
  const policies: AwsManagedPolicies = {
    lookup: (...args) => {
      counts.lookups++;
      return inner.lookup(...args);
    },
    warm: () => inner.warm(),
    loaded: () => inner.loaded(),
  };
  return { policies, counts };
}

async function start(warmup: "on" | "off", policies: AwsManagedPolicies): Promise<RunningServer> {
  const config = loadConfig({
    PORT: "0",
    DENIEDBY_DB: join(tempDir(), "deniedby.db"),
    DENIEDBY_EXAMPLES: "on",
    DENIEDBY_POLICY_WARMUP: warmup,
  });
  return startServer(config, { logger: pino({ level: "silent" }), awsManagedPolicies: policies });
}

/** Explains every stored denial through the API (the example trail's), as a first visitor would. */
async function explainAll(url: string): Promise<number> {
  const list = DenialList.parse(await (await fetch(`${url}/v1/denials?limit=200`)).json());
  for (const d of list.denials) expect((await fetch(`${url}/v1/denials/${d.eventId}`)).status).toBe(200);
  return list.denials.length;
}

describe("the policy warm-up at start", () => {
  it("loads the AWS managed policies after listening, so the first explanations load nothing", async () => {
    const { policies, counts } = countingPolicies();
    const server = await start("on", policies);
    try {
      await server.warmed;
      expect(counts.loads).toBe(1);
      const ready = Readiness.parse(await (await fetch(`${server.url}/readyz`)).json());
      expect(ready.policies).toBe("warm");
      expect(await explainAll(server.url)).toBeGreaterThan(0);
      // The explanations did consult the managed policies, and loaded nothing more.
      expect(counts.lookups).toBeGreaterThan(0);
      expect(counts.loads).toBe(1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("without it, the first explanation pays for the load (what the warm-up takes off requests)", async () => {
    const { policies, counts } = countingPolicies();
    const server = await start("off", policies);
    try {
      await server.warmed;
      expect(counts.loads).toBe(0);
      expect(Readiness.parse(await (await fetch(`${server.url}/readyz`)).json()).policies).toBe("cold");
      await explainAll(server.url);
      expect(counts.loads).toBe(1);
      expect(Readiness.parse(await (await fetch(`${server.url}/readyz`)).json()).policies).toBe("warm");
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("a long run of the stages after a push", () => {
  it("lets /healthz be answered between its steps", async () => {
    const roles = Array.from({ length: 50 }, (_, i) => `service-${i}-role`);
    const order: string[] = [];
    const state = { pauses: 0, answeredAtPause: -1, url: "" };
    const pace: StagePace = {
      denials: 10,
      evidence: 10,
      pause: async () => {
        state.pauses++;
        if (state.pauses === 1)
          void fetch(`${state.url}/healthz`).then(
            (res) => {
              order.push(`healthz ${res.status}`);
              state.answeredAtPause = state.pauses;
            },
            () => order.push("healthz failed"),
          );
        await setImmediateTurn();
      },
    };
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_POLICY_WARMUP: "off",
    });
    const server = await startServer(config, { logger: pino({ level: "silent" }), stagePace: pace });
    state.url = server.url;
    try {
      const res = await fetch(`${server.url}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ Records: manyDenials(1_000, roles) }),
      });
      order.push(`push ${res.status}`);
      expect(order).toEqual(["healthz 200", "push 200"]);
      // Answered while the run still had steps to take: the run went on after it (1,000 denials, 10 a step).
      expect(state.pauses).toBeGreaterThanOrEqual(100);
      expect(state.answeredAtPause).toBeLessThan(state.pauses - 50);
      const pending = server.deps.db.$client
        .prepare("SELECT count(*) AS n FROM denials WHERE incident_id IS NULL")
        .get() as { n: number };
      expect(pending.n).toBe(0);
    } finally {
      await server.close();
    }
  }, 60_000);
});
