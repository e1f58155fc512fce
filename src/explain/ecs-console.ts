/** What a console text may quote: named fields, so no text can be handed one value in place of another. */
export interface ConsoleFacts {
  /** The denied principal as CloudTrail names it (the session ARN for roles). */
  principal: string;
  /** The denied action, `service:Action`. */
  action: string;
  /** The resource the call named, or a placeholder. */
  resource: string;
}

/**
 * What the ECS console shows when a task fails to launch because of a denial, so an engineer can match the text
 * on their screen with the CloudTrail event. Texts from the ECS agent's error messages and the Fargate stop
 * reasons quoted in AWS knowledge-centre articles; Fargate wording drifts, so match on the prefix.
 */
export const ecsConsoleTexts = {
  "pull-ec2": ({ principal, resource }: ConsoleFacts) =>
    `CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry. Error response from daemon: pull access denied for <repository>, repository does not exist or may require 'docker login': denied: User: ${principal} is not authorized to perform: ecr:BatchGetImage on resource: ${resource}`,
  "pull-fargate": () =>
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>: pulling from host <account>.dkr.ecr.<region>.amazonaws.com failed with status code [manifests <tag>]: 403 Forbidden",
  "registry-auth": ({ principal }: ConsoleFacts) =>
    `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: ${principal} is not authorized to perform: ecr:GetAuthorizationToken on resource: *`,
  "secret-asm": ({ principal, resource }: ConsoleFacts) =>
    `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${resource} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, api error AccessDeniedException: User: ${principal} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${resource}`,
  "secret-ssm": ({ principal, resource }: ConsoleFacts) =>
    `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ${principal} is not authorized to perform: ssm:GetParameters on resource: ${resource}`,
  "secret-kms": () =>
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret <secret-arn> from secrets manager: AccessDeniedException: Access to KMS is not allowed",
  logs: ({ principal, action }: ConsoleFacts) =>
    `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: ${principal} is not authorized to perform: ${action}`,
  "agent-register": ({ principal }: ConsoleFacts) =>
    `Agent log (/var/log/ecs/ecs-agent.log): Unable to register as a container instance with ECS: AccessDeniedException: User: ${principal} is not authorized to perform: ecs:RegisterContainerInstance`,
  "ecs-exec": () =>
    "An error occurred (TargetNotConnectedException) when calling the ExecuteCommand operation: The execute command failed due to an internal error. Try again later.",
} as const satisfies Record<string, (facts: ConsoleFacts) => string>;
export type EcsConsoleText = keyof typeof ecsConsoleTexts;
