import { beforeAll, describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { importScenarioOrg } from "../../test/support/scenario.js";
import { labels, loadScenario, scenarioRecords } from "../../test/support/slack-scenario.js";
import { ErrorEnvelope } from "../http/openapi.js";
import { checkMessage, unescapeMrkdwn } from "./block-kit.js";
import { signSlackRequest } from "./signature.js";
import { EnrichResponse, SlashCommandResponse } from "./slack.schemas.js";

const SECRET = "test-signing-secret-0123456789";
const TOKEN = "test-api-token-0123456789abcdef";
const NOW_S = Date.parse("2026-11-20T12:00:00Z") / 1000;

type App = ReturnType<typeof testApp>["app"];
let app: App;
let tokenApp: App;

beforeAll(async () => {
  const built = testApp({
    DENIEDBY_SLACK_SIGNING_SECRET: SECRET,
    DENIEDBY_PUBLIC_URL: "https://deniedby.example.com",
  });
  await loadScenario(built.deps.db);
  await importScenarioOrg(built.deps.db);
  app = built.app;
  const withToken = testApp({ DENIEDBY_SLACK_SIGNING_SECRET: SECRET, DENIEDBY_API_TOKEN: TOKEN });
  await loadScenario(withToken.deps.db);
  tokenApp = withToken.app;
});

const firstLabelled = Object.keys(labels.denials)[0] ?? "";
const pullDenial =
  Object.entries(labels.denials).find(([, l]) => l.action === "ecr:BatchGetImage")?.[0] ?? "";

async function enrich(body: unknown, target: App = app, headers: Record<string, string> = {}) {
  const res = await target.request("/v1/slack/enrich", postJson(body, headers));
  return { status: res.status, body: (await res.json()) as unknown };
}

function text(message: { blocks: unknown[] }): string {
  return unescapeMrkdwn(JSON.stringify(message.blocks));
}

/** A denial record outside the scenario: identical fingerprint for every n, different event id. */
const storm = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 7),
    eventTime: `2026-11-20T11:${String(n % 60).padStart(2, "0")}:00Z`,
    roleName: "payments-task",
    errorCode: "AccessDeniedException",
    eventSource: "dynamodb.amazonaws.com",
    eventName: "GetItem",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/payments-task/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/payments because no identity-based policy allows the dynamodb:GetItem action",
  });

describe("POST /v1/slack/enrich", () => {
  it("explains a stored denial by eventId, with its stored incident and a link back", async () => {
    const { status, body } = await enrich({ eventId: pullDenial });
    expect(status).toBe(200);
    const parsed = EnrichResponse.parse(body);
    expect(parsed.messages).toHaveLength(1);
    const m = parsed.messages[0];
    if (!m) throw new Error("no message");
    expect(m.eventId).toBe(pullDenial);
    expect(checkMessage(m)).toEqual([]);
    const t = text(m);
    expect(t).toContain("ecr:BatchGetImage");
    expect(t).toContain("What the ECS console shows");
    expect(t).not.toContain("not stored yet");
    expect(t).toContain(`https://deniedby.example.com/denials/${pullDenial}|Full explanation`);
  });

  const record = scenarioRecords.find((r) => r.eventID === firstLabelled) ?? {};
  const eventBridge = {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.sts",
    account: "111122223333",
    time: "2026-11-16T09:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: record,
  };
  const shapes: [string, unknown][] = [
    ["a CloudTrail record", record],
    ["an EventBridge event", eventBridge],
    ["an array of them", [record, eventBridge]],
    ["a log-file body", { Records: [record] }],
  ];
  for (const [name, body] of shapes)
    it(`explains ${name}`, async () => {
      const res = await enrich(body);
      expect(res.status).toBe(200);
      const parsed = EnrichResponse.parse(res.body);
      // The same denial twice is one incident: one message.
      expect(parsed.messages).toHaveLength(1);
      expect(parsed.messages[0]?.eventId).toBe(firstLabelled);
      expect(checkMessage(parsed.messages[0])).toEqual([]);
    });

  it("makes one message of an alert storm of 1,000 identical denials, counted, skipping what was not denied", async () => {
    const body = [
      ...Array.from({ length: 1000 }, (_, i) => storm(i)),
      makeRecord({ eventId: uuidFor(1, 8), eventTime: "2026-11-20T11:00:00Z" }),
    ];
    const res = await enrich(body);
    expect(res.status).toBe(200);
    const parsed = EnrichResponse.parse(res.body);
    expect(parsed.messages).toHaveLength(1);
    const t = text(parsed.messages[0] ?? { blocks: [] });
    expect(t).toContain("1,000 times in this alert (not stored yet)");
    expect(t).toContain("dynamodb:GetItem");
    expect(parsed.skipped).toEqual([
      expect.objectContaining({ position: "record 1000", reason: "record.not_denial" }),
    ]);
  });

  it("says in one line which statement the policy model finds deciding", async () => {
    const scpDenial = Object.entries(labels.denials).find(([, l]) => l.deniedBy === "scp")?.[0] ?? "";
    const { body } = await enrich({ eventId: scpDenial });
    const m = EnrichResponse.parse(body).messages[0];
    if (!m) throw new Error("no message");
    expect(checkMessage(m)).toEqual([]);
    expect(text(m)).toContain(
      "*Policy model:* explicit deny in the service control policy deny-public-objects",
    );
    expect(text(m)).toContain("attached to ou-ab12-workload1 (Sid DenyPublicAcls)");
    // Exempting the role from the SCP alone would not do: the fix says both changes, and both together work.
    expect(text(m)).toContain("*Fix:* Two changes. First: An organization policy denied the call.");
    expect(text(m)).toContain("Second change: the caller's own policy does not allow the call either");
    expect(text(m)).toContain("*Fix verified:* allowed");
  });

  it("answers 404 for an unknown eventId", async () => {
    const res = await enrich({ eventId: "00000000-0000-4000-8000-000000000000" });
    expect(res.status).toBe(404);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe("denials.not_found");
  });

  it("answers 400 for bodies that hold no denial or are not alerts", async () => {
    const cases: [unknown, string][] = [
      [{ foo: 1 }, "slack.no_denial"],
      [[1, 2], "slack.no_denial"],
      [makeRecord({ eventId: uuidFor(2, 8), eventTime: "2026-11-20T11:00:00Z" }), "slack.no_denial"],
      ['"just a string"', "request.invalid"],
      ["{not json", "request.invalid_json"],
    ];
    for (const [body, code] of cases) {
      const res = await enrich(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorEnvelope.parse(res.body).error.code, JSON.stringify(body)).toBe(code);
    }
  });

  it("needs the bearer token when one is set", async () => {
    expect((await enrich({ eventId: pullDenial }, tokenApp)).status).toBe(401);
    expect(
      (await enrich({ eventId: pullDenial }, tokenApp, { authorization: `Bearer ${TOKEN}` })).status,
    ).toBe(200);
  });
});

function form(textValue: string): string {
  return new URLSearchParams({
    token: "deprecated",
    team_id: "T1",
    channel_id: "C1",
    user_id: "U1",
    command: "/deniedby",
    text: textValue,
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: "1.2.3",
  }).toString();
}

function command(
  body: string,
  o: { secret?: string; timestamp?: number; signature?: string | null; target?: App } = {},
) {
  const ts = String(o.timestamp ?? NOW_S);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": ts,
  };
  const signature = o.signature === undefined ? signSlackRequest(o.secret ?? SECRET, ts, body) : o.signature;
  if (signature !== null) headers["x-slack-signature"] = signature;
  return (o.target ?? app).request("/v1/slack/commands", { method: "POST", headers, body });
}

async function answer(res: Response) {
  expect(res.status).toBe(200);
  const parsed = SlashCommandResponse.parse(await res.json());
  expect(parsed.response_type).toBe("ephemeral");
  expect(checkMessage(parsed)).toEqual([]);
  return { parsed, text: text(parsed) };
}

describe("POST /v1/slack/commands", () => {
  it("explains an event id, ephemerally, well within Slack's 3 seconds", async () => {
    const started = performance.now();
    const { text: t } = await answer(await command(form(pullDenial)));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(t).toContain("ecr:BatchGetImage");
    expect(t).toContain("Policy to add");
  });

  it("describes a role by name and by ARN, with its latest denials", async () => {
    for (const q of ["checkout-task-role", "arn:aws:iam::111122223333:role/checkout-task-role"]) {
      const { parsed, text: t } = await answer(await command(form(q)));
      expect(parsed.blocks[0]).toEqual({
        type: "header",
        text: { type: "plain_text", text: "Role checkout-task-role" },
      });
      expect(t).toContain("`ecs-task`");
      expect(t).toContain("Latest denials");
      expect(t).toMatch(/• `[a-z0-9-]+:\w+`/);
    }
  });

  it("answers usage for no text and 'nothing found' for what it does not know", async () => {
    expect((await answer(await command(form("")))).text).toContain("Usage:");
    expect((await answer(await command(form("no-such-role")))).text).toContain(
      "Nothing found for `no-such-role`",
    );
  });

  it("rejects invalid, missing and stale signatures and tampered bodies", async () => {
    const cases: [Response | Promise<Response>, string][] = [
      [command(form(pullDenial), { secret: "wrong-secret" }), "auth.invalid_signature"],
      [command(form(pullDenial), { signature: null }), "auth.missing_signature"],
      [command(form(pullDenial), { timestamp: NOW_S - 301 }), "auth.stale_signature"],
      [
        command(form("checkout-task-role"), {
          signature: signSlackRequest(SECRET, String(NOW_S), form(pullDenial)),
        }),
        "auth.invalid_signature",
      ],
    ];
    for (const [pending, code] of cases) {
      const res = await pending;
      expect(res.status).toBe(401);
      const raw = await res.text();
      expect(ErrorEnvelope.parse(JSON.parse(raw)).error.code).toBe(code);
      expect(raw).not.toContain(SECRET);
    }
  });

  it("is authenticated by Slack's signature, not the bearer token, when a token is set", async () => {
    await answer(await command(form(pullDenial), { target: tokenApp }));
    expect((await command(form(pullDenial), { target: tokenApp, secret: "nope" })).status).toBe(401);
  });

  it("answers 503 when no signing secret is configured", async () => {
    const { app: bare } = testApp();
    const res = await command(form(""), { target: bare });
    expect(res.status).toBe(503);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("slack.not_configured");
  });
});
