import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { ApiError } from "../http/errors.js";
import { commonErrors, notFound } from "../http/schemas.js";
import { LeastPrivilegeReport } from "./report.schema.js";
import {
  contentTypes,
  leastPrivilegeReport,
  negotiateFormat,
  REPORT_FORMATS,
  renderReport,
} from "./report.service.js";
import { WindowError } from "./report.window.js";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day as YYYY-MM-DD")
  .optional();

export const ReportQuery = z.object({
  from: day.openapi({ description: "First UTC day, inclusive. Default: 7 days before `to`." }),
  to: day.openapi({ description: "Last UTC day, inclusive. Default: yesterday (UTC)." }),
  role: z.string().min(1).optional().openapi({ description: "Only this role (ARN)" }),
  format: z
    .enum(REPORT_FORMATS)
    .optional()
    .openapi({ description: "json, md or html; overrides the Accept header" }),
});

const getReport = createRoute({
  method: "get",
  path: "/v1/reports/least-privilege",
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
    let report: LeastPrivilegeReport;
    try {
      report = leastPrivilegeReport(deps.db, query, deps.clock.now());
    } catch (error) {
      if (error instanceof WindowError) throw new ApiError("request.invalid", error.message, error.field);
      throw error;
    }
    if (query.role !== undefined && report.summary.roles === 0)
      throw new ApiError("roles.not_found", `no role ${query.role} in the store`, "role");
    const format = query.format ?? negotiateFormat(c.req.header("accept"));
    c.header("vary", "Accept");
    if (format === "json") return c.json(report, 200);
    return c.body(renderReport(report, format), 200, { "content-type": contentTypes[format] });
  });
}
