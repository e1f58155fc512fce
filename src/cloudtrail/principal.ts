import type { CloudTrailRecord } from "./record.js";

/** Who made a call, reduced to what storage and classification need. */
export interface Principal {
  /** userIdentity.type, or 'Unknown' when the record has none. */
  type: string;
  /** The caller as CloudTrail names it (session ARN for assumed roles). */
  arn: string;
  /** The stable identity usage is counted under: the role ARN for sessions, the user/root ARN, or `service:<name>`. */
  key: string;
  /** arn:aws:iam::<acct>:role/<path><name> for assumed-role sessions. */
  roleArn: string | null;
  sessionName: string | null;
  accountId: string;
  invokedBy: string | null;
  ec2RoleDelivery: string | null;
  federatedProvider: string | null;
}

const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/**
 * Reads the principal of a record. For assumed roles the role ARN comes from sessionContext.sessionIssuer (it keeps
 * the role's path); when that is missing it is rebuilt from the session ARN without a path.
 */
export function extractPrincipal(record: CloudTrailRecord): Principal {
  const id = record.userIdentity ?? {};
  const type = id.type ?? "Unknown";
  const accountId = id.accountId ?? record.recipientAccountId ?? "";
  const issuer = id.sessionContext?.sessionIssuer;
  const invokedBy = id.invokedBy ?? null;
  let arn = id.arn ?? "";
  let roleArn: string | null = null;
  let sessionName: string | null = null;
  const m = ASSUMED_ROLE.exec(arn);
  if (m) {
    sessionName = m[3] ?? null;
    const partition = arn.split(":")[1] ?? "aws";
    roleArn =
      issuer?.type === "Role" && issuer.arn ? issuer.arn : `arn:${partition}:iam::${m[1]}:role/${m[2]}`;
  } else if (type === "AssumedRole" && issuer?.arn) {
    roleArn = issuer.arn;
  }
  if (!arn) {
    if (type === "AWSService" && invokedBy) arn = `service:${invokedBy}`;
    else if (type === "AWSAccount" && id.accountId) arn = `account:${id.accountId}`;
    else arn = id.principalId ? `principal:${id.principalId}` : "unknown";
  }
  return {
    type,
    arn,
    key: roleArn ?? arn,
    roleArn,
    sessionName,
    accountId,
    invokedBy,
    ec2RoleDelivery: id.sessionContext?.ec2RoleDelivery ?? null,
    federatedProvider: id.sessionContext?.webIdFederationData?.federatedProvider ?? null,
  };
}

/** The role name (last path segment) of an IAM role ARN. */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.slice(roleArn.indexOf(":role/") + 6);
  return resource.slice(resource.lastIndexOf("/") + 1);
}

/**
 * The shape of a role-session name. Who picked the name tells what assumed the role: ECS names sessions after the
 * task ID, EC2 after the instance ID, EKS Pod Identity `eks-<cluster>-<pod>-<uuid>`, SDKs pick their own.
 */
export const sessionShapes = {
  "ecs-task-id": "32 lowercase hex characters: an ECS task ID (new ARN format)",
  uuid: "a UUID: an old-format ECS task ID, or a caller-chosen UUID",
  "ec2-instance-id": "an EC2 instance ID (i-…)",
  "managed-instance-id": "an SSM managed-instance ID (mi-…), e.g. ECS Anywhere",
  "eks-pod": "eks-<cluster>-<pod>-<uuid>: EKS Pod Identity",
  "lambda-internal": "awslambda_<n>_<timestamp>: Lambda's own session",
  "sdk-default": "an SDK-chosen default name (botocore-session-…, aws-go-sdk-…, aws-sdk-java-…, digits)",
  "human-name": "an e-mail address or user name: a human (SSO, SAML)",
  other: "any other name",
} as const;
export type SessionShape = keyof typeof sessionShapes;

const SHAPES: [RegExp, SessionShape][] = [
  [/^[0-9a-f]{32}$/, "ecs-task-id"],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "uuid"],
  [/^i-[0-9a-f]{8,17}$/, "ec2-instance-id"],
  [/^mi-[0-9a-f]{8,17}$/, "managed-instance-id"],
  [/^eks-.+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{0,12}$/, "eks-pod"],
  [/^awslambda_\d+_\d+$/, "lambda-internal"],
  [
    /^(botocore-session-\d+|aws-go-sdk-\d+|aws-sdk-java-\d+|aws-sdk-js-\d+|aws-sdk-rust-\d+|\d{10,})$/,
    "sdk-default",
  ],
  [/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "human-name"],
];

export function sessionShape(sessionName: string): SessionShape {
  for (const [re, shape] of SHAPES) if (re.test(sessionName)) return shape;
  return "other";
}
