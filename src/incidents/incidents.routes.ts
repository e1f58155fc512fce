import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { DenialQuery } from "../denials/denials.schemas.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { commonErrors, jsonResponse, NoQuery, notFound } from "../http/openapi.js";
import { Incident, IncidentIdParam, IncidentList } from "./incidents.schemas.js";
import { createIncidentUsecases } from "./incidents.usecases.js";

/** GET /v1/incidents and GET /v1/incidents/{id}. */
export function registerIncidentRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const incidents = createIncidentUsecases(deps);

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/incidents",
      operationId: "listIncidents",
      summary:
        "Denials grouped by fingerprint (role, action, resource pattern, denying policy), most recent first",
      security: [{ bearer: [] }],
      request: { query: DenialQuery },
      responses: { 200: jsonResponse(IncidentList, "A page of incidents"), ...commonErrors },
    }),
    (c) => c.json(incidents.list(c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/incidents/{id}",
      operationId: "getIncident",
      summary: "One incident with its latest explanation",
      security: [{ bearer: [] }],
      request: { query: NoQuery, params: IncidentIdParam },
      responses: { 200: jsonResponse(Incident, "The incident"), ...commonErrors, 404: notFound },
    }),
    (c) => c.json(incidents.get(c.req.valid("param").id), 200),
  );
}
