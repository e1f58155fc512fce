import { makeRecord, uuidFor } from "./records.js";

/** Roles of the example scenario (no path, so a session names them whole): its trail classifies them. */
export const scenarioRoleNames = [
  "checkout-task-role",
  "billing-ecsTaskExecutionRole",
  "ecsTaskExecutionRole",
  "reports-role",
  "search-app",
  "search-runtime",
  "worker-task-role",
  "main-ecs-instance-role",
  "gpu-ecs-instance-role",
  "bastion-instance-role",
  "ecsEventsRole",
  "terraform-deployer",
];

const actions = [
  ["dynamodb", "GetItem"],
  ["dynamodb", "PutItem"],
  ["sqs", "SendMessage"],
  ["s3", "GetObject"],
  ["kms", "Decrypt"],
] as const;

/**
 * `n` denials spread over `roles` (many incidents: role × action × resource), one second apart, in account
 * 111122223333: enough work for the stages after storing to take many steps.
 */
export function manyDenials(n: number, roles: readonly string[], seed = 61): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const role = roles[i % roles.length] as string;
    const [service, name] = actions[i % actions.length] as (typeof actions)[number];
    const action = `${service}:${name}`;
    const resource = `arn:aws:${service}:eu-west-1:111122223333:thing/t-${i % 7}`;
    return makeRecord({
      eventId: uuidFor(i, seed),
      eventTime: new Date(Date.UTC(2026, 10, 16, 12, 0, 0) + i * 1000).toISOString(),
      eventSource: `${service}.amazonaws.com`,
      eventName: name,
      roleName: role,
      session: `s-${i % 3}`,
      errorCode: "AccessDenied",
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${role}/s-${i % 3} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    });
  });
}
