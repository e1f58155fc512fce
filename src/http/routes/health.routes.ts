import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { migrationsApplied } from "../../db/client.js";
import type { AppDeps as Deps } from "../app-deps.js";
import type { AppEnv } from "../app-env.js";
import { errorResponse } from "../errors.js";
import { ErrorEnvelope } from "../schemas.js";

const Health = z.object({ status: z.literal("ok") }).openapi("Health");

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "The process is up",
      responses: { 200: { description: "Up", content: { "application/json": { schema: Health } } } },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      summary: "The database is open and migrated",
      responses: {
        200: { description: "Ready", content: { "application/json": { schema: Health } } },
        503: { description: "Not ready", content: { "application/json": { schema: ErrorEnvelope } } },
      },
    }),
    (c) => {
      if (!deps.db.$client.open || !migrationsApplied(deps.db))
        return errorResponse(c, "service.unavailable", "the database is not open or not migrated") as never;
      return c.json({ status: "ok" as const }, 200);
    },
  );

  deps.metrics.onCollect(() => {
    if (!deps.db.$client.open) return;
    const row = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number };
    deps.metrics.set("deniedby_denials_stored", "Denials in the database", {}, row.n);
  });
  app.get("/metrics", (c) =>
    c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
}
