/**
 * Seeded `aws iam get-account-authorization-details` output, shaped as the IAM API reference documents it
 * (GetAccountAuthorizationDetails: UserDetailList, GroupDetailList, RoleDetailList, Policies): for tests and the
 * policy-import bench. Documents are URL-encoded like the raw API returns them, or decoded objects like the CLI
 * prints them, by option. Written as a stream of text chunks so a large file never sits whole in memory.
 */
import { rng } from "./records.js";

export interface AuthorizationDetailsShape {
  account?: string;
  roles: number;
  users: number;
  groups: number;
  /** Customer managed policies, each with 1 to 5 versions. */
  policies: number;
  /** `encoded`: documents as URL-encoded JSON text (the raw API); `decoded`: as objects (the AWS CLI). */
  documents: "encoded" | "decoded";
  seed?: number;
}

const services = ["s3", "dynamodb", "sqs", "sns", "kms", "logs", "ecr", "secretsmanager", "ssm", "lambda"];
const verbs = ["Get", "Put", "List", "Describe", "Delete", "Create", "Update", "Send", "Receive", "Decrypt"];

function document(random: () => number, account: string, statements: number): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: Array.from({ length: statements }, (_, i) => {
      const service = services[Math.floor(random() * services.length)] ?? "s3";
      const actions = Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => `${service}:${verbs[Math.floor(random() * verbs.length)]}${random() < 0.3 ? "*" : "Item"}`,
      );
      return {
        Sid: `S${i}`,
        Effect: random() < 0.1 ? "Deny" : "Allow",
        Action: actions,
        Resource: [`arn:aws:${service}:eu-west-1:${account}:thing-${Math.floor(random() * 1000)}/*`],
        ...(random() < 0.2 ? { Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } } : {}),
      };
    }),
  };
}

const trust = (service: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

const date = "2024-05-01T10:00:00Z";

/** The file as text chunks: one chunk per list entry, so memory stays flat for any size. */
export function* authorizationDetailsChunks(shape: AuthorizationDetailsShape): Generator<string> {
  const account = shape.account ?? "111122223333";
  const random = rng(shape.seed ?? 13);
  const doc = (d: unknown) => (shape.documents === "encoded" ? encodeURIComponent(JSON.stringify(d)) : d);
  const policyArn = (i: number) => `arn:aws:iam::${account}:policy/team-${i % 7}/policy-${i}`;
  const pick = (n: number) =>
    Array.from({ length: n }, () => {
      const i = Math.floor(random() * Math.max(shape.policies, 1));
      return { PolicyName: `policy-${i}`, PolicyArn: policyArn(i) };
    });
  const inline = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      PolicyName: `inline-${i}`,
      PolicyDocument: doc(document(random, account, 3)),
    }));
  const tags = () => [{ Key: "team", Value: `team-${Math.floor(random() * 9)}` }];
  const list = function* <T>(name: string, count: number, entry: (i: number) => T, last = false) {
    yield `"${name}":[`;
    for (let i = 0; i < count; i++) yield `${i > 0 ? "," : ""}${JSON.stringify(entry(i))}`;
    yield last ? "]" : "],";
  };
  yield "{";
  yield* list("UserDetailList", shape.users, (i) => ({
    Path: "/",
    UserName: `user-${i}`,
    UserId: `AIDA${String(i).padStart(17, "0")}`,
    Arn: `arn:aws:iam::${account}:user/user-${i}`,
    CreateDate: date,
    UserPolicyList: inline(random() < 0.3 ? 1 : 0),
    GroupList: [`group-${i % Math.max(shape.groups, 1)}`],
    AttachedManagedPolicies: pick(1),
    Tags: tags(),
  }));
  yield* list("GroupDetailList", shape.groups, (i) => ({
    Path: "/",
    GroupName: `group-${i}`,
    GroupId: `AGPA${String(i).padStart(17, "0")}`,
    Arn: `arn:aws:iam::${account}:group/group-${i}`,
    CreateDate: date,
    GroupPolicyList: inline(1),
    AttachedManagedPolicies: pick(2),
  }));
  yield* list("RoleDetailList", shape.roles, (i) =>
    roleEntry(i, { account, random, doc, inline, pick, tags }),
  );
  yield* list(
    "Policies",
    shape.policies,
    (i) => {
      const versions = 1 + Math.floor(random() * 5);
      return {
        PolicyName: `policy-${i}`,
        PolicyId: `ANPA${String(i).padStart(17, "0")}`,
        Arn: policyArn(i),
        Path: `/team-${i % 7}/`,
        DefaultVersionId: `v${versions}`,
        AttachmentCount: 1,
        PermissionsBoundaryUsageCount: 0,
        IsAttachable: true,
        CreateDate: date,
        UpdateDate: date,
        PolicyVersionList: Array.from({ length: versions }, (_, v) => ({
          Document: doc(document(random, account, 2 + Math.floor(random() * 8))),
          VersionId: `v${versions - v}`,
          IsDefaultVersion: v === 0,
          CreateDate: date,
        })),
      };
    },
    true,
  );
  yield "}";
}

interface RoleParts {
  account: string;
  random: () => number;
  doc: (d: unknown) => unknown;
  inline: (n: number) => unknown[];
  pick: (n: number) => unknown[];
  tags: () => unknown[];
}

function roleEntry(i: number, p: RoleParts): Record<string, unknown> {
  const service = ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com"][i % 3] ?? "";
  const path = i % 5 === 0 ? "/service-role/" : "/";
  return {
    Path: path,
    RoleName: `role-${i}`,
    RoleId: `AROA${String(i).padStart(17, "0")}`,
    Arn: `arn:aws:iam::${p.account}:role${path}role-${i}`,
    CreateDate: date,
    AssumeRolePolicyDocument: p.doc(trust(service)),
    InstanceProfileList:
      service === "ec2.amazonaws.com"
        ? [
            {
              Path: "/",
              InstanceProfileName: `role-${i}`,
              InstanceProfileId: `AIPA${String(i).padStart(17, "0")}`,
              Arn: `arn:aws:iam::${p.account}:instance-profile/role-${i}`,
              CreateDate: date,
              Roles: [],
            },
          ]
        : [],
    RolePolicyList: p.inline(Math.floor(p.random() * 3)),
    AttachedManagedPolicies: p.pick(1 + Math.floor(p.random() * 4)),
    ...(i % 10 === 0
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: "PermissionsBoundaryPolicy",
            PermissionsBoundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess",
          },
        }
      : {}),
    Tags: p.tags(),
    RoleLastUsed: i % 2 === 0 ? { LastUsedDate: date, Region: "eu-west-1" } : {},
  };
}
