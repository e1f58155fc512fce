import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { errorResponse } from "../http/errors.js";
import { errorResponseOf, jsonResponse } from "../http/openapi.js";
import { Health } from "./health.schemas.js";
import { collectStoreMetrics, isReady } from "./health.usecases.js";

/** /healthz, /readyz and /metrics: open (no token), for load balancers, orchestrators and Prometheus. */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "The process is up",
      responses: { 200: jsonResponse(Health, "Up") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      summary: "The database is open and migrated",
      responses: { 200: jsonResponse(Health, "Ready"), 503: errorResponseOf("Not ready") },
    }),
    (c) => {
      if (!isReady(deps))
        return errorResponse(c, "service.unavailable", "the database is not open or not migrated") as never;
      return c.json({ status: "ok" as const }, 200);
    },
  );

  collectStoreMetrics(deps);
  app.get("/metrics", (c) =>
    c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
}
