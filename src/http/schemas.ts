import { z } from "@hono/zod-openapi";
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
