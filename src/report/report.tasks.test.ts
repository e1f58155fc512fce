import { describe, expect, it } from "vitest";
import { ecsExecActions } from "../cloudtrail/ecs-calls.js";
import { execSwitchOf, taskDefinitionOf } from "../cloudtrail/ecs-task-records.js";
import { type RoleActions, taskFindingsFor } from "./report.tasks.js";

const ACCOUNT = "123456789012";
const record = (eventName: string, requestParameters: Record<string, unknown>, response: unknown = null) => ({
  eventName,
  eventTime: "2026-11-16T10:00:00Z",
  recipientAccountId: ACCOUNT,
  requestParameters,
  responseElements: response,
});
const register = (family: string, params: Record<string, unknown>) =>
  record("RegisterTaskDefinition", { family, containerDefinitions: [{ name: "app" }], ...params });
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

function findings(records: unknown[], grants: Record<string, RoleActions>, role: string | null = null) {
  return taskFindingsFor({
    definitions: records.flatMap((r) => taskDefinitionOf(r) ?? []),
    switches: records.flatMap((r) => execSwitchOf(r) ?? []),
    grantsOf: (roleArn) => grants[roleArn] ?? { status: "unknown", actions: new Set() },
    role,
  });
}
const known = (actions: readonly string[]): RoleActions => ({ status: "known", actions: new Set(actions) });

describe("task definition records", () => {
  it("keep the names of literal environment variables and never their values", () => {
    const d = taskDefinitionOf(
      register("web", {
        containerDefinitions: [
          {
            name: "app",
            environment: [
              { name: "DB_PASSWORD", value: "hunter2-secret-value" },
              { name: "EMPTY_TOKEN", value: "" },
            ],
          },
        ],
      }),
    );
    expect(d?.containers[0]?.literalEnvironment).toEqual(["DB_PASSWORD"]);
    expect(JSON.stringify(d)).not.toContain("hunter2-secret-value");
  });

  it("read nothing from a failed registration", () => {
    expect(taskDefinitionOf({ ...register("web", {}), errorCode: "AccessDenied" })).toBeNull();
  });
});

describe("task findings", () => {
  it("flag secret-looking literals only, on the latest revision of a family", () => {
    const env = (environment: unknown[]) => ({ containerDefinitions: [{ name: "app", environment }] });
    const older = register("web", env([{ name: "API_TOKEN", value: "x" }]));
    const latest = register(
      "web",
      env([
        { name: "SIGNING_KEY", value: "y" },
        { name: "REGION", value: "z" },
      ]),
    );
    const out = findings([older, latest], {});
    expect(out.findings.map((f) => f.names)).toEqual([["app/SIGNING_KEY"]]);
  });

  it("predict ECS Exec failing only when the task role's grants are known to lack a channel", () => {
    const def = register("web", { taskRoleArn: arn("web-task") });
    const on = record("UpdateService", {
      cluster: "main",
      service: "web",
      taskDefinition: "web:3",
      enableExecuteCommand: true,
    });
    expect(findings([def, on], { [arn("web-task")]: known(ecsExecActions) }).findings).toEqual([]);
    const three = known(ecsExecActions.slice(1));
    expect(findings([def, on], { [arn("web-task")]: three }).findings[0]?.names).toEqual([
      "ssmmessages:CreateControlChannel",
    ]);
    // Partly known: unseen policies may grant it, so it is unknown, not a finding.
    const partial = findings([def, on], { [arn("web-task")]: { ...three, status: "partial" } });
    expect(partial.findings).toEqual([]);
    expect(partial.unknown).toEqual([expect.stringContaining("partly unknown")]);
  });

  it("follow a service's later switches: turned off again, nothing to predict", () => {
    const def = register("web", { taskRoleArn: "web-task" });
    const on = record("CreateService", {
      serviceName: "web",
      taskDefinition: "web",
      enableExecuteCommand: true,
    });
    const off = record("UpdateService", { service: "web", enableExecuteCommand: false });
    expect(findings([def, on], {}).unknown).toHaveLength(1);
    expect(findings([def, on, off], {})).toEqual({ findings: [], unknown: [] });
  });

  it("use a RunTask's task role override, named by role name", () => {
    const def = register("job", { taskRoleArn: arn("job-task") });
    const run = record("RunTask", {
      taskDefinition: "job:1",
      enableExecuteCommand: true,
      overrides: { taskRoleArn: "debug-task" },
    });
    const out = findings([def, run], {
      [arn("job-task")]: known(ecsExecActions),
      [arn("debug-task")]: known([]),
    });
    expect(out.findings.map((f) => f.roleArn)).toEqual([arn("debug-task")]);
  });
});
