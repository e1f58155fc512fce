import { describe, expect, it } from "vitest";
import { postJson } from "../../test/support/app.js";
import { awslogs, logsDataMessage, lookupEventsOutput } from "../../test/support/envelopes.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { scenarioApp, scenarioLabels } from "../../test/support/scenario.js";
import { DenialDetail, DenialList, ExplainResult } from "./denials.schemas.js";

const { app, deps, get, error } = scenarioApp();

/** Follows nextCursor to the end. */
async function allDenials(query: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: { denials: { eventId: string }[]; nextCursor: string | null } = await get(
      `/v1/denials?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      DenialList,
    );
    seen.push(...page.denials.map((d) => d.eventId));
    cursor = page.nextCursor;
    if (!cursor) return { ids: seen, pages: pages + 1 };
  }
  throw new Error("pagination did not end");
}

describe("GET /v1/denials", () => {
  it("explains every labelled scenario denial as labelled: action, resource, deniedBy, fix target", async () => {
    const mismatches: string[] = [];
    for (const [eventId, label] of Object.entries(scenarioLabels.denials)) {
      const { explanation: e } = await get(`/v1/denials/${eventId}`, DenialDetail);
      const got = { action: e.action, resource: e.resource, deniedBy: e.deniedBy, fixTarget: e.fix.target };
      const want = {
        action: label.action,
        resource: label.resource,
        deniedBy: label.deniedBy,
        fixTarget: label.fixTarget,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${eventId}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      if (label.fixRoleArn && e.fix.roleArn !== label.fixRoleArn)
        mismatches.push(`${eventId}: fix.roleArn ${e.fix.roleArn}`);
      if (label.noise !== undefined && (e.noiseReason?.code ?? null) !== label.noise)
        mismatches.push(`${eventId}: noise ${e.noiseReason?.code ?? null}, want ${label.noise}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("lists newest first and pages through everything with no duplicate and no gap", async () => {
    const whole = await get("/v1/denials?includeNoise=true&limit=500", DenialList);
    expect(whole.nextCursor).toBeNull();
    const times = whole.denials.map((d) => d.eventTime);
    expect([...times].sort().reverse()).toEqual(times);
    const paged = await allDenials("includeNoise=true", 4);
    expect(paged.pages).toBeGreaterThan(3);
    expect(paged.ids).toEqual(whole.denials.map((d) => d.eventId));
    expect(new Set(paged.ids).size).toBe(paged.ids.length);
  });

  it("hides noise unless asked, and says why it is noise when shown", async () => {
    const all = await get("/v1/denials?includeNoise=true&limit=500", DenialList);
    const quiet = await get("/v1/denials?limit=500", DenialList);
    const noisy = all.denials.filter((d) => d.noise);
    expect(noisy.length).toBeGreaterThan(0);
    expect(quiet.denials).toHaveLength(all.denials.length - noisy.length);
    expect(noisy.every((d) => d.noiseReason !== null)).toBe(true);
  });

  it("filters by role, kind, action, account, time window and incident", async () => {
    const all = (await get("/v1/denials?includeNoise=true&limit=500", DenialList)).denials;
    const sample = all.find((d) => d.principal.kind === "ecs-task-execution");
    if (!sample?.principal.roleArn || !sample.action)
      throw new Error("scenario has no execution-role denial");
    const byRole = await get(
      `/v1/denials?includeNoise=true&limit=500&roleArn=${encodeURIComponent(sample.principal.roleArn)}`,
      DenialList,
    );
    expect(byRole.denials.length).toBe(
      all.filter((d) => d.principal.roleArn === sample.principal.roleArn).length,
    );
    const byKind = await get("/v1/denials?includeNoise=true&limit=500&kind=ecs-task-execution", DenialList);
    expect(byKind.denials.length).toBeGreaterThan(0);
    expect(byKind.denials.every((d) => d.principal.kind === "ecs-task-execution")).toBe(true);
    const byAction = await get(`/v1/denials?includeNoise=true&limit=500&action=${sample.action}`, DenialList);
    expect(byAction.denials.every((d) => d.action === sample.action)).toBe(true);
    expect(byAction.denials.map((d) => d.eventId)).toContain(sample.eventId);
    const other = await get("/v1/denials?includeNoise=true&limit=500&account=999999999999", DenialList);
    expect(other.denials).toEqual([]);
    const t = Date.parse(sample.eventTime);
    const window = await get(
      `/v1/denials?includeNoise=true&limit=500&since=${new Date(t).toISOString()}&until=${new Date(t + 1000).toISOString()}`,
      DenialList,
    );
    expect(window.denials.map((d) => d.eventId)).toContain(sample.eventId);
    expect(
      window.denials.every((d) => Date.parse(d.eventTime) >= t && Date.parse(d.eventTime) < t + 1000),
    ).toBe(true);
    const byIncident = await get(
      `/v1/denials?includeNoise=true&limit=500&incident=${sample.incidentId}`,
      DenialList,
    );
    expect(byIncident.denials.every((d) => d.incidentId === sample.incidentId)).toBe(true);
  });

  it("returns one denial with its raw record, and 404 for an unknown id", async () => {
    const [eventId] = Object.keys(scenarioLabels.denials);
    const detail = await get(`/v1/denials/${eventId}`, DenialDetail);
    expect(detail.raw.eventID).toBe(eventId);
    expect(detail.explanation.eventId).toBe(eventId);
    expect(await error("/v1/denials/no-such-event")).toEqual({ status: 404, code: "denials.not_found" });
  });

  it("carries the policy model's evaluation in the list, the detail and POST /v1/explain alike", async () => {
    const scpDenial = Object.entries(scenarioLabels.denials).find(([, l]) => l.deniedBy === "scp")?.[0] ?? "";
    const { explanation: e, raw } = await get(`/v1/denials/${scpDenial}`, DenialDetail);
    expect(e.evaluation).toMatchObject({
      decision: "explicitly-denied",
      agreement: "agrees",
      decidedBy: { layer: "scp", policyName: "deny-public-objects", sid: "DenyPublicAcls" },
    });
    const listed = await get("/v1/denials?action=s3:PutObjectAcl&includeNoise=true&limit=500", DenialList);
    expect(listed.denials.find((d) => d.eventId === scpDenial)?.evaluation).toEqual(e.evaluation);
    const res = await app.request("/v1/explain", postJson({ Records: [raw] }));
    const given = ExplainResult.parse(await res.json());
    expect(given.explanations[0]?.evaluation).toEqual(e.evaluation);
  });

  it("rejects bad query parameters with 400 naming the field", async () => {
    expect(await error("/v1/denials?limit=0")).toMatchObject({
      status: 400,
      code: "request.invalid",
      field: "limit",
    });
    expect(await error("/v1/denials?limit=501")).toMatchObject({ status: 400, field: "limit" });
    expect(await error("/v1/denials?since=yesterday")).toMatchObject({ status: 400, field: "since" });
    expect(await error("/v1/denials?kind=pirate")).toMatchObject({ status: 400, field: "kind" });
    expect(await error("/v1/denials?account=12")).toMatchObject({ status: 400, field: "account" });
    expect(await error("/v1/denials?roleArn=checkout")).toMatchObject({ status: 400, field: "roleArn" });
    expect(await error("/v1/denials?since=2026-11-17T00:00:00Z&until=2026-11-16T00:00:00Z")).toMatchObject({
      status: 400,
      field: "until",
    });
  });
});

describe("POST /v1/explain", () => {
  it("explains denials without storing them, and says which records it skipped or rejected", async () => {
    const before = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get();
    const denial = makeRecord({
      eventId: uuidFor(1, 7),
      eventTime: "2026-11-16T11:00:00Z",
      eventSource: "sqs.amazonaws.com",
      eventName: "SendMessage",
      roleName: "checkout-task-role",
      requestParameters: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/orders" },
      errorCode: "AccessDenied",
      errorMessage:
        "User: arn:aws:sts::111122223333:assumed-role/checkout-task-role/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:eu-west-1:111122223333:orders because no identity-based policy allows the sqs:sendmessage action",
    });
    const ok = makeRecord({ eventId: uuidFor(2, 7), eventTime: "2026-11-16T11:00:00Z" });
    const res = await app.request("/v1/explain", postJson({ Records: [denial, ok, { nope: 1 }] }));
    expect(res.status).toBe(200);
    const body = ExplainResult.parse(await res.json());
    expect(body.explanations).toHaveLength(1);
    expect(body.explanations[0]).toMatchObject({
      eventId: denial.eventID,
      principal: { roleArn: "arn:aws:iam::111122223333:role/checkout-task-role", kind: "ecs-task" },
      fix: { target: "ecs-task" },
    });
    expect(body.skipped).toEqual([
      { position: "record 1", reason: "not_a_denial", detail: "the call succeeded" },
    ]);
    expect(body.rejected).toMatchObject([{ position: "record 2", reason: "record.not_cloudtrail" }]);
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual(before);
  });

  it("accepts lookup-events output and the awslogs envelope as POST /v1/events does", async () => {
    const denial = makeRecord({
      eventId: uuidFor(3, 7),
      eventTime: "2026-11-16T11:00:00Z",
      errorCode: "AccessDenied",
      errorMessage:
        "User: arn:aws:sts::111122223333:assumed-role/checkout-task-role/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:eu-west-1:111122223333:orders because no identity-based policy allows the sqs:sendmessage action",
    });
    for (const body of [lookupEventsOutput([denial]), awslogs(logsDataMessage([denial]))]) {
      const res = await app.request("/v1/explain", postJson(body));
      expect(res.status).toBe(200);
      expect(ExplainResult.parse(await res.json()).explanations.map((e) => e.eventId)).toEqual([
        denial.eventID,
      ]);
    }
    const bad = await app.request("/v1/explain", postJson("{not json"));
    expect(bad.status).toBe(400);
  });
});

describe("POST /v1/explain with a pasted message", () => {
  const configMessage =
    "User: arn:aws:sts::111122223333:assumed-role/config-recorder-role/AWSConfig-Describe is not authorized to perform: SNS:Publish on resource: arn:aws:sns:eu-west-1:111122223333:config-changes because no identity-based policy allows the SNS:Publish action";

  it("explains the message alone with the stored catalogue's kind for its role, storing nothing", async () => {
    const before = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get();
    const res = await app.request("/v1/explain", postJson({ message: configMessage }));
    expect(res.status).toBe(200);
    const body = ExplainResult.parse(await res.json());
    expect(body.skipped).toEqual([]);
    expect(body.rejected).toEqual([]);
    expect(body.explanations).toHaveLength(1);
    const e = body.explanations[0];
    // The ARN alone says nothing of the role's kind: the scenario's catalogue knows it is Config's service role.
    expect(e).toMatchObject({
      eventId: "message",
      action: "sns:Publish",
      resource: "arn:aws:sns:eu-west-1:111122223333:config-changes",
      principal: {
        roleArn: "arn:aws:iam::111122223333:role/config-recorder-role",
        kind: "service-role",
        service: "config.amazonaws.com",
      },
      fix: { target: "service-role" },
    });
    expect(e?.caveats.map((c) => c.code)).toContain("message-only");
    expect(deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual(before);
  });

  it("takes the service when the message does not say it, and says what it could not know", async () => {
    const res = await app.request("/v1/explain", postJson({ message: "Access Denied", service: "s3" }));
    const [e] = ExplainResult.parse(await res.json()).explanations;
    expect(e?.eventSource).toBe("s3.amazonaws.com");
    expect(e?.caveats.map((c) => c.code)).toEqual(
      expect.arrayContaining(["message-only", "message-no-principal", "message-no-resource"]),
    );
  });

  it("refuses an empty message or an unknown key, naming the field", async () => {
    expect(await error("/v1/explain", postJson({ message: "  " }))).toEqual({
      status: 400,
      code: "request.invalid",
      field: "message",
    });
    expect(await error("/v1/explain", postJson({ message: configMessage, servce: "sns" }))).toEqual({
      status: 400,
      code: "request.invalid",
      field: "servce",
    });
  });
});
