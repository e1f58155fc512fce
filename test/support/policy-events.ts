import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import {
  createPolicyCompiler,
  type OrgSnapshot,
  type PolicyHistoryEntry,
  type PolicyView,
  policyChangesFrom,
  replayHistory,
} from "../../src/policy/index.js";
import { known } from "../../src/policy/model/policy-content.js";

/**
 * CloudTrail records of the policy events the model reads (IAM, resource and Organizations calls) and of denied
 * calls, shaped as the services log them, for the policy store's tests and benchmark.
 */

export const ACCOUNT = "111122223333";

/** A successful management event by an administrator. */
export function policyEvent(
  id: string,
  at: string,
  call: { source: string; name: string; params: Record<string, unknown>; response?: Record<string, unknown> },
  account = ACCOUNT,
): CloudTrailRecord {
  return {
    eventVersion: "1.10",
    eventID: id,
    eventTime: at,
    eventSource: `${call.source}.amazonaws.com`,
    eventName: call.name,
    awsRegion: "eu-west-1",
    sourceIPAddress: "203.0.113.9",
    userAgent: "aws-cli/2.22.0",
    recipientAccountId: account,
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAADMIN:admin",
      arn: `arn:aws:sts::${account}:assumed-role/admin/admin`,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: "Role", arn: `arn:aws:iam::${account}:role/admin`, accountId: account },
      },
    },
    requestParameters: call.params,
    responseElements: call.response ?? null,
  };
}

export const allowDocument = (action: string | string[], resource: string | string[] = "*") => ({
  Version: "2012-10-17" as const,
  Statement: [{ Sid: "Grant", Effect: "Allow" as const, Action: action, Resource: resource }],
});

/** CreateRole with a trust policy for a service, as Terraform sends it (URL-encoded document). */
export function createRole(id: string, at: string, roleName: string, service = "ecs-tasks.amazonaws.com") {
  const trust = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
  return policyEvent(id, at, {
    source: "iam",
    name: "CreateRole",
    params: { roleName, path: "/", assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) },
    response: {
      role: {
        roleName,
        path: "/",
        arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
        roleId: `AROA${roleName.toUpperCase()}`,
      },
    },
  });
}

export function putRolePolicy(
  id: string,
  at: string,
  roleName: string,
  policyName: string,
  document: unknown,
) {
  return policyEvent(id, at, {
    source: "iam",
    name: "PutRolePolicy",
    params: { roleName, policyName, policyDocument: JSON.stringify(document) },
  });
}

/** A call by a session of `roleName`, denied with the enhanced message naming `deniedBy`'s clause. */
export function deniedCall(
  id: string,
  at: string,
  o: {
    roleName: string;
    source: string;
    name: string;
    action: string;
    resource: string;
    because: string;
    params?: Record<string, unknown>;
  },
  account = ACCOUNT,
): CloudTrailRecord {
  const session = `arn:aws:sts::${account}:assumed-role/${o.roleName}/task-1`;
  return {
    eventVersion: "1.10",
    eventID: id,
    eventTime: at,
    eventSource: `${o.source}.amazonaws.com`,
    eventName: o.name,
    awsRegion: "eu-west-1",
    sourceIPAddress: "10.0.1.2",
    userAgent: "aws-sdk-js/3.691.0",
    recipientAccountId: account,
    errorCode: "AccessDenied",
    errorMessage: `User: ${session} is not authorized to perform: ${o.action} on resource: ${o.resource} ${o.because}`,
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROA${o.roleName.toUpperCase()}:task-1`,
      arn: session,
      accountId: account,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          arn: `arn:aws:iam::${account}:role/${o.roleName}`,
          accountId: account,
        },
        attributes: { creationDate: at, mfaAuthenticated: "false" },
      },
    },
    requestParameters: o.params ?? null,
    responseElements: null,
    tlsDetails: { tlsVersion: "TLSv1.3" },
  };
}

export interface OrgSpec {
  organizationId: string;
  managementAccount: string;
  root: string;
  /** OU id → parent id. */
  ous: Record<string, string>;
  /** account id → parent id. */
  accounts: Record<string, string>;
  /** Policies by id, with where they are attached. */
  policies: {
    id: string;
    name: string;
    type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";
    document: unknown;
    targets: string[];
  }[];
}

/** Writes an organisation directory as the script in docs/policies.md does (each file a command's output). */
export function writeOrgDirectory(dir: string, spec: OrgSpec): void {
  const write = (path: string, value: unknown) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `${JSON.stringify(value, null, 2)}\n`);
  };
  write("organization.json", {
    Organization: { Id: spec.organizationId, MasterAccountId: spec.managementAccount },
  });
  write("roots.json", { Roots: [{ Id: spec.root, Name: "Root" }] });
  const parents = [spec.root, ...Object.keys(spec.ous)];
  for (const parent of parents) {
    const childOus = Object.entries(spec.ous).filter(([, p]) => p === parent);
    const childAccounts = Object.entries(spec.accounts).filter(([, p]) => p === parent);
    write(`ous/${parent}.json`, { OrganizationalUnits: childOus.map(([id]) => ({ Id: id })) });
    write(`accounts/${parent}.json`, {
      Accounts: childAccounts.map(([id]) => ({ Id: id, Name: `account ${id}` })),
    });
  }
  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const) {
    const policies = spec.policies.filter((p) => p.type === type);
    write(`policies/${type}.json`, {
      Policies: policies.map((p) => ({
        Id: p.id,
        Name: p.name,
        Arn: `arn:aws:organizations::${spec.managementAccount}:policy/${spec.organizationId}/${type.toLowerCase()}/${p.id}`,
        AwsManaged: p.id === "p-FullAWSAccess" || p.id === "p-RCPFullAWSAccess",
      })),
    });
    for (const p of policies) {
      write(`policy/${p.id}.json`, {
        Policy: { PolicySummary: { Id: p.id, Name: p.name }, Content: JSON.stringify(p.document) },
      });
      write(`targets/${p.id}.json`, { Targets: p.targets.map((t) => ({ TargetId: t })) });
    }
  }
}

/** A policy model replayed from `events` alone, in no organisation, as the store's pipeline builds it. */
export function policyViewOf(events: CloudTrailRecord[]): PolicyView {
  const none: PolicyHistoryEntry = {
    type: "import",
    entry: { kind: "org-none", from: { source: "org-import", at: "2026-01-01T00:00:00Z", ref: "--none" } },
  };
  return { model: replayHistory([none, ...policyHistoryOf(events)]), compiler: createPolicyCompiler() };
}

/** The policy changes `events` make, followed by an import of `org` (taken on 2026-01-01) when one is given. */
export function policyHistoryOf(events: CloudTrailRecord[], org?: OrgSnapshot): PolicyHistoryEntry[] {
  const changes = events.flatMap((e) =>
    policyChangesFrom(e).map((change) => ({ type: "change" as const, change })),
  );
  if (!org) return changes;
  const from = { source: "org-import" as const, at: "2026-01-01T00:00:00Z", ref: "org/" };
  return [...changes, { type: "import", entry: { kind: "org", snapshot: org, from } }];
}

/** The AWS-managed SCP that allows everything, as an organisation import reads it. */
export const fullAwsAccessScp: OrgSnapshot["policies"][number] = {
  id: "p-FullAWSAccess",
  name: "FullAWSAccess",
  type: "SERVICE_CONTROL_POLICY",
  awsManaged: true,
  content: known(allowDocument("*")),
};

/** `app`'s PutItem on the DynamoDB table `orders`, denied because no identity-based policy allows it. */
export const deniedPutItem = () =>
  deniedCall("d-1", "2026-03-01T10:00:00Z", {
    roleName: "app",
    source: "dynamodb",
    name: "PutItem",
    action: "dynamodb:PutItem",
    resource: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
    because: "because no identity-based policy allows the dynamodb:PutItem action",
    params: { tableName: "orders" },
  });

/**
 * A customer-managed policy `policyName` created with `document`, then set as `roleName`'s permissions boundary:
 * events `${id}-create` and `${id}-set`.
 */
export function permissionsBoundary(
  id: string,
  at: string,
  roleName: string,
  policyName: string,
  document: unknown,
): { arn: string; events: CloudTrailRecord[] } {
  const arn = `arn:aws:iam::${ACCOUNT}:policy/${policyName}`;
  return {
    arn,
    events: [
      policyEvent(`${id}-create`, at, {
        source: "iam",
        name: "CreatePolicy",
        params: { policyName, path: "/", policyDocument: JSON.stringify(document) },
        response: { policy: { policyName, arn, defaultVersionId: "v1", path: "/" } },
      }),
      policyEvent(`${id}-set`, at, {
        source: "iam",
        name: "PutRolePermissionsBoundary",
        params: { roleName, permissionsBoundary: arn },
      }),
    ],
  };
}

/**
 * The role `app`, created at 09:00 on 2026-03-01 (event …0001) and given its inline policy `data` (s3:GetObject)
 * a minute later (event …0002): the history the pipeline's policy tests store, in parts or out of order.
 */
export const appRole = {
  arn: `arn:aws:iam::${ACCOUNT}:role/app`,
  created: () => createRole("11111111-0000-4000-8000-000000000001", "2026-03-01T09:00:00Z", "app"),
  dataPolicyPut: () =>
    putRolePolicy(
      "11111111-0000-4000-8000-000000000002",
      "2026-03-01T09:01:00Z",
      "app",
      "data",
      allowDocument("s3:GetObject"),
    ),
};
