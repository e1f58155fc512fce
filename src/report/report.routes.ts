import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { commonErrors, notFound } from "../http/openapi.js";
import { RoleNotFoundError } from "../roles/roles.errors.js";
import { LeastPrivilegeReport, ReportQuery } from "./report.schemas.js";
import { contentTypes, leastPrivilegeReport, negotiateFormat, renderReport } from "./report.usecases.js";

const getReport = createRoute({
  method: "get",
  path: "/v1/reports/least-privilege",
  operationId: "getLeastPrivilegeReport",
  summary: "Weekly least-privilege report",
  description:
    "Per role, grouped by kind: actions used and denied, a recommended least-privilege policy, granted-but-unused actions where the trail knows the role's policies, findings, and a comparison with the previous window. `format` or `Accept` (application/json, text/markdown, text/html) chooses the format.",
  security: [{ bearer: [] }],
  request: { query: ReportQuery },
  responses: {
    200: {
      description: "The report",
      content: {
        "application/json": { schema: LeastPrivilegeReport },
        "text/markdown": { schema: z.string() },
        "text/html": { schema: z.string() },
      },
    },
    ...commonErrors,
    404: notFound,
  },
});

export function registerReportRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(getReport, (c) => {
    const query = c.req.valid("query");
    // A bad window throws WindowError: request.invalid, naming from or to.
    const report = leastPrivilegeReport(deps.store, query, deps.clock.now());
    if (query.role !== undefined && report.summary.roles === 0)
      throw new RoleNotFoundError(`no role ${query.role} in the store`, { field: "role" });
    const format = query.format ?? negotiateFormat(c.req.header("accept"));
    c.header("vary", "Accept");
    if (format === "json") return c.json(report, 200);
    return c.body(renderReport(report, format), 200, { "content-type": contentTypes[format] });
  });
}
