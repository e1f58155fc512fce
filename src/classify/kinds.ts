/**
 * The kinds of principal deniedby tells apart. Names are fixed: clients, reports and the API depend on them.
 */
export const roleKinds = {
  "ecs-task": "ECS task role: the application's identity inside a task",
  "ecs-task-execution": "ECS task execution role: the agent's identity at launch (image pull, secrets, logs)",
  "ecs-container-instance": "EC2 instance role of an ECS container instance (agent registration and polling)",
  "ec2-instance": "EC2 instance role with no ECS evidence",
  lambda: "Lambda function execution role",
  "eks-irsa": "EKS IAM role for a service account (OIDC web identity)",
  "eks-pod-identity": "EKS Pod Identity role",
  sso: "IAM Identity Center permission-set role (a human)",
  "service-linked": "AWS service-linked role",
  "ecs-service": "legacy ECS service role (ecsServiceRole, load balancer registration)",
  "ecs-events": "EventBridge role that runs scheduled ECS tasks",
  "ecs-autoscale": "Application Auto Scaling role for ECS services",
  "ecs-codedeploy": "CodeDeploy role for ECS blue/green deployments",
  "service-role":
    "service role that an AWS service assumes to act in the account (the catalogue names the service)",
  "chained-role":
    "role assumed by another role's session (role chaining): the identity of the code that called AssumeRole",
  "iam-user": "IAM user",
  root: "the account root user",
  unknown: "not enough evidence in the trail",
} as const;
export type RoleKind = keyof typeof roleKinds;
export const ROLE_KINDS = Object.keys(roleKinds) as RoleKind[];

/** One piece of evidence for a kind: a machine-readable signal, what was seen, and its weight (0–1). */
export interface Evidence {
  signal: string;
  detail: string;
  weight: number;
}

export interface KindAssessment {
  kind: RoleKind;
  /** 0–1. */
  confidence: number;
  /** Strongest first. */
  evidence: Evidence[];
  /** `service-role` only: the service principal that assumes the role (`config.amazonaws.com`). */
  service?: string;
  /** `chained-role` only: the roles whose sessions assumed this one, sorted (at most five). */
  assumedBy?: string[];
}

/** One catalogue entry per principal (role ARN, or user/root ARN). */
export interface RoleCatalogEntry {
  roleArn: string;
  accountId: string;
  roleName: string;
  /** Every kind the role plays, best first; never empty (at worst `unknown`). */
  kinds: KindAssessment[];
  /** True when one role acts both as a task role and as a task execution role. */
  dualUse: boolean;
  firstSeen: number | null;
  lastSeen: number | null;
}
