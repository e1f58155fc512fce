import { z } from "@hono/zod-openapi";

/** One record set aside, with where it was in the body and why: reasons are stable codes (record.missing_event_id). */
export const Rejection = z.object({
  position: z
    .string()
    .openapi({ description: "Where in the request body: 'record 3', or '' for the whole body" }),
  reason: z.string().openapi({ description: "Stable reason code, e.g. record.missing_event_id" }),
  detail: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

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
export type IngestResult = z.infer<typeof IngestResult>;

/**
 * A body of CloudTrail records: a record, an EventBridge event, an array of either, or {"Records": [...]}. What
 * POST /v1/events stores, and what POST /v1/explain and POST /v1/slack/enrich read without storing.
 */
export const PushBody = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .openapi("PushBody", {
    description:
      "One CloudTrail record, one EventBridge event ('AWS API Call via CloudTrail', record in detail), an array of either, or a CloudTrail log file body {\"Records\": [...]}",
  });
