import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { awslogs, logsDataMessage, lookupEventsOutput } from "../../test/support/envelopes.js";
import { pushedDenial as denial, eventBridge, push, pushedUsage as usage } from "../../test/support/push.js";
import { uuidFor } from "../../test/support/records.js";
import { ErrorEnvelope } from "../http/openapi.js";
import { IngestResult } from "./events.schemas.js";

describe("POST /v1/events", () => {
  const shapes: [string, (n: number) => unknown, number, number][] = [
    ["one CloudTrail record", (n) => denial(n), 1, 1],
    ["one EventBridge event", (n) => eventBridge(denial(n)), 1, 1],
    ["an array of records and EventBridge events", (n) => [denial(n), eventBridge(usage(n))], 2, 1],
    ["a CloudTrail log file body", (n) => ({ Records: [usage(n), denial(n)] }), 2, 1],
    ["lookup-events output", (n) => lookupEventsOutput([usage(n), denial(n)]), 2, 1],
    ["a CloudWatch Logs subscription message", (n) => logsDataMessage([denial(n), usage(n)]), 2, 1],
    ["the awslogs envelope", (n) => awslogs(logsDataMessage([denial(n), usage(n)])), 2, 1],
  ];
  for (const [name, make, accepted, denials] of shapes) {
    it(`accepts ${name}, and stores nothing new when it comes again`, async () => {
      const { app, deps } = testApp();
      const first = await push(app, make(1));
      expect(first.status).toBe(200);
      expect(IngestResult.parse(first.body)).toEqual({
        accepted,
        denials,
        duplicates: 0,
        rejected: [],
        rejectedTotal: 0,
      });
      const again = await push(app, make(1));
      expect(IngestResult.parse(again.body)).toEqual({
        accepted: 0,
        denials: 0,
        duplicates: accepted,
        rejected: [],
        rejectedTotal: 0,
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
      rejectedTotal: 2,
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

  it("sets aside a record with a field of the wrong JSON type and stores the rest, never answering 500", async () => {
    const { app, deps } = testApp();
    const identity = denial(2).userIdentity as Record<string, unknown>;
    const res = await push(app, [
      denial(1),
      { ...denial(2), awsRegion: true },
      { ...denial(3), userIdentity: { ...identity, arn: ["a", "b"] } },
      { ...denial(4), awsRegion: [], errorCode: ["AccessDenied", "x"] },
    ]);
    expect(res.status).toBe(200);
    const body = IngestResult.parse(res.body);
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => [r.position, r.reason])).toEqual([
      ["record 1", "record.invalid_field"],
      ["record 2", "record.invalid_field"],
      ["record 3", "record.invalid_field"],
    ]);
    expect(body.rejected[1]?.detail).toContain("userIdentity.arn: expected a string, found an array");
    expect(deps.db.$client.prepare("SELECT event_id, region FROM denials").all()).toEqual([
      { event_id: uuidFor(1, 4), region: "eu-west-1" },
    ]);
  });

  it("refuses a body with more records than DENIEDBY_PUSH_MAX_RECORDS with 413, storing nothing of it", async () => {
    const { app, deps } = testApp({ DENIEDBY_PUSH_MAX_RECORDS: "3" });
    const res = await push(app, [denial(1), denial(2), denial(3), denial(4)]);
    expect(res.status).toBe(413);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe("request.too_many_records");
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual({ n: 0 });
    expect((await push(app, [denial(1), denial(2), denial(3)])).status).toBe(200);
  });

  it("lists the first 100 rejects, counts them all, and quarantines identical rejects as one row", async () => {
    const { app, deps } = testApp();
    const { eventID: _drop, ...noId } = denial(2);
    const res = await push(app, [denial(1), ...Array.from({ length: 250 }, () => noId)]);
    expect(res.status).toBe(200);
    const body = IngestResult.parse(res.body);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toHaveLength(100);
    expect(body.rejected[99]?.position).toBe("record 100");
    expect(body.rejectedTotal).toBe(250);
    const rows = () => deps.db.$client.prepare("SELECT position, reason, count FROM quarantine").all();
    expect(rows()).toEqual([{ position: "record 1", reason: "record.missing_event_id", count: 250 }]);
    await push(app, [denial(1), ...Array.from({ length: 250 }, () => noId)]);
    expect(rows()).toEqual([{ position: "record 1", reason: "record.missing_event_id", count: 250 }]);
  });

  it("sets aside a record nested 100,000 deep and stores the records around it", async () => {
    const { app, deps } = testApp();
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const text = `[${JSON.stringify(denial(1))},{"eventID":"x","nested":${deep}},${JSON.stringify(denial(3))}]`;
    const res = await app.request("/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
    });
    expect(res.status).toBe(200);
    const body = IngestResult.parse(await res.json());
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.position, r.reason])).toEqual([["record 1", "record.too_deep"]]);
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual({ n: 2 });
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
