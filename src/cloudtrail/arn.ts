/**
 * ARNs as CloudTrail writes them: `arn:<partition>:<service>:<region>:<account>:<resource>`. IAM principals are
 * `arn:<p>:iam::<account>:role/<path><name>`, `…:user/<path><name>`, `…:root`; a role session is
 * `arn:<p>:sts::<account>:assumed-role/<role name>/<session name>` (the role's path is not in it).
 */

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. `role/path/name` or `log-group:/ecs/web:log-stream:x`. */
  resource: string;
}

/** The parts of an ARN, or null when the text is not one. */
export function parseArn(text: string): Arn | null {
  if (!text.startsWith("arn:")) return null;
  const parts = text.split(":");
  if (parts.length < 6) return null;
  return {
    partition: parts[1] ?? "",
    service: parts[2] ?? "",
    region: parts[3] ?? "",
    account: parts[4] ?? "",
    resource: parts.slice(5).join(":"),
  };
}

/**
 * The `n`th colon-separated field of an ARN (0 is `arn`), or undefined when it has fewer. Found with indexOf rather
 * than split: it runs for every event's principal, and split built an array of every field each time.
 */
function arnField(arn: string, n: number): string | undefined {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const colon = arn.indexOf(":", start);
    if (colon === -1) return undefined;
    start = colon + 1;
  }
  const end = arn.indexOf(":", start);
  return end === -1 ? arn.slice(start) : arn.slice(start, end);
}

/** The account of an ARN ('' when it names none, like an S3 bucket, or is no ARN). */
export function accountOf(arn: string): string {
  return arn.startsWith("arn:") ? (arnField(arn, 4) ?? "") : "";
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined when the text is no ARN. */
export function partitionOf(arn: string): string | undefined {
  return arn.startsWith("arn:") ? arnField(arn, 1) || undefined : undefined;
}

/** A role session: what `assumed-role/<role>/<session>` says. */
export interface SessionArn {
  partition: string;
  account: string;
  roleName: string;
  sessionName: string;
  /** `arn:<partition>:iam::<account>:role/<roleName>`: without the role's path, which session ARNs leave out. */
  roleArn: string;
}

const ASSUMED_ROLE = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/** The parts of a role-session ARN, or null when the ARN is not one. */
export function parseSessionArn(arn: string): SessionArn | null {
  const m = ASSUMED_ROLE.exec(arn);
  if (!m) return null;
  const [, partition = "aws", account = "", roleName = "", sessionName = ""] = m;
  return {
    partition,
    account,
    roleName,
    sessionName,
    roleArn: `arn:${partition}:iam::${account}:role/${roleName}`,
  };
}

/** An IAM role, user or root ARN. `name` is the last path segment (`root` for the root user). */
export interface IamPrincipalArn {
  type: "role" | "user" | "root";
  partition: string;
  account: string;
  name: string;
}

const IAM_PRINCIPAL = /^arn:(aws[\w-]*):iam::(\d{12}):(?:(role|user)\/(.+)|root)$/;

/** The parts of an IAM role, user or root ARN, or null when the ARN is none of them. */
export function parseIamPrincipalArn(arn: string): IamPrincipalArn | null {
  const m = IAM_PRINCIPAL.exec(arn);
  if (!m) return null;
  const [, partition = "aws", account = "", type, path = ""] = m;
  if (type === undefined) return { type: "root", partition, account, name: "root" };
  return {
    type: type === "role" ? "role" : "user",
    partition,
    account,
    name: path.slice(path.lastIndexOf("/") + 1),
  };
}

/**
 * The role of a session or role ARN as a message may quote it, the account and partition read loosely (messages
 * redact them: `<account>`, `***`): the role's path (`/` for a session, whose ARN leaves it out), name and session.
 */
export function quotedRoleArnParts(
  arn: string,
): { path: string; role: string; session: string | null } | null {
  const session = /^arn:[\w-]*:sts::[^:]*:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (session?.[1] && session[2]) return { path: "/", role: session[1], session: session[2] };
  const role = /^arn:[\w-]*:iam::[^:]*:role(\/.*\/|\/)([^/]+)$/.exec(arn);
  if (role?.[1] && role[2]) return { path: role[1], role: role[2], session: null };
  return null;
}

/** The role name (last path segment) of an IAM role ARN. */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.slice(roleArn.indexOf(":role/") + 6);
  return resource.slice(resource.lastIndexOf("/") + 1);
}

/** The name a principal ARN ends in: a role's or user's name, `root`, or the last segment of any other ARN. */
export function principalNameOf(arn: string): string {
  if (arn.includes(":role/")) return roleNameOf(arn);
  const slash = arn.lastIndexOf("/");
  return slash === -1 ? arn.slice(arn.lastIndexOf(":") + 1) : arn.slice(slash + 1);
}

/** AWS managed policies are `arn:<partition>:iam::aws:policy/<path><name>`: the account field says `aws`. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::aws:policy\//.test(arn);
}

/** Service-linked roles live under the reserved path /aws-service-role/. */
export function isServiceLinkedRoleArn(arn: string): boolean {
  return arn.includes(":role/aws-service-role/");
}

/** IAM Identity Center creates its permission-set roles under the reserved path /aws-reserved/sso.amazonaws.com/. */
export function hasSsoRolePath(arn: string): boolean {
  return arn.includes(":role/aws-reserved/sso.amazonaws.com/");
}

/** IAM Identity Center names its roles `AWSReservedSSO_<permission set>_<16 hex>`. */
export function isSsoRoleName(name: string): boolean {
  return name.startsWith("AWSReservedSSO_");
}

/** Permission-set names may hold underscores themselves: the role name ends in `_<16 hex>`. */
const SSO_ROLE_NAME = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

/**
 * The permission set an Identity Center role was generated from, read from its name
 * (`AWSReservedSSO_<permission set>_<16 hex>`), or null when the name does not say (redacted, or another shape).
 */
export function permissionSetOf(roleName: string): string | null {
  return SSO_ROLE_NAME.exec(roleName)?.[1] ?? null;
}

/** An AWS service principal as trust policies, AssumeRole and invokedBy name it: `config.amazonaws.com`. */
export function isServicePrincipal(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(name);
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

/** ECS names task-role and execution-role sessions by the task ID: 32 hex digits, or a UUID for older tasks. */
export function isTaskIdSessionName(name: string): boolean {
  const shape = sessionShape(name);
  return shape === "ecs-task-id" || shape === "uuid";
}

const TASK_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const MANAGED_INSTANCE_ID = /^mi-[0-9a-f]{8,17}$/;
const EKS_POD = /^eks-.+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{0,12}$/;
const LAMBDA_INTERNAL = /^awslambda_\d+_\d+$/;
const SDK_DEFAULT =
  /^(botocore-session-\d+|aws-go-sdk-\d+|aws-sdk-java-\d+|aws-sdk-js-\d+|aws-sdk-rust-\d+|\d{10,})$/;
const HUMAN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The shape of a session name, first match in the order of `sessionShapes`. Each pattern is tried only when the
 * name can match it (its length or first character), so the usual name costs one or two tests: this runs on every
 * ingested event that carries a session.
 */
export function sessionShape(name: string): SessionShape {
  if (name.length === 32 && TASK_ID.test(name)) return "ecs-task-id";
  if (name.length === 36 && UUID.test(name)) return "uuid";
  const first = name.charAt(0);
  if (first === "i" && INSTANCE_ID.test(name)) return "ec2-instance-id";
  if (first === "m" && MANAGED_INSTANCE_ID.test(name)) return "managed-instance-id";
  if (first === "e" && EKS_POD.test(name)) return "eks-pod";
  if (first === "a" && LAMBDA_INTERNAL.test(name)) return "lambda-internal";
  if ((first === "a" || first === "b" || (first >= "0" && first <= "9")) && SDK_DEFAULT.test(name))
    return "sdk-default";
  if (name.includes("@") && HUMAN.test(name)) return "human-name";
  return "other";
}
