import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { commonErrors, jsonResponse } from "../http/openapi.js";
import { QuarantineList, QuarantineQuery } from "./quarantine.schemas.js";
import { listQuarantine } from "./quarantine.usecases.js";

/** GET /v1/quarantine: the input ingestion set aside (the raw text in full is `deniedby quarantine show`). */
export function registerQuarantineRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/quarantine",
      operationId: "listQuarantine",
      summary: "Input set aside by ingestion (quarantined), newest first: where it came from and why",
      description:
        "Paged with nextCursor. Each item carries a bounded preview of its raw text, never all of it; `deniedby quarantine show ID` prints a row in full and `deniedby quarantine retry` stores what now parses.",
      security: [{ bearer: [] }],
      request: { query: QuarantineQuery },
      responses: { 200: jsonResponse(QuarantineList, "A page of quarantined input"), ...commonErrors },
    }),
    (c) => c.json(listQuarantine(deps, c.req.valid("query")), 200),
  );
}
