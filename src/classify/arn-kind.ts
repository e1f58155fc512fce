import { isSsoRoleName, quotedRoleArnParts, sessionShape } from "../cloudtrail/arn.js";
import type { RoleKind } from "./kinds.js";

/**
 * The kind of principal an ARN alone shows, with no trail around it (a pasted error message, `POST /v1/explain`).
 * Pure and context-free. The confidence is honest: paths AWS itself writes (Identity Center, service-linked) and IAM
 * users are near-certain; session names chosen by ECS, EC2 and Lambda are strong; role names people chose are weak.
 */

/** Which ARN feature a kind was read from. Stable codes. */
export const arnFeatures = {
  "user-arn": "an IAM user ARN (arn:aws:iam::<account>:user/…)",
  "root-arn": "the account root (arn:aws:iam::<account>:root)",
  "identity-center-path":
    "a role under /aws-reserved/sso.amazonaws.com/ (Identity Center writes it, name redacted or not)",
  "identity-center-name": "a role named AWSReservedSSO_<PermissionSet>_<hex> (Identity Center's naming)",
  "service-linked-path": "a role under /aws-service-role/ (only AWS creates these)",
  "service-linked-name": "a role named AWSServiceRoleFor<Service> (service-linked naming)",
  "task-id-session":
    "a session named by a 32-hex ECS task ID (ECS names task-role and execution-role sessions so)",
  "task-id-session-execution-name": "a task-ID session of a role whose name says execution role",
  "uuid-session": "a session named by a UUID (old-format ECS task ID, or a caller's UUID)",
  "instance-id-session":
    "a session named by an EC2 instance ID (i-…): EC2 delivers instance-profile credentials so",
  "instance-id-session-ecs-name": "an i-… session of a role whose name says ECS container instance",
  "managed-instance-session": "a session named by an SSM managed-instance ID (mi-…)",
  "eks-pod-session": "a session named eks-<cluster>-<pod>-<uuid> (EKS Pod Identity)",
  "lambda-internal-session": "a session named awslambda_<n>_<timestamp> (Lambda's own)",
  "lambda-console-role":
    "the Lambda console's default role <function>-role-<suffix>, with the function as session",
  "lambda-service-role-path":
    "a role under /service-role/ named <function>-role-<suffix> (the Lambda console's default)",
  "lambda-function-session":
    "a session named after the function whose role it is (SAM/CDK/Serverless role and function names)",
  "lambda-role-name": "a role name that says Lambda (weakest: names are chosen by people)",
  none: "nothing in the ARN tells the kind",
} as const;
export type ArnFeature = keyof typeof arnFeatures;

export interface ArnKind {
  kind: RoleKind;
  /** 0–1. */
  confidence: number;
  feature: ArnFeature;
}

const UNKNOWN: ArnKind = { kind: "unknown", confidence: 0, feature: "none" };

/** The Lambda console's default role name: `<function>-role-<8 lowercase letters and digits>`. */
const CONSOLE_ROLE = /^(.+)-role-[a-z0-9]{8}$/;

function fromSession(role: string, session: string): ArnKind | undefined {
  const shape = sessionShape(session);
  if (shape === "ecs-task-id")
    return /exec/i.test(role)
      ? { kind: "ecs-task-execution", confidence: 0.6, feature: "task-id-session-execution-name" }
      : { kind: "ecs-task", confidence: 0.6, feature: "task-id-session" };
  if (shape === "uuid") return { kind: "ecs-task", confidence: 0.3, feature: "uuid-session" };
  if (shape === "ec2-instance-id" || /^i-<[^>]*>$/.test(session))
    return /ecs-?instance|container-?instance/i.test(role)
      ? { kind: "ecs-container-instance", confidence: 0.6, feature: "instance-id-session-ecs-name" }
      : { kind: "ec2-instance", confidence: 0.6, feature: "instance-id-session" };
  if (shape === "managed-instance-id")
    return { kind: "ec2-instance", confidence: 0.5, feature: "managed-instance-session" };
  if (shape === "eks-pod") return { kind: "eks-pod-identity", confidence: 0.85, feature: "eks-pod-session" };
  if (shape === "lambda-internal")
    return { kind: "lambda", confidence: 0.7, feature: "lambda-internal-session" };
  const console = CONSOLE_ROLE.exec(role);
  if (console?.[1] && console[1] === session)
    return { kind: "lambda", confidence: 0.9, feature: "lambda-console-role" };
  return fromFunctionNames(role, session);
}

/**
 * A session named after the function whose role it is. SAM names the implicit role `<Function>Role` and CloudFormation
 * adds suffixes (`stack-FnRole-ABC` for `stack-Fn-XYZ`), CDK `<Fn>ServiceRole<hash>`, the Serverless Framework
 * `<service>-<stage>-<region>-lambdaRole` for functions `<service>-<stage>-<name>`.
 */
function fromFunctionNames(role: string, session: string): ArnKind | undefined {
  const stem = /^(.{4,}?)(?:Service)?Role(?:[A-Z0-9]{6,})?(?:-[A-Za-z0-9]{6,})?$/.exec(role)?.[1];
  if (stem && session.startsWith(stem) && session !== role)
    return { kind: "lambda", confidence: 0.7, feature: "lambda-function-session" };
  const serverless = /^(.+)-[a-z]{2}(?:-[a-z]+)+-\d-lambdaRole$/.exec(role)?.[1];
  if (serverless && session.startsWith(`${serverless}-`))
    return { kind: "lambda", confidence: 0.8, feature: "lambda-function-session" };
  return undefined;
}

/**
 * The kind an ARN shows: a user or root ARN, a role ARN (its path and name), or a session ARN (its role name and
 * session name). Never guesses from prose: anything else is `unknown` with confidence 0.
 */
export function kindFromArn(arn: string | null | undefined): ArnKind {
  if (!arn) return UNKNOWN;
  if (/^arn:[\w-]*:iam::[^:]*:user\//.test(arn))
    return { kind: "iam-user", confidence: 1, feature: "user-arn" };
  if (/^arn:[\w-]*:iam::[^:]*:root$/.test(arn)) return { kind: "root", confidence: 1, feature: "root-arn" };
  const p = quotedRoleArnParts(arn);
  if (!p) return UNKNOWN;
  if (p.path.startsWith("/aws-reserved/sso.amazonaws.com/"))
    return { kind: "sso", confidence: 0.95, feature: "identity-center-path" };
  if (isSsoRoleName(p.role)) return { kind: "sso", confidence: 0.9, feature: "identity-center-name" };
  if (p.path.startsWith("/aws-service-role/"))
    return { kind: "service-linked", confidence: 0.95, feature: "service-linked-path" };
  if (/^AWSServiceRoleFor/.test(p.role))
    return { kind: "service-linked", confidence: 0.85, feature: "service-linked-name" };
  if (p.path.startsWith("/service-role/") && CONSOLE_ROLE.test(p.role))
    return { kind: "lambda", confidence: 0.85, feature: "lambda-service-role-path" };
  const fromName = p.session ? fromSession(p.role, p.session) : undefined;
  if (fromName) return fromName;
  if (/lambda/i.test(p.role)) return { kind: "lambda", confidence: 0.35, feature: "lambda-role-name" };
  return UNKNOWN;
}
