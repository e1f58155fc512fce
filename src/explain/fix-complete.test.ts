import { describe, expect, it } from "vitest";
import {
  ACCOUNT,
  allowDocument,
  createRole,
  deniedCall,
  permissionsBoundary,
  policyEvent,
  policyViewOf,
  putRolePolicy,
} from "../../test/support/policy-events.js";
import { explainDenial } from "./explain.js";
import type { Explanation } from "./explanation.schema.js";

/**
 * Issue 13 step 3: a fix that works at the next call too. Each case failed on main before this change: the image
 * pull without its token, ECS Exec with one channel, the snapshot without its snapshot resource, a dated S3 key
 * granted as it was, a second fix replacing the first, and a fix verified on the denied call alone.
 */

const at = "2026-03-01T09:00:00Z";
const when = "2026-03-01T10:00:00Z";
const because = (action: string) => `because no identity-based policy allows the ${action} action`;

function denied(id: string, action: string, resource: string, params: Record<string, unknown> = {}) {
  const [service = "", name = ""] = action.split(":");
  return deniedCall(id, when, {
    roleName: "app",
    source: service,
    name,
    action,
    resource,
    because: because(action),
    params,
  });
}

const statements = (e: Explanation) => e.fix.policy?.Statement ?? [];

describe("companion actions", () => {
  it("grants an image pull whole: the manifest, the layers and their check on the repository, the token on *", () => {
    const repo = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/web`;
    const e = explainDenial(denied("d-1", "ecr:BatchGetImage", repo, { repositoryName: "web" }));
    expect(statements(e)).toEqual([
      {
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        Resource: repo,
      },
      // ecr:GetAuthorizationToken has no resource type: its own statement, on *.
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    ]);
  });

  it("grants ECS Exec's four message channels, on * (ssmmessages has no resource types)", () => {
    const e = explainDenial(denied("d-2", "ssmmessages:OpenDataChannel", "*"), { callKind: "ecs-task" });
    const [only, ...rest] = statements(e);
    expect(rest).toEqual([]);
    expect(only?.Resource).toBe("*");
    expect([only?.Action].flat().sort()).toEqual([
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]);
  });

  it("grants a log stream's creation and its events on the group's streams, named from a group-only resource", () => {
    const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/web`;
    const e = explainDenial(denied("d-3", "logs:CreateLogStream", group, { logGroupName: "/ecs/web" }));
    expect(statements(e)).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${group}:log-stream:*`,
      },
    ]);
  });
});

describe("every required resource type", () => {
  it("grants ec2:CreateSnapshot on the volume and on the snapshots it creates (both required by the catalogue)", () => {
    const volume = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
    const e = explainDenial(
      denied("d-4", "ec2:CreateSnapshot", volume, { volumeId: "vol-0123456789abcdef0" }),
    );
    expect(statements(e)).toEqual([
      // Snapshot ARNs name no account; the region is the call's.
      {
        Effect: "Allow",
        Action: "ec2:CreateSnapshot",
        Resource: [volume, "arn:aws:ec2:eu-west-1::snapshot/*"],
      },
    ]);
  });
});

describe("resources generalised where names rotate, never beyond the evidence", () => {
  const bucket = "arn:aws:s3:::acme-exports";
  it("grants tomorrow's export: the dated folders under the prefix, not the bucket", () => {
    const e = explainDenial(denied("d-5", "s3:GetObject", `${bucket}/exports/2026/11/29/file.csv`));
    expect(statements(e)[0]?.Resource).toBe(`${bucket}/exports/????/??/??/*`);
  });

  it("keeps a key that does not rotate as it is, and never widens to the bucket or the account", () => {
    const e = explainDenial(denied("d-6", "s3:GetObject", `${bucket}/config/app.json`));
    expect(statements(e)[0]?.Resource).toBe(`${bucket}/config/app.json`);
    const top = explainDenial(denied("d-7", "s3:GetObject", `${bucket}/2026-11-29/file.csv`));
    expect(statements(top)[0]?.Resource).toBe(`${bucket}/????-??-??/*`);
    for (const r of [statements(e)[0]?.Resource, statements(top)[0]?.Resource])
      expect(r).not.toMatch(/^(\*|arn:aws:s3:::acme-exports\/\*|arn:aws:s3:::\*.*)$/);
  });
});

describe("one deniedby-owned policy per role that accumulates", () => {
  const role = createRole("e-1", at, "app");
  const table = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
  const put = denied("d-8", "dynamodb:PutItem", table, { tableName: "orders" });
  const customers = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/customers`;
  const read = denied("d-9", "dynamodb:Query", customers, { tableName: "customers" });
  const get = denied("d-10", "dynamodb:GetItem", table, { tableName: "orders" });

  it("merges a second fix into the policy the first one wrote, so it replaces nothing", () => {
    const first = explainDenial(put, { policies: policyViewOf([role]) });
    expect(first.fix.commands).toEqual([
      expect.stringMatching(/^aws iam put-role-policy --role-name app --policy-name deniedby-app /),
    ]);
    expect(first.fix.verified).toBe("allowed");
    // The on-call engineer runs the first fix: the trail records it, the model holds it.
    const applied = putRolePolicy("e-2", "2026-03-01T10:30:00Z", "app", "deniedby-app", first.fix.policy);
    const second = explainDenial(read, { policies: policyViewOf([role, applied]) });
    expect(second.fix.policy?.Statement).toEqual([
      { Effect: "Allow", Action: "dynamodb:PutItem", Resource: table },
      { Effect: "Allow", Action: "dynamodb:Query", Resource: customers },
    ]);
    expect(second.fix.commands).toHaveLength(1);
    expect(second.fix.commands[0]).toContain("--policy-name deniedby-app --policy-document");
    expect(second.fix.commands[0]).toContain(JSON.stringify(second.fix.policy));
    expect(second.fix.verified).toBe("allowed");
  });

  it("adds an action on the same resource to the statement already there, and repeats nothing", () => {
    const first = explainDenial(put, { policies: policyViewOf([role]) });
    const applied = putRolePolicy("e-2", "2026-03-01T10:30:00Z", "app", "deniedby-app", first.fix.policy);
    const third = explainDenial(get, { policies: policyViewOf([role, applied]) });
    expect(third.fix.policy?.Statement).toEqual([
      { Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:GetItem"], Resource: table },
    ]);
    const again = explainDenial(put, { policies: policyViewOf([role, applied]) });
    expect(again.fix.policy?.Statement).toEqual(first.fix.policy?.Statement);
  });

  it("reads the policy first where the model does not know it, and will not merge statements it does not write", () => {
    const unseen = explainDenial(put, { policies: policyViewOf([]) });
    expect(unseen.fix.commands[0]).toMatch(
      /^aws iam get-role-policy --role-name app --policy-name deniedby-app /,
    );
    const handEdited = putRolePolicy("e-3", at, "app", "deniedby-app", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" }],
    });
    const e = explainDenial(read, { policies: policyViewOf([role, handEdited]) });
    expect(e.fix.commands[0]).toMatch(/^aws iam get-role-policy /);
    expect(e.fix.policy?.Statement).toHaveLength(1);
  });
});

describe("verifying the whole fix", () => {
  const role = createRole("e-1", at, "app");
  const boundary = (actions: string[]) =>
    permissionsBoundary("e-2", at, "app", "pull-boundary", allowDocument(actions)).events;
  const repo = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/web`;
  const pull = denied("d-11", "ecr:BatchGetImage", repo, { repositoryName: "web" });

  // The repository's policy was removed in the trail: the model knows it has none.
  const noRepoPolicy = policyEvent("e-4", at, {
    source: "ecr",
    name: "DeleteRepositoryPolicy",
    params: { repositoryName: "web" },
  });

  it("is allowed only when every action it grants is: a boundary allowing the denied call alone still blocks the pull", () => {
    const partial = explainDenial(pull, {
      policies: policyViewOf([role, noRepoPolicy, ...boundary(["ecr:BatchGetImage"])]),
    });
    expect(partial.fix.verified).toBe(
      `still denied by the permissions boundary: no statement allows it in the permissions boundary (for ecr:GetDownloadUrlForLayer on ${repo})`,
    );
    const noToken = explainDenial(pull, {
      policies: policyViewOf([
        role,
        noRepoPolicy,
        ...boundary(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]),
      ]),
    });
    expect(noToken.fix.verified).toBe(
      "still denied by the permissions boundary: no statement allows it in the permissions boundary (for ecr:GetAuthorizationToken on *)",
    );
    expect(partial.fix.summary).toMatch(/^This change alone does not make the call succeed/);
    const whole = explainDenial(pull, {
      policies: policyViewOf([
        role,
        noRepoPolicy,
        ...boundary([
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetAuthorizationToken",
        ]),
      ]),
    });
    expect(whole.fix.verified).toBe("allowed");
  });

  it("evaluates the snapshot resource too: a boundary scoped to volumes blocks ec2:CreateSnapshot's snapshot", () => {
    const volume = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
    const snap = denied("d-12", "ec2:CreateSnapshot", volume, { volumeId: "vol-0123456789abcdef0" });
    const scoped = permissionsBoundary(
      "e-2",
      at,
      "app",
      "pull-boundary",
      allowDocument("ec2:CreateSnapshot", `arn:aws:ec2:*:${ACCOUNT}:volume/*`),
    ).events;
    const e = explainDenial(snap, { policies: policyViewOf([role, ...scoped]) });
    expect(e.fix.verified).toMatch(
      /^still denied by the permissions boundary: .* \(for ec2:CreateSnapshot on arn:aws:ec2:eu-west-1::snapshot\/\*\)$/,
    );
  });
});
