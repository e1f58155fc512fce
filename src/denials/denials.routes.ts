import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import {
  bodyErrors,
  commonErrors,
  errorResponseOf,
  jsonResponse,
  NoQuery,
  notFound,
} from "../http/openapi.js";
import {
  DenialDetail,
  DenialList,
  DenialQuery,
  EventIdParam,
  ExplainBody,
  ExplainResult,
} from "./denials.schemas.js";
import { createDenialUsecases } from "./denials.usecases.js";

/**
 * GET /v1/denials, GET /v1/denials/{eventId} and POST /v1/explain. Explaining given events lives here rather than
 * in a folder of its own: it answers with the same Explanation resource, built by the same explainer over the
 * same stored catalogue, and only differs in where the records come from.
 */
export function registerDenialRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const denials = createDenialUsecases(deps);

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/denials",
      operationId: "listDenials",
      summary: "Explained denials, newest first",
      security: [{ bearer: [] }],
      request: { query: DenialQuery },
      responses: { 200: jsonResponse(DenialList, "A page of explanations"), ...commonErrors },
    }),
    // The body is exactly a DenialList, built from cached bytes (see listJson): typed as the route's response.
    (c) =>
      c.body(denials.listJson(c.req.valid("query")), 200, { "content-type": "application/json" }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/denials/{eventId}",
      operationId: "getDenial",
      summary: "One explained denial, with its raw CloudTrail record",
      security: [{ bearer: [] }],
      request: { query: NoQuery, params: EventIdParam },
      responses: {
        200: jsonResponse(DenialDetail, "The explanation and the record"),
        ...commonErrors,
        404: notFound,
      },
    }),
    (c) => c.json(denials.detail(c.req.valid("param").eventId), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/explain",
      operationId: "explainEvents",
      summary: "Explain the given events, or a pasted error message, without storing them",
      description:
        'Accepts the same bodies as POST /v1/events, or {"message": "…", "service"?: "…"}: a pasted access-denied message explained alone (no event: the explanation\'s caveats say what it could not know). The stored role catalogue is the context.',
      security: [{ bearer: [] }],
      request: {
        query: NoQuery,
        body: {
          required: true,
          content: { "application/json": { schema: ExplainBody } },
        },
      },
      responses: {
        200: jsonResponse(ExplainResult, "An explanation per denial"),
        ...commonErrors,
        ...bodyErrors,
        413: errorResponseOf(
          "The body is larger than DENIEDBY_BODY_LIMIT (request.too_large) or holds more than DENIEDBY_PUSH_MAX_RECORDS records (request.too_many_records)",
        ),
      },
    }),
    async (c) => c.json(denials.explainBody(await c.req.text()), 200),
  );
}
