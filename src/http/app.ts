import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { registerConsoleRoutes } from "../console/console.routes.js";
import { registerDenialRoutes } from "../denials/denials.routes.js";
import { registerEventRoutes } from "../events/events.routes.js";
import { registerHealthRoutes } from "../health/health.routes.js";
import { registerIncidentRoutes } from "../incidents/incidents.routes.js";
import { registerQuarantineRoutes } from "../quarantine/quarantine.routes.js";
import { reportPageStyle } from "../report/report.render.html.js";
import { registerReportRoutes } from "../report/report.routes.js";
import { registerRoleRoutes } from "../roles/roles.routes.js";
import { registerSlackRoutes } from "../slack/slack.routes.js";
import type { AppDeps as Deps } from "./app-deps.js";
import type { AppEnv } from "./app-env.js";
import { answerError, answerInvalid, errorResponse } from "./errors.js";
import { requestIds, requestLog, requireBearer, requireJson } from "./middleware.js";
import { serveOpenApi } from "./openapi.js";
import { securityHeaders } from "./secure-headers.js";

/** Per request, first: its id (the client's when acceptable), its logger, its log line and count, its headers. */
function observeRequests(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.use("*", requestIds());
  app.use("*", async (c, next) => {
    c.set("logger", deps.logger.child({ requestId: c.get("requestId") }));
    await next();
  });
  app.use(
    "*",
    requestLog(({ route, status, seconds }) => {
      const labels = { route, status: String(status) };
      deps.metrics.inc("deniedby_http_requests_total", "HTTP requests by route and status", labels);
      deps.metrics.observe(
        "deniedby_http_request_duration_seconds",
        "Seconds answering an HTTP request, by route and status",
        labels,
        seconds,
      );
    }),
  );
  app.use("*", securityHeaders([reportPageStyle]));
}

/** The bearer token on /v1 once one is configured. */
function requireToken(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  if (!deps.config.DENIEDBY_API_TOKEN) return;
  const bearer = requireBearer(deps.config.DENIEDBY_API_TOKEN);
  // Slack cannot send our token: its slash commands are authenticated by Slack's request signature instead.
  app.use("/v1/*", (c, next) => (c.req.path === "/v1/slack/commands" ? next() : bearer(c, next)));
}

/** Bodies of /v1 writes: bounded in size, and JSON (but Slack's form-encoded commands). */
function checkBodies(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const limit = deps.config.DENIEDBY_BODY_LIMIT;
  const limitBody = bodyLimit({
    maxSize: limit,
    onError: (c) => errorResponse(c, "request.too_large", `the body is larger than ${limit} bytes`),
  });
  // No route reads a GET or HEAD body, and bodyLimit looking for one builds a full fetch Request from the Node
  // request on every call, a cost every read would pay (docs/performance.md).
  app.use("/v1/*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next),
  );
  const json = requireJson();
  // Slack sends slash commands form-encoded; every other POST is JSON.
  app.use("/v1/*", (c, next) => (c.req.path === "/v1/slack/commands" ? next() : json(c, next)));
}

/** Each feature registers its routes from its own folder (src/<feature>/<feature>.routes.ts). */
function registerRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  registerHealthRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerDenialRoutes(app, deps);
  registerIncidentRoutes(app, deps);
  registerRoleRoutes(app, deps);
  registerQuarantineRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerSlackRoutes(app, deps);
  registerConsoleRoutes(app, deps);
  serveOpenApi(app, deps.config.DENIEDBY_PUBLIC_URL);
}

/**
 * Builds the HTTP app around its dependencies. Reads no globals, so tests build the real app around a fresh
 * database and call it with app.request().
 */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: answerInvalid });
  observeRequests(app, deps);
  requireToken(app, deps);
  checkBodies(app, deps);
  registerRoutes(app, deps);
  app.notFound((c) => errorResponse(c, "route.not_found", `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => answerError(error, c, deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
