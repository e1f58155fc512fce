import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RoleCatalogEntry, RoleKind } from "../../src/classify/kinds.js";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import { explainDenial } from "../../src/explain/explain.js";

interface GoldenCase {
  name: string;
  record: CloudTrailRecord;
  context?: { role?: RoleCatalogEntry; callKind?: RoleKind };
  expect: {
    action: string | null;
    resource: string | null;
    deniedBy: string;
    fixTarget: string;
    explicitDeny?: boolean;
    policyArn?: string;
    fixRoleArn?: string | null;
    fixReason?: string;
    actionSource?: string;
    policyResource?: string;
    policyActions?: string[];
    caveat?: string;
    noise?: string;
    dependency?: boolean;
    summaryContains?: string;
    commandContains?: string;
    consoleContains?: string;
    maxConfidence?: number;
  };
}

const cases = JSON.parse(
  readFileSync(new URL("../fixtures/explain/golden.json", import.meta.url), "utf8"),
) as GoldenCase[];

describe("explainDenial golden cases", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const e = explainDenial(c.record, c.context ?? {});
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
    expect(e.summary).toMatch(/\.$/);
  });
});

describe("explainDenial fix shape", () => {
  const first = cases[0];
  it("writes a put-role-policy command for the denied role that carries exactly the denied action", () => {
    if (!first) throw new Error("no golden cases");
    const e = explainDenial(first.record, first.context ?? {});
    expect(e.fix.policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        },
      ],
    });
    expect(e.fix.commands[0]).toMatch(
      /^aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name deniedby-secretsmanager-GetSecretValue --policy-document '\{/,
    );
  });

  it("groups denials of the same role, action and folded resource into one incident across tasks", () => {
    const base = cases.find((c) => c.name.startsWith("Application call with instance credentials"));
    if (!base) throw new Error("case missing");
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
