import { isServicePrincipal } from "../cloudtrail/arn.js";
import type { RoleKind } from "./kinds.js";
import type { ServiceTarget, Target } from "./role-state.js";

/**
 * Services whose AssumeRole, trust policy or invokedBy says which kind a role is. Any other service principal
 * makes the role a service role of that service (serviceTarget).
 */
export const SERVICE_TARGETS: Record<string, Target> = {
  "ecs-tasks.amazonaws.com": "ecs-task-family",
  "ec2.amazonaws.com": "ec2-family",
  "lambda.amazonaws.com": "lambda",
  "edgelambda.amazonaws.com": "lambda",
  "pods.eks.amazonaws.com": "eks-pod-identity",
  "application-autoscaling.amazonaws.com": "ecs-autoscale",
  "codedeploy.amazonaws.com": "ecs-codedeploy",
  "ecs.amazonaws.com": "ecs-service",
};

/** invokedBy on a role's own calls: only services that act *as* these roles say something about them. */
export const INVOKED_BY_TARGETS: Record<string, Target> = {
  "application-autoscaling.amazonaws.com": "ecs-autoscale",
  "codedeploy.amazonaws.com": "ecs-codedeploy",
  "ecs.amazonaws.com": "ecs-service",
};

/**
 * Service roles that ECS evidence makes one of the ECS kinds: an EventBridge (or EventBridge Scheduler) role is a
 * service role of EventBridge, and the ECS events role when something says it runs ECS tasks.
 */
export const SERVICE_SPECIALISATIONS: Record<string, RoleKind> = {
  "events.amazonaws.com": "ecs-events",
  "scheduler.amazonaws.com": "ecs-events",
};

/** The target a service principal says a role is: a kind it only assumes, else a service role of that service. */
export function serviceTarget(service: string): Target | undefined {
  return SERVICE_TARGETS[service] ?? (isServicePrincipal(service) ? serviceRoleTarget(service) : undefined);
}

export function serviceRoleTarget(service: string): ServiceTarget {
  return `service:${service}`;
}

/** The service a service-role target names, or undefined for any other target. */
export function serviceOfTarget(target: Target): string | undefined {
  return target.startsWith("service:") ? target.slice("service:".length) : undefined;
}

/** AWS managed policies made for one kind (matched on the policy name, so any path or partition works). */
export const MANAGED_POLICY_TARGETS: Record<string, Target> = {
  AmazonECSTaskExecutionRolePolicy: "ecs-task-execution",
  AmazonEC2ContainerServiceforEC2Role: "ecs-container-instance",
  AmazonEC2ContainerServiceRole: "ecs-service",
  AmazonEC2ContainerServiceEventsRole: "ecs-events",
  AmazonEC2ContainerServiceAutoscaleRole: "ecs-autoscale",
  AWSCodeDeployRoleForECS: "ecs-codedeploy",
  AWSCodeDeployRoleForECSLimited: "ecs-codedeploy",
  AWSLambdaBasicExecutionRole: "lambda",
  AWSLambdaVPCAccessExecutionRole: "lambda",
  AmazonSSMManagedInstanceCore: "ec2-family",
  AmazonEKSWorkerNodePolicy: "ec2-instance",
};

/** Session-name shapes that only one kind (or family) of role gets. */
export const SHAPE_TARGETS: Record<string, Target> = {
  "ecs-task-id": "ecs-task-family",
  uuid: "ecs-task-family",
  "ec2-instance-id": "ec2-family",
  "managed-instance-id": "ec2-family",
  "eks-pod": "eks-pod-identity",
  "lambda-internal": "lambda",
};

/** Role-name hints, first match wins. The weakest signal: names are chosen by people and often wrong. */
export const NAME_HINTS: [RegExp, Target][] = [
  [/^AWSReservedSSO_/, "sso"],
  [/^AWSServiceRoleFor/, "service-linked"],
  [/task-?exec|execution-?role|exec-?role|-exec$/i, "ecs-task-execution"],
  [/task-?role|ecs-?task/i, "ecs-task"],
  [/ecs-?instance|container-?instance/i, "ecs-container-instance"],
  [/ecs-?service-?role/i, "ecs-service"],
  [/ecs-?events|events-?role|eventbridge/i, "ecs-events"],
  [/ecs-?autoscal|autoscale-?role/i, "ecs-autoscale"],
  [/codedeploy/i, "ecs-codedeploy"],
  [/lambda/i, "lambda"],
  [/irsa/i, "eks-irsa"],
  [/pod-?identity/i, "eks-pod-identity"],
  [/instance-?role|instance-?profile|ec2/i, "ec2-instance"],
];

/** Every word some NAME_HINTS pattern needs: most names match none, and one test spares thirteen. */
export const NAME_HINT_WORDS =
  /AWSReservedSSO_|AWSServiceRoleFor|exec|task|instance|service|events|eventbridge|autoscal|codedeploy|lambda|irsa|pod|ec2/i;
