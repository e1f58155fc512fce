import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAuditLine } from "./audit-line.js";
import { isAuditLogName } from "./ecs-audit.source.js";

const lines = readFileSync(
  new URL("../../../test/fixtures/ecs-agent-audit/audit.log", import.meta.url),
  "utf8",
).split("\n");
const line = (n: number) => lines[n - 1] ?? "";
const TASK = "arn:aws:ecs:eu-west-1:111122223333:task/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const INSTANCE =
  "arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/6a3e0a1bc07f4d6f9f2b3a8e2d1c0b9a";

describe("an ECS agent credential audit line", () => {
  it("reads a task role request: time, status, caller, path, user agent with spaces, task, cluster, instance", () => {
    expect(parseAuditLine(line(2))).toEqual({
      ok: true,
      request: {
        time: Date.parse("2026-11-18T09:58:05Z"),
        status: 200,
        callerAddress: "172.17.0.5:52444",
        uri: "/v2/credentials",
        callerAgent: "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#20.18.0 api/dynamodb#3.654.0",
        taskArn: TASK,
        roleType: "task",
        cluster: "prod",
        containerInstanceArn: INSTANCE,
      },
    });
  });

  it("reads the agent's own execution-role request, its empty fields as null", () => {
    expect(parseAuditLine(line(1))).toMatchObject({
      ok: true,
      request: { callerAddress: null, callerAgent: null, taskArn: TASK, roleType: "execution", status: 200 },
    });
  });

  it("reads a refused request with no task, a version 1 line as AWS's example has it, and a line with no role type", () => {
    expect(parseAuditLine(line(4))).toMatchObject({ ok: true, request: { status: 400, taskArn: null } });
    expect(parseAuditLine(line(5))).toMatchObject({
      ok: true,
      request: { uri: "/v1/credentials", callerAgent: expect.stringMatching(/^python-requests\/2\.7\.0 /) },
    });
    expect(parseAuditLine(line(6))).toMatchObject({
      ok: true,
      request: { roleType: "invalid", cluster: null, containerInstanceArn: null, status: 400 },
    });
  });

  it.each([
    [8, "no quoted credentials URI"],
    [9, "no timestamp at the start of the line"],
    [10, "no timestamp at the start of the line"],
    [11, "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60718 is not a task ARN"],
  ])("refuses line %i: %s", (n, detail) => {
    expect(parseAuditLine(line(n))).toEqual({ ok: false, detail });
  });

  it("refuses what is cut short or unquoted, and takes a line ending in CR", () => {
    expect(parseAuditLine("2026-11-18T09:58:05Z 200")).toEqual({
      ok: false,
      detail: "no quoted credentials URI",
    });
    expect(parseAuditLine('2026-11-18T09:58:05Z 200 - "/v2/credentials"')).toEqual({
      ok: false,
      detail: "the line ends before the task ARN",
    });
    expect(
      parseAuditLine(`2026-11-18T09:58:05Z 200 - "/v2/credentials" agent ${TASK} GetCredentials 2 prod -`),
    ).toEqual({ ok: false, detail: "no quoted user agent" });
    expect(parseAuditLine(`${line(2)}\r`)).toMatchObject({
      ok: true,
      request: { containerInstanceArn: INSTANCE },
    });
  });

  it("names the live log and its hourly rotations, nothing else", () => {
    expect(
      ["audit.log", "audit.log.2016-07-13-16", "audit.log.2026-11-18-09.gz"].map(isAuditLogName),
    ).toEqual([true, true, true]);
    expect(["ecs-agent.log", "audit.log.old", "audit.json"].map(isAuditLogName)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
