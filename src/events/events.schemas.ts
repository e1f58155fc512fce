import { z } from "@hono/zod-openapi";

/** One record set aside, with where it was in the body and why: reasons are stable codes (record.missing_event_id). */
export const Rejection = z.object({
  position: z.string().openapi({
    description:
      "Where in the request body: 'record 3' in an array or Records list (', log event 2' inside it), 'line 1' for a lone object",
  }),
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
    rejected: z
      .array(Rejection)
      .openapi({ description: "The first 100 rejects in body order; each is quarantined, listed or not" }),
    rejectedTotal: z.number().int().openapi({ description: "Every reject, listed or not" }),
  })
  .openapi("IngestResult");
export type IngestResult = z.infer<typeof IngestResult>;

/**
 * The bodies POST /v1/events and POST /v1/explain accept, for the OpenAPI document only: those routes read the
 * body as text through the ingest path's own splitter (nesting bounded, bad records set aside one by one), so no
 * validator parses it first.
 */
export const DocumentBody = {
  description:
    'JSON in any shape deniedby ingests: one CloudTrail record, one EventBridge event (\'AWS API Call via CloudTrail\', record in detail), an array of either, a CloudTrail log file body {"Records": [...]}, `aws cloudtrail lookup-events` output ({"Events": [...]} or one Event), or a CloudWatch Logs subscription message (DATA_MESSAGE, or the {"awslogs": {"data": ...}} envelope). At most DENIEDBY_PUSH_MAX_RECORDS records (413 request.too_many_records past it).',
  oneOf: [{ type: "object" as const }, { type: "array" as const }],
};

/**
 * A body of CloudTrail records: a record, an EventBridge event, an array of either, or {"Records": [...]}. What
 * POST /v1/slack/enrich reads without storing.
 */
export const PushBody = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .openapi("PushBody", {
    description:
      "One CloudTrail record, one EventBridge event ('AWS API Call via CloudTrail', record in detail), an array of either, or a CloudTrail log file body {\"Records\": [...]}",
  });
