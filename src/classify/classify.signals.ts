/**
 * Every signal the classifier weighs, strongest first. The weight is how much one signal alone says about a kind;
 * the classifier ranks kinds by their strongest signal first, so a weaker signal never overrules a stronger one.
 *
 * Tiers, strongest first:
 * 0.95 what a task definition, launch or service configuration says the role is;
 * 0.90 reserved IAM paths and principal ARN shapes that only AWS can produce;
 * 0.85 roles assumed together for one task (pairing), EC2-launch-type tasks placed on a host;
 * 0.80 instance profiles and IMDS-delivered credentials;
 * 0.70 trust policies, service AssumeRole events, AssumeRole by another role's session, web identity, attached AWS
 *      managed policies;
 * 0.50 session-name shapes;
 * 0.40 user agents and invoking services, application SDK calls;
 * 0.30 what the role calls and is denied;
 * 0.15 role names.
 */
export const signals = {
  "task-definition.task-role": { weight: 0.95, text: "named as taskRoleArn in RegisterTaskDefinition" },
  "task-definition.execution-role": {
    weight: 0.95,
    text: "named as executionRoleArn in RegisterTaskDefinition",
  },
  "launch.task-role-override": { weight: 0.95, text: "named as taskRoleArn override in RunTask/StartTask" },
  "launch.execution-role-override": {
    weight: 0.95,
    text: "named as executionRoleArn override in RunTask/StartTask",
  },
  "service.role": { weight: 0.95, text: "passed as the service role in CreateService/UpdateService" },
  "events.target-role": { weight: 0.95, text: "RoleArn of an EventBridge target that runs ECS tasks" },
  "autoscaling.scalable-target-role": {
    weight: 0.95,
    text: "RoleARN of an Application Auto Scaling target for an ECS service",
  },
  "codedeploy.deployment-group-role": {
    weight: 0.95,
    text: "service role of a CodeDeploy deployment group for ECS services",
  },
  "lambda.function-role": {
    weight: 0.95,
    text: "execution role of a Lambda function (CreateFunction/Update…)",
  },
  "eks.pod-identity-association": { weight: 0.95, text: "role of an EKS Pod Identity association" },
  "iam.service-linked-role-created": { weight: 0.95, text: "created by CreateServiceLinkedRole" },
  "arn.service-role-path": {
    weight: 0.9,
    text: "role path /aws-service-role/ (reserved for service-linked roles)",
  },
  "arn.sso-path": {
    weight: 0.9,
    text: "role path /aws-reserved/sso.amazonaws.com/ (reserved for IAM Identity Center)",
  },
  "principal.iam-user": { weight: 1, text: "principal ARN is an IAM user" },
  "principal.root": { weight: 1, text: "principal ARN is the account root user" },
  "pairing.partner-of-execution-role": {
    weight: 0.85,
    text: "assumed by ECS for the same task ID, in the same second, as a known execution role",
  },
  "pairing.partner-of-task-role": {
    weight: 0.85,
    text: "assumed by ECS for the same task ID, in the same second, as a known task role",
  },
  "launch.ec2-launch-type-host": {
    weight: 0.85,
    text: "host role of a container instance that EC2-launch-type tasks were placed on",
  },
  "ecs.register-container-instance": {
    weight: 0.85,
    text: "registered an ECS container instance (RegisterContainerInstance)",
  },
  "instance-profile.launch": {
    weight: 0.8,
    text: "in an instance profile attached to instances (RunInstances/AssociateIamInstanceProfile)",
  },
  "instance-profile.member": { weight: 0.8, text: "added to an instance profile (AddRoleToInstanceProfile)" },
  "session.ec2-role-delivery": {
    weight: 0.8,
    text: "sessions carry ec2RoleDelivery: credentials from instance metadata",
  },
  "trust.service": { weight: 0.7, text: "trust policy lets an AWS service assume the role" },
  "trust.federated": { weight: 0.7, text: "trust policy trusts an identity provider" },
  "assume.service": { weight: 0.7, text: "assumed by an AWS service principal (AssumeRole by AWSService)" },
  "assume.role-session": {
    weight: 0.7,
    text: "assumed by another role's session (role chaining: code holding that role called AssumeRole)",
  },
  "assume.web-identity-eks": {
    weight: 0.7,
    text: "assumed with an EKS OIDC token (AssumeRoleWithWebIdentity)",
  },
  "assume.saml-sso": {
    weight: 0.7,
    text: "assumed through SAML from IAM Identity Center (AssumeRoleWithSAML)",
  },
  "assume.pod-identity": { weight: 0.7, text: "returned by eks-auth AssumeRoleForPodIdentity" },
  "session.web-identity-eks": {
    weight: 0.7,
    text: "sessions carry webIdFederationData from an EKS OIDC provider",
  },
  "policy.managed": { weight: 0.7, text: "an AWS managed policy made for this kind is attached" },
  "session.shape": { weight: 0.5, text: "session names have the shape this kind's sessions have" },
  "ua.ecs-agent": { weight: 0.4, text: "calls made by the ECS agent (user agent Amazon ECS Agent - v…)" },
  "ua.lambda-runtime": {
    weight: 0.4,
    text: "calls made from a Lambda runtime (user agent exec-env/AWS_Lambda_…)",
  },
  "ua.ecs-exec-env": {
    weight: 0.4,
    text: "called from inside an ECS task (SDK user agent exec-env/AWS_ECS_FARGATE or AWS_ECS_EC2)",
  },
  "ua.ssm-agent": { weight: 0.4, text: "calls made by the SSM agent on an instance" },
  "ua.invoked-by-service": { weight: 0.4, text: "sessions invoked by an AWS service on the role's behalf" },
  "usage.app-calls": {
    weight: 0.4,
    text: "application SDK calls under ECS task sessions (not launch-time calls)",
  },
  "usage.launch-calls": {
    weight: 0.4,
    text: "launch-time calls only an execution role makes (image pulls, log streams)",
  },
  "usage.container-instance-calls": {
    weight: 0.4,
    text: "ECS container-instance API calls (Submit*StateChange, DiscoverPollEndpoint, …)",
  },
  "usage.launch-secrets": {
    weight: 0.3,
    text: "launch-time secret and parameter reads (Secrets Manager, SSM, KMS) and no application calls",
  },
  "name.hint": { weight: 0.15, text: "role name looks like this kind (weakest hint)" },
  "no-evidence": { weight: 0, text: "nothing in the trail says what this principal is" },
} as const;

export type Signal = keyof typeof signals;

export function signalWeight(signal: Signal): number {
  return signals[signal].weight;
}
