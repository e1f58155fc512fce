import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.js";
import { errorResponse } from "./errors.js";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is constant-time
 * whatever the lengths; the token is never logged or echoed.
 */
export function requireBearer(token: string): MiddlewareHandler<AppEnv> {
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header)
      return errorResponse(c, "auth.missing_token", "this route needs 'Authorization: Bearer <token>'");
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected))
      return errorResponse(c, "auth.invalid_token", "the bearer token is not valid");
    return next();
  };
}

/**
 * application/json or a +json type, with parameters: not application/json-seq or jsonl, which share the prefix but
 * are not one JSON document (hono's JSON parser failed on them with a 500).
 */
const JSON_TYPE = /^application\/([a-z0-9!#$&^_.-]+\+)?json\s*(;|$)/i;

/** POST bodies must be JSON (Slack's form-encoded commands route opts out). */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "POST") {
      const type = c.req.header("content-type") ?? "";
      if (!JSON_TYPE.test(type))
        return errorResponse(c, "request.unsupported_media_type", "send the body as application/json");
    }
    return next();
  };
}

/**
 * What a client's X-Request-Id must be to be kept: 1 to 128 letters, digits and `_.:=-` (enough for UUIDs, ULIDs
 * and trace headers such as AWS's `Root=1-…`). Anything else could forge or break a log line, so it is neither
 * logged nor echoed: the request gets a new id.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9_.:=-]{1,128}$/;

/** Sets the request's id (the client's when acceptable, else a new UUID) and echoes it in X-Request-Id. */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given !== undefined && CLIENT_REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    c.header("x-request-id", id);
    await next();
  };
}

/** One structured log line per request, and request counts by route and status for /metrics. */
export function requestLog(
  onDone: (request: { method: string; route: string; status: number; seconds: number }) => void,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    // Middleware wildcards are not routes: a request that matched no route counts as "unmatched".
    const route = !c.req.routePath || c.req.routePath.endsWith("*") ? "unmatched" : c.req.routePath;
    const ms = performance.now() - started;
    onDone({ method: c.req.method, route, status: c.res.status, seconds: ms / 1000 });
    c.get("logger").info(
      { method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10 },
      "request",
    );
  };
}
