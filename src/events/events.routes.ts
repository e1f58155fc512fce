import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { bodyErrors, commonErrors, errorResponseOf, jsonResponse, NoQuery } from "../http/openapi.js";
import { DocumentBody, IngestResult } from "./events.schemas.js";
import { pushEvents } from "./events.usecases.js";

/** POST /v1/events: push ingestion (an EventBridge API destination, scripts). */
export function registerEventRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/events",
      operationId: "pushEvents",
      summary: "Push CloudTrail events (EventBridge API destination, scripts)",
      description:
        "Idempotent on eventID: sending the same events again stores nothing new. Bad records are rejected one by one, with reasons; the rest are stored. Identical rejects are quarantined once, with a count.",
      security: [{ bearer: [] }],
      request: {
        query: NoQuery,
        body: { required: true, content: { "application/json": { schema: DocumentBody } } },
      },
      responses: {
        200: jsonResponse(IngestResult, "Counts of what was stored"),
        ...commonErrors,
        ...bodyErrors,
        413: errorResponseOf(
          "The body is larger than DENIEDBY_BODY_LIMIT (request.too_large) or holds more than DENIEDBY_PUSH_MAX_RECORDS records (request.too_many_records); nothing of it is stored",
        ),
        503: errorResponseOf("The database's disk is full (storage.full): nothing was stored"),
      },
    }),
    async (c) => c.json(await pushEvents(deps, await c.req.text()), 200),
  );
}
