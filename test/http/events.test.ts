import { describe, expect, it } from "vitest";
import { ErrorEnvelope, IngestResult } from "../../src/http/schemas.js";
import { postJson, testApp } from "../support/app.js";
import { makeRecord, uuidFor } from "../support/records.js";

const T = "2026-11-16T10:00:00Z";
const denial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 4),
    eventTime: T,
    errorCode: "AccessDeniedException",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action",
  });
const usage = (n: number) => makeRecord({ eventId: uuidFor(n, 5), eventTime: T });
const eventBridge = (record: Record<string, unknown>) => ({
  version: "0",
  id: "0d4f0000-0000-4000-8000-000000000001",
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.dynamodb",
  account: "111122223333",
  time: T,
  region: "eu-west-1",
  resources: [],
  detail: record,
});

async function push(
  app: ReturnType<typeof testApp>["app"],
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await app.request("/v1/events", postJson(body, headers));
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("POST /v1/events", () => {
  const shapes: [string, (n: number) => unknown, number, number][] = [
    ["one CloudTrail record", (n) => denial(n), 1, 1],
    ["one EventBridge event", (n) => eventBridge(denial(n)), 1, 1],
    ["an array of records and EventBridge events", (n) => [denial(n), eventBridge(usage(n))], 2, 1],
    ["a CloudTrail log file body", (n) => ({ Records: [usage(n), denial(n)] }), 2, 1],
  ];
  for (const [name, make, accepted, denials] of shapes) {
    it(`accepts ${name}, and stores nothing new when it comes again`, async () => {
      const { app, deps } = testApp();
      const first = await push(app, make(1));
      expect(first.status).toBe(200);
      expect(IngestResult.parse(first.body)).toEqual({ accepted, denials, duplicates: 0, rejected: [] });
      const again = await push(app, make(1));
      expect(IngestResult.parse(again.body)).toEqual({
        accepted: 0,
        denials: 0,
        duplicates: accepted,
        rejected: [],
      });
      const stored = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number };
      expect(stored.n).toBe(denials);
    });
  }

  it("rejects bad records one by one with their position and stores the rest", async () => {
    const { app, deps } = testApp();
    const { eventID: _drop, ...noId } = denial(2);
    const res = await push(app, [denial(1), noId, 42]);
    expect(res.status).toBe(200);
    expect(IngestResult.parse(res.body)).toEqual({
      accepted: 1,
      denials: 1,
      duplicates: 0,
      rejected: [
        { position: "record 1", reason: "record.missing_event_id", detail: "eventID is missing or empty" },
        { position: "record 2", reason: "record.not_object", detail: "found number" },
      ],
    });
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM quarantine").get()).toEqual({ n: 2 });
    // The same bad body again: reported again, quarantined once.
    const again = await push(app, [denial(1), noId, 42]);
    expect(IngestResult.parse(again.body).rejected).toHaveLength(2);
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM quarantine").get()).toEqual({ n: 2 });
    // Another body with a bad record at the same position is kept apart.
    await push(app, [denial(3), { ...noId, eventName: "Other" }]);
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM quarantine").get()).toEqual({ n: 3 });
  });

  it("answers 400 request.invalid_json for a body that is not JSON", async () => {
    const { app } = testApp();
    const res = await push(app, "{not json");
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe("request.invalid_json");
  });

  it("answers 400 for JSON that is neither an object nor an array, naming the body", async () => {
    const { app } = testApp();
    const res = await push(app, '"just a string"');
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe("request.invalid");
  });

  it("answers 413 for a body over the limit and 415 for a body that is not JSON-typed", async () => {
    const { app } = testApp({ DENIEDBY_BODY_LIMIT: "2048" });
    const big = await push(app, { Records: Array.from({ length: 10 }, (_, i) => usage(i)) });
    expect(big.status).toBe(413);
    expect(ErrorEnvelope.parse(big.body).error.code).toBe("request.too_large");
    const res = await app.request("/v1/events", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("request.unsupported_media_type");
  });
});

describe("authentication", () => {
  const token = "s3cret-token-0123456789";

  it("requires the bearer token on /v1 routes once one is configured, and never echoes it", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    const none = await push(app, usage(1));
    expect(none.status).toBe(401);
    expect(ErrorEnvelope.parse(none.body).error.code).toBe("auth.missing_token");
    const wrong = await push(app, usage(1), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(ErrorEnvelope.parse(wrong.body).error.code).toBe("auth.invalid_token");
    expect(JSON.stringify(wrong.body)).not.toContain(token);
    const right = await push(app, usage(1), { authorization: `Bearer ${token}` });
    expect(right.status).toBe(200);
  });

  it("guards every /v1 route, reads and writes alike", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    const routes: [string, string][] = [
      ["GET", "/v1/denials"],
      ["GET", "/v1/denials/x"],
      ["GET", "/v1/incidents"],
      ["GET", "/v1/incidents/x"],
      ["GET", "/v1/roles"],
      ["GET", "/v1/roles/lookup?arn=arn:aws:iam::111122223333:role/x"],
      ["POST", "/v1/events"],
      ["POST", "/v1/explain"],
    ];
    for (const [method, path] of routes) {
      const res = await app.request(path, method === "POST" ? postJson(usage(1)) : { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      const ok = await app.request(path, {
        ...(method === "POST" ? postJson(usage(1)) : { method }),
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      });
      expect(ok.status, `${method} ${path} with the token`).not.toBe(401);
    }
  });

  it("leaves health and readiness open", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/readyz")).status).toBe(200);
  });

  it("needs no token when none is configured", async () => {
    const { app } = testApp();
    expect((await push(app, usage(1))).status).toBe(200);
  });
});

describe("health, readiness, metrics, errors", () => {
  it("reports not ready once the database is closed", async () => {
    const { app, deps } = testApp();
    deps.db.$client.close();
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("service.unavailable");
  });

  it("counts requests by route and status, ingest by source and outcome, and stored denials", async () => {
    const { app } = testApp();
    await push(app, [denial(1), usage(1)]);
    await push(app, [denial(1)]);
    await app.request("/v1/nowhere");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain('deniedby_http_requests_total{route="/v1/events",status="200"} 2');
    expect(text).toContain('deniedby_http_requests_total{route="unmatched",status="404"} 1');
    expect(text).toContain('deniedby_ingest_events_total{outcome="denials",source="push"} 1');
    expect(text).toContain('deniedby_ingest_events_total{outcome="duplicates",source="push"} 1');
    expect(text).toMatch(/^deniedby_denials_stored 1$/m);
  });

  it("answers unknown routes with the error envelope and a request id", async () => {
    const { app } = testApp();
    const res = await app.request("/v2/anything");
    expect(res.status).toBe(404);
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error.code).toBe("route.not_found");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves an OpenAPI document describing the routes", async () => {
    const { app } = testApp();
    const doc = (await (await app.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/readyz",
        "/v1/events",
        "/v1/explain",
        "/v1/denials",
        "/v1/denials/{eventId}",
        "/v1/incidents",
        "/v1/incidents/{id}",
        "/v1/roles",
        "/v1/roles/lookup",
      ]),
    );
  });
});
