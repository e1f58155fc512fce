import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env.js";

/**
 * Errors the API answers with. Codes are stable, lowercase and dotted: clients and tests match on them.
 */
export const errorCodes = {
  "request.invalid": 400,
  "request.invalid_json": 400,
  "slack.no_denial": 400,
  "auth.missing_token": 401,
  "auth.invalid_token": 401,
  "auth.invalid_signature": 401,
  "auth.missing_signature": 401,
  "auth.stale_signature": 401,
  "route.not_found": 404,
  "denials.not_found": 404,
  "incidents.not_found": 404,
  "roles.not_found": 404,
  "request.too_large": 413,
  "request.unsupported_media_type": 415,
  "service.unavailable": 503,
  "slack.not_configured": 503,
  "slack.invalid_message": 500,
  "internal.error": 500,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof errorCodes;

/** A failure with a code the client can act on. Thrown by handlers and feature code, answered by onError. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): ContentfulStatusCode {
    return errorCodes[this.code];
  }
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; requestId: string; field?: string };
}

export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, field?: string) {
  const body: ErrorEnvelope = {
    error: { code, message, requestId: c.get("requestId") ?? "", ...(field !== undefined ? { field } : {}) },
  };
  return c.json(body, errorCodes[code]);
}
