import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isDenial } from "../../cloudtrail/denial.js";
import { bodyRecords, type Rejection, validateRecord } from "../../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { explainDenial } from "../../explain/explain.js";
import type { Explanations } from "../../pipeline/explanations.js";
import type { AppDeps as Deps } from "../app-deps.js";
import type { AppEnv } from "../app-env.js";
import { commonErrors, ExplainResult, PushBody } from "../schemas.js";

const explainRoute = createRoute({
  method: "post",
  path: "/v1/explain",
  summary: "Explain the given events without storing them (alert enrichment)",
  description: "Accepts the same bodies as POST /v1/events. The stored role catalogue is the context.",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: PushBody } } } },
  responses: {
    200: {
      description: "An explanation per denial",
      content: { "application/json": { schema: ExplainResult } },
    },
    ...commonErrors,
  },
});

export function registerExplainRoutes(
  app: OpenAPIHono<AppEnv>,
  _deps: Deps,
  explanations: Explanations,
): void {
  app.openapi(explainRoute, (c) => {
    explanations.sync();
    const result = {
      explanations: [] as ReturnType<typeof explainDenial>[],
      skipped: [] as { position: string; reason: string; detail: string }[],
      rejected: [] as { position: string; reason: string; detail: string }[],
    };
    for (const { position, value } of bodyRecords(c.req.valid("json"))) {
      const checked = validateRecord(value);
      if ("rejection" in checked) {
        const r: Rejection = checked.rejection;
        result.rejected.push({ position, reason: r.reason, detail: r.detail });
        continue;
      }
      const record: CloudTrailRecord = checked.record;
      if (!isDenial(record.errorCode, record.errorMessage)) {
        result.skipped.push({
          position,
          reason: "not_a_denial",
          detail: record.errorCode
            ? `errorCode ${record.errorCode} is not an authorization failure`
            : "the call succeeded",
        });
        continue;
      }
      result.explanations.push(explainDenial(record, { catalog: explanations.catalog }));
    }
    return c.json(result, 200);
  });
}
