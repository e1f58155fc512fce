import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { commonErrors, jsonResponse, notFound } from "../http/openapi.js";
import {
  LookupQuery,
  PoliciesQuery,
  RoleList,
  RoleLookup,
  RolePolicies,
  RolesQuery,
} from "./roles.schemas.js";
import { createRoleUsecases } from "./roles.usecases.js";

/** GET /v1/roles, GET /v1/roles/lookup and GET /v1/roles/policies. */
export function registerRoleRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const roles = createRoleUsecases(deps);

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/roles",
      operationId: "listRoles",
      summary:
        "The role catalogue: every principal that acts in the trail, with kinds, confidence and evidence",
      security: [{ bearer: [] }],
      request: { query: RolesQuery },
      responses: { 200: jsonResponse(RoleList, "A page of roles, in ARN order"), ...commonErrors },
    }),
    (c) => c.json(roles.list(c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/roles/lookup",
      operationId: "lookupRole",
      summary: "One role by ARN (role ARN, or an assumed-role session ARN)",
      description: "ARNs hold '/' and ':', so they go in the query string rather than in the path.",
      security: [{ bearer: [] }],
      request: { query: LookupQuery },
      responses: {
        200: jsonResponse(
          RoleLookup,
          "The catalogue entry, and for a session named by a task ID, its ECS task",
        ),
        ...commonErrors,
        404: notFound,
      },
    }),
    (c) => c.json(roles.lookup(c.req.valid("query").arn), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/roles/policies",
      operationId: "getRolePolicies",
      summary:
        "The effective policies of a role or user, with where each came from, and what the model lacks",
      description:
        "From the policy model (docs/policies.md): inline and managed identity policies (managed ones by version), the permissions boundary, the trust policy, the SCPs and RCPs of the account's organisation levels. ARNs go in the query string.",
      security: [{ bearer: [] }],
      request: { query: PoliciesQuery },
      responses: {
        200: jsonResponse(RolePolicies, "The policies with their provenance, and the unknowns"),
        ...commonErrors,
        404: notFound,
      },
    }),
    (c) => c.json(roles.policies(c.req.valid("query").arn), 200),
  );
}
