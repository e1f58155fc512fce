import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { postJson, testApp } from "../test/support/app.js";
import { tempDir } from "../test/support/db.js";
import { makeRecord, uuidFor } from "../test/support/records.js";
import { denialsCommand } from "./cli/denials.command.js";
import { openDb } from "./db/client.js";
import { DenialDetail, DenialList } from "./denials/denials.schemas.js";
import { IngestResult } from "./events/events.schemas.js";
import { Incident, IncidentList } from "./incidents/incidents.schemas.js";
import { LeastPrivilegeReport } from "./report/report.schemas.js";
import { EnrichResponse } from "./slack/slack.schemas.js";

const A = "111122223333";
const ROLE = "ops-agent";
const ROLE_ARN = `arn:aws:iam::${A}:role/${ROLE}`;
/** A task-id session name: with nothing else known, the role reads as an ECS task role. */
const SESSION = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const denial = makeRecord({
  eventId: uuidFor(1, 21),
  eventTime: "2026-11-18T10:00:00Z",
  roleName: ROLE,
  session: SESSION,
  eventSource: "dynamodb.amazonaws.com",
  eventName: "PutItem",
  errorCode: "AccessDeniedException",
  errorMessage: `User: arn:aws:sts::${A}:assumed-role/${ROLE}/${SESSION} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:${A}:table/orders because no identity-based policy allows the dynamodb:PutItem action`,
});
const eventId = String(denial.eventID);

/** New evidence: IAM created this role as a service-linked role. */
const serviceLinked = makeRecord({
  eventId: uuidFor(2, 21),
  eventTime: "2026-11-18T11:00:00Z",
  eventSource: "iam.amazonaws.com",
  eventName: "CreateServiceLinkedRole",
  requestParameters: { aWSServiceName: "ops.amazonaws.com" },
  userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${A}:user/admin`, accountId: A },
});
(serviceLinked as { responseElements: unknown }).responseElements = {
  role: { arn: ROLE_ARN, roleName: ROLE, path: "/" },
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** What every reader of a stored denial says about it, read through the API, Slack, the report and the CLI. */
async function views(app: ReturnType<typeof testApp>["app"], dbPath: string, kind: string) {
  const json = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    expect(res.status, path).toBe(200);
    return res.json() as Promise<unknown>;
  };
  const ids = async (query: string) =>
    DenialList.parse(await json(`/v1/denials?${query}`)).denials.map((d) => d.eventId);
  const body = DenialDetail.parse(await json(`/v1/denials/${eventId}`)).explanation;
  const incident = Incident.parse(await json(`/v1/incidents/${body.incidentId}`));
  const incidents = IncidentList.parse(await json("/v1/incidents")).incidents.map((i) => i.id);
  const report = LeastPrivilegeReport.parse(await json("/v1/reports/least-privilege?format=json"));
  const slack = EnrichResponse.parse(await json("/v1/slack/enrich", postJson({ eventId })));
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  expect(await denialsCommand(["--db", dbPath, "--format", "json", "--include-noise"])).toBe(0);
  const cli = out.mock.calls.map(
    (c) => JSON.parse(String(c[0])) as { eventId: string; noise: boolean; principal: { kind: string } },
  );
  out.mockRestore();
  return {
    listed: (await ids("")).includes(eventId),
    listedWithNoise: (await ids("includeNoise=true")).includes(eventId),
    listedUnderKind: (await ids(`kind=${kind}&includeNoise=true`)).includes(eventId),
    body: { kind: body.principal.kind, noise: body.noise, noiseReason: body.noiseReason?.code ?? null },
    incident: { id: incident.id, noise: incident.noise, noiseReason: incident.noiseReason },
    incidentListed: incidents.includes(body.incidentId),
    reportKind: report.groups.find((g) => g.roles.some((r) => r.roleArn === ROLE_ARN))?.kind,
    reportDenials: report.groups.flatMap((g) => g.roles).find((r) => r.roleArn === ROLE_ARN)?.denials,
    reportNoiseDenials: report.groups.flatMap((g) => g.roles).find((r) => r.roleArn === ROLE_ARN)
      ?.noiseDenials,
    slackSaysNoise: JSON.stringify(slack.messages[0]?.blocks).includes("Noise:"),
    slackKind: JSON.stringify(slack.messages[0]?.blocks).includes(`kind \`${kind}\``),
    cli: cli.find((e) => e.eventId === eventId),
    incidentId: body.incidentId,
  };
}

describe("one explanation per denial", () => {
  it("list filters, the body, the incident, Slack, the report and the CLI agree before and after a role is reclassified", async () => {
    const path = join(tempDir(), "agreement.db");
    const { app } = testApp({ DENIEDBY_DB: path }, { db: openDb({ path }) });
    const push = async (records: unknown[]) =>
      IngestResult.parse(await (await app.request("/v1/events", postJson(records))).json());

    expect((await push([denial])).denials).toBe(1);
    const before = await views(app, path, "ecs-task");
    expect(before).toMatchObject({
      listed: true,
      listedWithNoise: true,
      listedUnderKind: true,
      body: { kind: "ecs-task", noise: false, noiseReason: null },
      incident: { noise: false, noiseReason: null },
      incidentListed: true,
      reportKind: "ecs-task",
      reportDenials: 1,
      reportNoiseDenials: 0,
      slackSaysNoise: false,
      slackKind: true,
      cli: { noise: false, principal: { kind: "ecs-task" } },
    });

    // The trail now says AWS created the role for a service: its denials are AWS acting, noise.
    expect((await push([serviceLinked])).accepted).toBe(1);
    const after = await views(app, path, "service-linked");
    expect(after).toMatchObject({
      listed: false,
      listedWithNoise: true,
      listedUnderKind: true,
      body: { kind: "service-linked", noise: true, noiseReason: "aws-service-principal" },
      incident: { id: before.incidentId, noise: true, noiseReason: "aws-service-principal" },
      incidentListed: false,
      reportKind: "service-linked",
      // The report counts noise as the listing does (the stored flag): apart, not among the role's denials.
      reportDenials: 0,
      reportNoiseDenials: 1,
      slackSaysNoise: true,
      slackKind: true,
      cli: { noise: true, principal: { kind: "service-linked" } },
    });
    // No trace of the old kind is left in any listing.
    const stillTask = await app.request("/v1/denials?kind=ecs-task&includeNoise=true");
    expect(DenialList.parse(await stillTask.json()).denials.map((d) => d.eventId)).not.toContain(eventId);
  });
});
