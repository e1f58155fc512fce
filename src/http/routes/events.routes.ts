import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ingestPush } from "../../pipeline/push.js";
import type { AppDeps as Deps } from "../app-deps.js";
import type { AppEnv } from "../app-env.js";
import { commonErrors, IngestResult, PushBody } from "../schemas.js";

const pushEvents = createRoute({
  method: "post",
  path: "/v1/events",
  summary: "Push CloudTrail events (EventBridge API destination, scripts)",
  description:
    "Idempotent on eventID: sending the same events again stores nothing new. Bad records are rejected one by one, with reasons; the rest are stored.",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: PushBody } } } },
  responses: {
    200: {
      description: "Counts of what was stored",
      content: { "application/json": { schema: IngestResult } },
    },
    ...commonErrors,
  },
});

export function registerEventRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(pushEvents, async (c) => {
    const result = await ingestPush(deps.store, deps.metrics, c.req.valid("json"));
    return c.json(result, 200);
  });
}
