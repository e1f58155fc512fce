import { z } from "@hono/zod-openapi";
import { ROLE_KINDS } from "../classify/kinds.js";
import { Explanation } from "../explain/explanation.schema.js";
import { errorCodes } from "./errors.js";

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
      message: z.string(),
      requestId: z.string(),
      field: z.string().optional(),
    }),
  })
  .openapi("Error");

/** The error responses every /v1 route can give, for the OpenAPI document. */
export const commonErrors = {
  400: {
    description: "Invalid request (the offending field is named)",
    content: { "application/json": { schema: ErrorEnvelope } },
  },
  401: {
    description: "Missing or invalid bearer token",
    content: { "application/json": { schema: ErrorEnvelope } },
  },
} as const;

export const notFound = {
  description: "Not found",
  content: { "application/json": { schema: ErrorEnvelope } },
} as const;

export const Rejection = z.object({
  position: z
    .string()
    .openapi({ description: "Where in the request body: 'record 3', or '' for the whole body" }),
  reason: z.string().openapi({ description: "Stable reason code, e.g. record.missing_event_id" }),
  detail: z.string(),
});

export const IngestResult = z
  .object({
    accepted: z
      .number()
      .int()
      .openapi({ description: "New events stored (denials, evidence, or folded into usage)" }),
    denials: z.number().int(),
    duplicates: z.number().int().openapi({ description: "Events already stored, by eventID" }),
    rejected: z.array(Rejection),
  })
  .openapi("IngestResult");

/** Accepted push bodies: a record, an EventBridge event, an array of either, or {"Records": [...]}. */
export const PushBody = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .openapi("PushBody", {
    description:
      "One CloudTrail record, one EventBridge event ('AWS API Call via CloudTrail', record in detail), an array of either, or a CloudTrail log file body {\"Records\": [...]}",
  });

const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

/**
 * The explanation (and the policy documents in it) as the explainer defines it: one schema for API, CLI and Slack.
 * Its shape is wrapped here, where zod has its OpenAPI methods whatever the order modules load in.
 */
export const ExplanationSchema = z.object(Explanation.shape).openapi("Explanation");

export const DenialList = z
  .object({ denials: z.array(ExplanationSchema), nextCursor: z.string().nullable() })
  .openapi("DenialList");

/** The ECS task behind a task-role session (the agents' credential audit logs and the trail). */
export const TaskContextSchema = z
  .object({
    taskArn: z.string(),
    taskId: z.string(),
    cluster: z.string().nullable(),
    containerInstanceArn: z.string().nullable(),
    service: z.object({ name: z.string(), from: z.enum(["launch", "task-definition"]) }).nullable(),
    credentialRequests: z.number().int(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .openapi("TaskContext");

export const DenialDetail = z
  .object({
    explanation: ExplanationSchema,
    raw: z.record(z.string(), z.unknown()),
    /** The task whose role was denied, when the session is named by a task ID the audit logs or the trail know. */
    task: TaskContextSchema.nullable(),
  })
  .openapi("DenialDetail");

export const IncidentSchema = z
  .object({
    id: z.string(),
    principalArn: z.string(),
    roleArn: z.string().nullable(),
    accountId: z.string(),
    action: z.string(),
    resourcePattern: z.string(),
    deniedBy: z.string(),
    policyArn: z.string().nullable(),
    count: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    sampleEventIds: z.array(z.string()),
    sessions: z.array(z.string()),
    noise: z.boolean(),
    noiseReason: z.string().nullable(),
    latest: ExplanationSchema.nullable().openapi({
      description: "The explanation of the incident's latest denial",
    }),
  })
  .openapi("Incident");

export const IncidentList = z
  .object({ incidents: z.array(IncidentSchema), nextCursor: z.string().nullable() })
  .openapi("IncidentList");

export const RoleEntrySchema = z
  .object({
    roleArn: z.string(),
    accountId: z.string(),
    roleName: z.string(),
    kinds: z.array(
      z.object({
        kind: enumOf(ROLE_KINDS),
        confidence: z.number().min(0).max(1),
        evidence: z.array(z.object({ signal: z.string(), detail: z.string(), weight: z.number() })),
      }),
    ),
    dualUse: z.boolean(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .openapi("Role");

/** A role found by ARN; for a session named by a task ID, the task it belongs to. */
export const RoleLookup = RoleEntrySchema.extend({ task: TaskContextSchema.nullable() }).openapi(
  "RoleLookup",
);

export const RoleList = z
  .object({ roles: z.array(RoleEntrySchema), nextCursor: z.string().nullable() })
  .openapi("RoleList");

export const ExplainResult = z
  .object({
    explanations: z.array(ExplanationSchema),
    skipped: z
      .array(Rejection)
      .openapi({ description: "Records that are valid but not denials (reason not_a_denial)" }),
    rejected: z.array(Rejection),
  })
  .openapi("ExplainResult");

/** Query parameters shared by the denial and incident listings. */
const time = z.iso
  .datetime({ offset: true })
  .openapi({ description: "ISO 8601 instant", example: "2026-11-16T00:00:00Z" });
export const ListQuery = z.object({
  since: time.optional(),
  until: time.optional(),
  roleArn: z.string().startsWith("arn:").optional(),
  kind: enumOf(ROLE_KINDS).optional(),
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
});
