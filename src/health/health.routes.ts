import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { errorResponse } from "../http/errors.js";
import { commonErrors, errorResponseOf, jsonResponse, NoQuery } from "../http/openapi.js";
import { examplesStatus } from "../pipeline/examples.js";
import { Health, Readiness } from "./health.schemas.js";
import { collectStoreMetrics, unreadiness } from "./health.usecases.js";

/** /healthz, /readyz and /metrics: open (no token), for load balancers, orchestrators and Prometheus. */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      operationId: "getHealth",
      security: [],
      summary: "The process is up",
      request: { query: NoQuery },
      responses: { 200: jsonResponse(Health, "Up"), 400: commonErrors[400] },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      operationId: "getReadiness",
      security: [],
      summary: "The database is open and migrated, and writes are not failing for want of space",
      request: { query: NoQuery },
      responses: {
        200: jsonResponse(Readiness, "Ready"),
        400: commonErrors[400],
        503: errorResponseOf("Not ready"),
      },
    }),
    (c) => {
      const why = unreadiness(deps);
      if (why !== null) return errorResponse(c, "service.unavailable", why) as never;
      const examples = examplesStatus(deps.store);
      return c.json({ status: "ok" as const, policies: deps.warmup.state(), examples }, 200);
    },
  );

  collectStoreMetrics(deps);
  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      operationId: "getMetrics",
      security: [],
      summary: "Metrics in the Prometheus text format",
      request: { query: NoQuery },
      responses: {
        200: { description: "The metrics", content: { "text/plain": { schema: z.string() } } },
        400: commonErrors[400],
      },
    }),
    async (c) => c.text(await deps.metrics.render(), 200, { "content-type": deps.metrics.contentType }),
  );
}
