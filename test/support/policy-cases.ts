/**
 * Seeded random (policy set, request) cases for the policy evaluator's differential test. Deterministic: the same
 * seed gives the same cases. Each case holds plain policy documents so both evaluators read the same input.
 */
import { rng } from "./records.js";

export const accountA = "111111111111";
export const accountB = "222222222222";

type Json = Record<string, unknown>;

export interface GeneratedPolicy {
  name: string;
  document: Json;
}

export interface GeneratedCase {
  seed: number;
  principalKind: "role-session" | "user";
  principalArn: string;
  action: string;
  resource: string;
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identity: GeneratedPolicy[];
  boundary?: GeneratedPolicy;
  session?: GeneratedPolicy;
  scps: { target: string; policies: GeneratedPolicy[] }[];
  rcps: { target: string; policies: GeneratedPolicy[] }[];
  resourcePolicy?: Json;
}

interface Target {
  action: string;
  /** The resource in an account (`*` for wildcard-only actions). */
  resource: (account: string) => string;
  /** Whether a resource policy can be attached, and whether it must be (key and trust policies). */
  resourcePolicy: "none" | "optional" | "required";
  related: string[];
}

const targets: Target[] = [
  s3("s3:GetObject", (a) => `arn:aws:s3:::bucket-${a}/reports/2024/q1.csv`),
  s3("s3:PutObject", (a) => `arn:aws:s3:::bucket-${a}/reports/2024/q1.csv`),
  s3("s3:ListBucket", (a) => `arn:aws:s3:::bucket-${a}`),
  {
    action: "sqs:SendMessage",
    resource: (a) => `arn:aws:sqs:us-east-1:${a}:orders-queue`,
    resourcePolicy: "optional",
    related: ["sqs:*", "sqs:Send*", "sqs:ReceiveMessage"],
  },
  {
    action: "dynamodb:GetItem",
    resource: (a) => `arn:aws:dynamodb:us-east-1:${a}:table/orders`,
    resourcePolicy: "none",
    related: ["dynamodb:*", "dynamodb:Get*", "dynamodb:Query"],
  },
  {
    action: "ec2:DescribeInstances",
    resource: () => "*",
    resourcePolicy: "none",
    related: ["ec2:Describe*", "ec2:*", "ec2:RunInstances"],
  },
  {
    action: "kms:Decrypt",
    resource: (a) => `arn:aws:kms:us-east-1:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    resourcePolicy: "required",
    related: ["kms:*", "kms:De*", "kms:Encrypt"],
  },
  {
    action: "sts:AssumeRole",
    resource: (a) => `arn:aws:iam::${a}:role/deploy`,
    resourcePolicy: "required",
    related: ["sts:*", "sts:Assume*", "sts:GetCallerIdentity"],
  },
  {
    action: "secretsmanager:GetSecretValue",
    resource: (a) => `arn:aws:secretsmanager:us-east-1:${a}:secret:db-AbCdEf`,
    resourcePolicy: "optional",
    related: ["secretsmanager:*", "secretsmanager:Get*", "secretsmanager:PutSecretValue"],
  },
];

function s3(action: string, resource: (a: string) => string): Target {
  return {
    action,
    resource,
    resourcePolicy: "optional",
    related: ["s3:*", "s3:Get*", "s3:Put*", "s3:List*"],
  };
}

/** A tiny toolkit over a seeded PRNG. */
export class Pick {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  one<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new Error("empty choice");
    return x;
  }
}

export interface CaseScope {
  pick: Pick;
  target: Target;
  resource: string;
  principalArn: string;
  roleArn: string;
  account: string;
}

/** Context keys a case may carry, with the values it picks from; arrays are multi-valued keys. */
const contextPool: Record<string, (string | string[])[]> = {
  "aws:SourceIp": ["10.1.2.3", "192.168.0.7", "2001:db8::5"],
  "aws:PrincipalTag/team": ["blue", "red"],
  "aws:CurrentTime": ["2024-06-01T12:00:00Z"],
  "aws:MultiFactorAuthAge": ["300", "7200"],
  "aws:SecureTransport": ["true", "false"],
  "aws:MultiFactorAuthPresent": ["true", "false"],
  "aws:CalledVia": [["athena.amazonaws.com"], ["athena.amazonaws.com", "cloudformation.amazonaws.com"], []],
  "aws:TagKeys": [["env"], ["env", "team"], ["owner", "team"], []],
  "aws:PrincipalOrgID": ["o-abc123", "o-zzz999"],
  "aws:SourceVpce": ["vpce-1a2b3c"],
  "aws:SourceArn": ["arn:aws:sns:us-east-1:111111111111:alerts", "arn:aws:sqs:us-east-1:222222222222:jobs"],
  "aws:RequestTag/env": ["prod", "Prod", "dev", "blue"],
};

function generateContext(pick: Pick): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(contextPool))
    if (pick.chance(0.6)) context[key] = pick.one(values);
  return context;
}

type ConditionFamily = { operators: string[]; keys: string[]; values: string[]; set?: boolean };

const families: ConditionFamily[] = [
  {
    operators: ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"],
    keys: ["aws:PrincipalTag/team", "aws:PrincipalOrgID", "aws:RequestTag/env"],
    values: ["blue", "Blue", "red", "o-abc123", "prod", "PROD", "${aws:PrincipalTag/team}"],
  },
  {
    operators: ["StringLike", "StringNotLike"],
    keys: ["aws:PrincipalTag/team", "aws:PrincipalOrgID", "aws:SourceVpce", "aws:RequestTag/env"],
    values: ["b*", "r?d", "o-*", "vpce-*", "*", "P*", "${aws:PrincipalTag/team}*", "x${*}"],
  },
  {
    operators: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals"],
    keys: ["aws:MultiFactorAuthAge"],
    values: ["300", "3600", "7200"],
  },
  {
    operators: ["NumericGreaterThan", "NumericGreaterThanEquals"],
    keys: ["aws:MultiFactorAuthAge"],
    values: ["300", "600"],
  },
  {
    operators: [
      "DateEquals",
      "DateNotEquals",
      "DateLessThan",
      "DateLessThanEquals",
      "DateGreaterThan",
      "DateGreaterThanEquals",
    ],
    keys: ["aws:CurrentTime"],
    values: ["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2024-06-01T12:00:00Z"],
  },
  {
    operators: ["Bool"],
    keys: ["aws:SecureTransport", "aws:MultiFactorAuthPresent"],
    values: ["true", "false"],
  },
  {
    operators: ["IpAddress", "NotIpAddress"],
    keys: ["aws:SourceIp"],
    values: ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32", "10.1.2.3", "10.1.2.3/32"],
  },
  {
    operators: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    keys: ["aws:SourceArn"],
    values: [
      "arn:aws:sns:*:111111111111:*",
      "arn:aws:sns:us-east-1:111111111111:alerts",
      "arn:aws:sqs:*:*:jobs",
    ],
  },
  { operators: ["Null"], keys: Object.keys(contextPool), values: ["true", "false"] },
  {
    operators: ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"],
    keys: ["aws:CalledVia", "aws:TagKeys"],
    values: ["athena.amazonaws.com", "cloudformation.amazonaws.com", "*.amazonaws.com", "env", "team", "t*"],
    set: true,
  },
];

function generateCondition(pick: Pick): Json {
  const condition: Record<string, Record<string, string | string[]>> = {};
  const count = 1 + pick.int(2);
  for (let i = 0; i < count; i++) {
    const family = pick.one(families);
    let operator = pick.one(family.operators);
    if (operator !== "Null" && pick.chance(0.25)) operator += "IfExists";
    if (family.set) operator = `${pick.chance(0.5) ? "ForAnyValue" : "ForAllValues"}:${operator}`;
    const key = pick.one(family.keys);
    const values = [pick.one(family.values)];
    if (pick.chance(0.3)) values.push(pick.one(family.values));
    condition[operator] = {
      ...condition[operator],
      [key]: values.length === 1 ? (values[0] as string) : values,
    };
  }
  return condition;
}

function actionElement(scope: CaseScope): string | string[] {
  const { pick, target } = scope;
  const [service = "", name = ""] = target.action.split(":");
  const choices = [
    target.action,
    target.action,
    `${service.toUpperCase()}:${name.toLowerCase()}`,
    `${service}:${name.slice(0, 3)}*`,
    `${service}:${name.slice(0, -1)}?`,
    "*",
    ...target.related,
  ];
  const first = pick.one(choices);
  return pick.chance(0.3) ? [first, pick.one(choices)] : first;
}

function resourceElement(scope: CaseScope): string | string[] {
  const { pick, resource } = scope;
  const other = scope.target.resource(scope.account === accountA ? accountB : accountA);
  const choices =
    resource === "*"
      ? ["*"]
      : [
          resource,
          resource,
          "*",
          `${resource.slice(0, Math.max(8, resource.length - 6))}*`,
          `${resource.slice(0, -1)}?`,
          other,
          resource.replace(/:\d{12}:/, ":*:"),
          resource.replace("2024", "${aws:PrincipalTag/team}"),
          resource.replace("reports", "${aws:username}"),
          resource.replace("reports", "${aws:PrincipalTag/team, 'reports'}"),
        ];
  const first = pick.one(choices);
  return pick.chance(0.25) ? [first, pick.one(choices)] : first;
}

function principalElement(scope: CaseScope): Json | string {
  const { pick, principalArn, roleArn, account } = scope;
  const otherAccount = account === accountA ? accountB : accountA;
  return pick.one<Json | string>([
    "*",
    { AWS: "*" },
    { AWS: account },
    { AWS: `arn:aws:iam::${account}:root` },
    { AWS: roleArn },
    { AWS: principalArn },
    { AWS: [principalArn, `arn:aws:iam::${otherAccount}:root`] },
    { AWS: `arn:aws:iam::${otherAccount}:root` },
    { AWS: `arn:aws:iam::${account}:role/someone-else` },
    { Service: "lambda.amazonaws.com" },
  ]);
}

type Side = "identity" | "resource" | "scp" | "rcp";

function statement(scope: CaseScope, side: Side, effect: "Allow" | "Deny"): Json {
  const { pick } = scope;
  const s: Json = { Effect: effect };
  if (pick.chance(0.5)) s.Sid = `S${pick.int(1000)}`;
  // RCPs take Action only, never `*` (Organizations rejects the rest).
  if (side === "rcp") s.Action = rcpActions(scope);
  else s[pick.chance(0.15) ? "NotAction" : "Action"] = actionElement(scope);
  // Trust policies name no resource: the role is the resource.
  if (!(side === "resource" && scope.target.action === "sts:AssumeRole"))
    s[pick.chance(0.12) ? "NotResource" : "Resource"] = resourceElement(scope);
  if (side === "rcp") s.Principal = "*";
  // NotPrincipal goes with Deny only, and never in a trust policy (IAM rejects both).
  const trust = scope.target.action === "sts:AssumeRole";
  if (side === "resource")
    s[effect === "Deny" && !trust && pick.chance(0.1) ? "NotPrincipal" : "Principal"] =
      principalElement(scope);
  if (pick.chance(0.45)) s.Condition = generateCondition(pick);
  return s;
}

function rcpActions(scope: CaseScope): string | string[] {
  const actions = actionElement(scope);
  const list = (Array.isArray(actions) ? actions : [actions]).filter((a) => a !== "*");
  return list.length > 0 ? list : scope.target.action;
}

function policyDocument(scope: CaseScope, side: Side, allowBias: number): Json {
  const count = 1 + scope.pick.int(3);
  // RCPs hold Deny statements only (RCPFullAWSAccess is the one allow, implied).
  const statements = Array.from({ length: count }, () =>
    statement(scope, side, side !== "rcp" && scope.pick.chance(allowBias) ? "Allow" : "Deny"),
  );
  const old = side !== "rcp" && scope.pick.chance(0.1);
  return { Version: old ? "2008-10-17" : "2012-10-17", Statement: statements };
}

function policies(scope: CaseScope, side: Side, prefix: string, allowBias: number): GeneratedPolicy[] {
  const count = 1 + scope.pick.int(2);
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    document: policyDocument(scope, side, allowBias),
  }));
}

const fullAccess: GeneratedPolicy = {
  name: "FullAWSAccess",
  document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

function orgLevels(scope: CaseScope, side: "scp" | "rcp"): GeneratedCase["scps"] {
  const levels = scope.pick.int(3);
  return Array.from({ length: levels }, (_, i) => ({
    target: i === 0 ? "r-root" : `ou-level-${i}`,
    policies: [
      ...(side === "scp" && scope.pick.chance(0.6) ? [fullAccess] : []),
      ...policies(scope, side, `${side}-${i}`, side === "scp" ? 0.7 : 0.2),
    ],
  }));
}

/** One generated case; the seed alone decides it. */
export function generateCase(seed: number): GeneratedCase {
  const pick = new Pick(seed);
  const target = pick.one(targets);
  const principalKind = pick.chance(0.75) ? "role-session" : "user";
  const account = accountA;
  const principalArn =
    principalKind === "role-session"
      ? `arn:aws:sts::${account}:assumed-role/app/session-1`
      : `arn:aws:iam::${account}:user/alice`;
  const resourceAccount = target.resource(account) === "*" || pick.chance(0.7) ? account : accountB;
  const resource = target.resource(resourceAccount);
  const scope: CaseScope = {
    pick,
    target,
    resource,
    principalArn,
    roleArn: `arn:aws:iam::${account}:role/app`,
    account,
  };
  const wantsResourcePolicy =
    target.resourcePolicy === "required" || (target.resourcePolicy === "optional" && pick.chance(0.5));
  const base: GeneratedCase = {
    seed,
    principalKind,
    principalArn,
    action: target.action,
    resource,
    resourceAccount,
    context: generateContext(pick),
    identity: policies(scope, "identity", "identity", 0.75),
    scps: orgLevels(scope, "scp"),
    rcps: pick.chance(0.25) ? orgLevels(scope, "rcp") : [],
  };
  if (pick.chance(0.3))
    base.boundary = { name: "boundary", document: policyDocument(scope, "identity", 0.8) };
  if (principalKind === "role-session" && pick.chance(0.15))
    base.session = { name: "session", document: policyDocument(scope, "identity", 0.8) };
  if (wantsResourcePolicy) base.resourcePolicy = policyDocument(scope, "resource", 0.75);
  return base;
}
