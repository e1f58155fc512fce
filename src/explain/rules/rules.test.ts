import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  caseFileRules,
  explainCase,
  loadExplainCases,
  rulesDir,
} from "../../../test/support/explain-cases.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { analyseDenial, denialFacts, explainDenial, explainWithRule } from "../explain.js";
import { explainRules } from "./index.js";

const cases = loadExplainCases();

describe("explanation cases, each decided by the rule whose file it sits in", () => {
  it.each(cases.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", (_name, c) => {
    const { rule, explanation: e } = explainWithRule(c.record, c.context ?? {});
    expect(rule).toBe(c.rule);
    const x = c.expect;
    expect(e.action).toBe(x.action);
    expect(e.resource).toBe(x.resource);
    expect(e.deniedBy).toBe(x.deniedBy);
    expect(e.fix.target).toBe(x.fixTarget);
    if (x.explicitDeny !== undefined) expect(e.explicitDeny).toBe(x.explicitDeny);
    if (x.policyArn !== undefined) expect(e.policyArn).toBe(x.policyArn);
    if (x.fixRoleArn !== undefined) expect(e.fix.roleArn).toBe(x.fixRoleArn);
    if (x.fixReason !== undefined) expect(e.fix.reason).toBe(x.fixReason);
    if (x.actionSource !== undefined) expect(e.actionSource).toBe(x.actionSource);
    if (x.policyResource !== undefined) expect(e.fix.policy?.Statement[0]?.Resource).toBe(x.policyResource);
    if (x.policyActions !== undefined) {
      const granted = e.fix.policy?.Statement[0]?.Action;
      expect(typeof granted === "string" ? [granted] : granted).toEqual(x.policyActions);
    }
    if (x.caveat !== undefined) expect(e.caveats.map((k) => k.code)).toContain(x.caveat);
    if (x.noise !== undefined) expect(e.noiseReason?.code).toBe(x.noise);
    else expect(e.noise).toBe(false);
    if (x.dependency !== undefined) expect(e.dependency).toBe(x.dependency);
    if (x.summaryContains !== undefined) expect(e.fix.summary).toContain(x.summaryContains);
    if (x.commandContains !== undefined) expect(e.fix.commands.join("\n")).toContain(x.commandContains);
    if (x.consoleContains !== undefined) expect(e.fix.consoleTexts.join("\n")).toContain(x.consoleContains);
    if (x.maxConfidence !== undefined) expect(e.fix.confidence).toBeLessThanOrEqual(x.maxConfidence);
    if (x.consoleEmpty) expect(e.fix.consoleTexts).toEqual([]);
    if (x.principalService !== undefined)
      expect(e.fix.policy?.Statement[0]?.Principal).toEqual({ Service: x.principalService });
    expect(e.summary).toMatch(/\.$/);
  });
});

describe("explainDenial fix shape", () => {
  it("writes a put-role-policy command for the denied role that carries exactly the denied action", () => {
    const first = explainCase(
      "Fargate execution role cannot read a task-definition secret (identity policy)",
    );
    const e = explainDenial(first.record, first.context ?? {});
    expect(e.fix.policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          // The secret's random suffix matched by ??????: the secret rotates versions, never its name.
          Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-??????",
        },
      ],
    });
    // Without a policy model the owned policy may exist unseen: it is read first, since put replaces it whole.
    expect(e.fix.commands[0]).toMatch(
      /^aws iam get-role-policy --role-name ecsTaskExecutionRole --policy-name deniedby-ecsTaskExecutionRole {2}# if it exists, merge/,
    );
    expect(e.fix.commands[1]).toMatch(
      /^aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name deniedby-ecsTaskExecutionRole --policy-document '\{/,
    );
  });

  it("groups denials of the same role, action and folded resource into one incident across tasks", () => {
    const base = explainCase("Application call with instance credentials: the task has no task role");
    const other: CloudTrailRecord = {
      ...base.record,
      eventID: "other",
      userIdentity: {
        ...base.record.userIdentity,
        arn: "arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0fffffffffffffff0",
      },
      resources: [{ type: "AWS::S3::Object", ARN: "arn:aws:s3:::reports-prod/2026/03/other.csv" }],
    };
    const a = explainDenial(base.record, base.context ?? {});
    const b = explainDenial(other, base.context ?? {});
    expect(b.incidentId).toBe(a.incidentId);
    const c = explainDenial({ ...other, eventName: "PutObject" }, base.context ?? {});
    expect(c.incidentId).not.toBe(a.incidentId);
  });
});

describe("the rule list", () => {
  it("is tried in this order (see the reasons in rules/index.ts)", () => {
    expect(explainRules.map((r) => r.name)).toEqual([
      "org-policy",
      "permissions-boundary",
      "session-policy",
      "vpc-endpoint-policy",
      "role-trust",
      "resource-policy",
      "pass-role",
      "assume-role",
      "service-principal",
      "identity-center",
      "service-role",
      "chained-role",
      "eks-node-image-pull",
      "ecs-image-pull-instance",
      "ecs-image-pull",
      "ecs-exec",
      "ecs-agent",
      "ecs-launch-kms",
      "ecs-launch-logs",
      "ecs-launch-secrets",
      "ecs-instance-fallback",
      "dual-use-task",
      "ecs-task-app",
      "no-evidence",
      "kind-unknown",
      "principal-kind",
    ]);
  });

  it("has every rule in its own file with its own cases, and no cases for a rule not in the list", () => {
    for (const rule of explainRules)
      expect(existsSync(join(rulesDir, `${rule.name}.rule.ts`)), rule.name).toBe(true);
    expect(caseFileRules()).toEqual(explainRules.map((r) => r.name).sort());
  });

  it("has every rule reached by at least one case", () => {
    const reached = new Set(cases.map((c) => explainWithRule(c.record, c.context ?? {}).rule));
    expect(explainRules.map((r) => r.name).filter((name) => !reached.has(name))).toEqual([]);
  });

  it("ends with a rule that always applies, so every denial is explained", () => {
    const last = explainRules.at(-1);
    const record: CloudTrailRecord = {
      eventID: "x",
      eventTime: "2026-03-01T10:00:00Z",
      eventSource: "",
      eventName: "",
    };
    expect(last?.applies(denialFacts(record, analyseDenial(record)))).toBe(true);
  });
});
