import { z } from "@hono/zod-openapi";
import { ROLE_KINDS, type RoleKind } from "../classify/kinds.js";
import { DocumentBody, Rejection } from "../events/events.schemas.js";
import { Explanation } from "../explain/explanation.schema.js";
import { timeParam } from "../http/openapi.js";
import { TaskContext } from "../pipeline/task-context.js";
import { isJsonObject } from "../shared/json.js";

/**
 * What the denial routes serve. The explanation itself is defined once, in src/explain/explanation.schema.ts, and
 * the ECS task context in src/pipeline/task-context.ts: these schemas only put them in envelopes.
 */

export const DenialList = z
  .object({ denials: z.array(Explanation), nextCursor: z.string().nullable() })
  .openapi("DenialList");
export type DenialList = z.infer<typeof DenialList>;

export const DenialDetail = z
  .object({
    explanation: Explanation,
    raw: z.record(z.string(), z.unknown()),
    /** The task whose role was denied, when the session is named by a task ID the audit logs or the trail know. */
    task: TaskContext.nullable(),
  })
  .openapi("DenialDetail");
export type DenialDetail = z.infer<typeof DenialDetail>;

export const ExplainResult = z
  .object({
    explanations: z.array(Explanation),
    skipped: z
      .array(Rejection)
      .openapi({ description: "Records that are valid but not denials (reason not_a_denial)" }),
    rejected: z.array(Rejection),
  })
  .openapi("ExplainResult");
export type ExplainResult = z.infer<typeof ExplainResult>;

/**
 * A pasted access-denied message to explain on its own, with no CloudTrail event: POST /v1/explain takes it in
 * place of records (a body whose top level has `message`).
 */
export const ExplainMessageBody = z
  .strictObject({
    message: z.string().trim().min(1).max(16_384).openapi({
      description: "An access-denied error message as an SDK, the CLI or the console showed it",
      example:
        "User: arn:aws:sts::111122223333:assumed-role/checkout-task-role/1f2e3d is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:111122223333:orders because no identity-based policy allows the sqs:SendMessage action",
    }),
    service: z.string().min(1).max(64).optional().openapi({
      description:
        "The service the message came from (`s3`, `Secrets Manager`), when the message does not say",
    }),
  })
  .openapi("ExplainMessageBody");
export type ExplainMessageBody = z.infer<typeof ExplainMessageBody>;

/**
 * What POST /v1/explain takes, for the OpenAPI document only: CloudTrail records in any shape POST /v1/events
 * reads (the body is read as text by the ingest path's splitter), or a pasted message (ExplainMessageBody).
 */
export const ExplainBody = {
  description: `${DocumentBody.description} Or {"message": "…", "service"?: "…"}: a pasted access-denied message (ExplainMessageBody).`,
  oneOf: DocumentBody.oneOf,
};

/** A body with `message` at its top level is a pasted message; no CloudTrail record or envelope has that key. */
export function isMessageBody(body: unknown): boolean {
  return isJsonObject(body) && Object.hasOwn(body, "message");
}

const ECS_NAME = "[A-Za-z0-9_-]{1,255}";
const ECS_ARN = (resource: string) => `arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:${resource}`;

/**
 * What on-call finds denials by: a task ID or session name, a task definition, a service, a cluster, free text. The
 * shapes are checked here (the API's query and the command's flags alike); src/pipeline/find-filters.ts resolves them.
 */
export const FindQuery = z.object({
  session: z
    .string()
    .regex(
      new RegExp(`^(?:[\\w+=,.@-]{2,64}|${ECS_ARN(`task/(?:${ECS_NAME}/)?[A-Za-z0-9-]{1,64}`)})$`),
      "a role session name, an ECS task ID or a task ARN",
    )
    .optional()
    .openapi({
      description:
        "The role session name; an ECS task role's sessions are named by the task ID, so a task ID or a task ARN finds that task's denials",
      example: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    }),
  taskDefinition: z
    .string()
    .regex(
      new RegExp(`^(?:${ECS_NAME}(?::\\d{1,9})?|${ECS_ARN(`task-definition/${ECS_NAME}:\\d{1,9}`)})$`),
      "a task definition family, family:revision or task definition ARN",
    )
    .optional()
    .openapi({
      description:
        "Denials of tasks launched from this task definition (family, family:revision or ARN), and of its task role where the task's launch is not in the trail",
      example: "checkout:7",
    }),
  service: z
    .string()
    .regex(
      new RegExp(`^(?:${ECS_NAME}|${ECS_ARN(`service/(?:${ECS_NAME}/)?${ECS_NAME}`)})$`),
      "an ECS service name or ARN",
    )
    .optional()
    .openapi({
      description:
        "Denials of the service's tasks, and of the task role of the task definitions it runs where the task's launch is not in the trail",
      example: "checkout",
    }),
  cluster: z
    .string()
    .regex(new RegExp(`^(?:${ECS_NAME}|${ECS_ARN(`cluster/${ECS_NAME}`)})$`), "an ECS cluster name or ARN")
    .optional()
    .openapi({
      description:
        "Denials of tasks in the cluster (launch records and the agents' audit logs), and of the task roles of its services' task definitions where the task is not known",
      example: "prod",
    }),
  q: z.string().min(1).max(256).optional().openapi({
    description:
      "Free text: a case-insensitive substring of the denial's message, resource, action, role ARN (and so role name) or principal ARN, taken literally (% and _ are not wildcards)",
    example: "orders",
  }),
});
export type FindQuery = z.infer<typeof FindQuery>;

/** The filters of the denial listing; the incident listing takes the same (src/incidents). */
export const DenialQuery = z
  .object({
    ...FindQuery.shape,
    since: timeParam.optional(),
    until: timeParam.optional(),
    roleArn: z.string().startsWith("arn:").optional(),
    kind: z.enum(ROLE_KINDS as [RoleKind, ...RoleKind[]]).optional(),
    action: z
      .string()
      .regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an IAM action such as s3:GetObject")
      .optional(),
    account: z
      .string()
      .regex(/^\d{12}$/, "a 12-digit account id")
      .optional(),
    incident: z.string().max(64).optional(),
    includeNoise: z.enum(["true", "false"]).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(512).optional(),
  })
  .strict();
export type DenialQuery = z.infer<typeof DenialQuery>;

export const EventIdParam = z.object({ eventId: z.string().min(1).max(128) });
