import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { StorageHealth } from "../db/storage-health.js";
import { StoreBusyError, type StoreErrorCode } from "../db/write-lock.js";
import type { DenialErrorCode } from "../denials/denials.errors.js";
import type { IncidentErrorCode } from "../incidents/incidents.errors.js";
import type { ImportErrorCode } from "../policy/imports/import.errors.js";
import type { PolicyErrorCode } from "../policy/policy.errors.js";
import type { RoleErrorCode } from "../roles/roles.errors.js";
import { DomainError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import type { SlackErrorCode } from "../slack/slack.errors.js";
import type { InputRefusedCode } from "../sources/source.js";
import type { AppEnv } from "./app-env.js";

/** The API's own codes: what the HTTP layer itself refuses (schema checks, auth, media types, sizes). */
type HttpErrorCode =
  | "request.invalid"
  | "request.invalid_json"
  | "request.too_large"
  | "request.unsupported_media_type"
  | "auth.missing_token"
  | "auth.invalid_token"
  | "route.not_found"
  | "service.unavailable"
  | "storage.full"
  | "internal.error";

/** Every code a response can carry: the API's own and those the features declare in their `*.errors.ts`. */
export type ErrorCode =
  | HttpErrorCode
  | InputRefusedCode
  | DenialErrorCode
  | IncidentErrorCode
  | RoleErrorCode
  | SlackErrorCode
  | PolicyErrorCode
  | ImportErrorCode
  | StoreErrorCode;

/**
 * THE mapping from error code to HTTP status, one row per code: the type makes a code declared by a feature and
 * missing here a compile error. Codes are stable, lowercase and dotted: clients and tests match on them.
 */
export const errorStatus = {
  "request.invalid": 400,
  "request.invalid_json": 400,
  "slack.no_denial": 400,
  "policy.invalid_document": 400,
  "policy.invalid_request": 400,
  "import.invalid_authorization_details": 400,
  "import.invalid_policy_document": 400,
  "import.invalid_json": 400,
  "import.not_authorization_details": 400,
  "import.truncated_output": 400,
  "import.invalid_org_directory": 400,
  "import.invalid_resource_policy": 400,
  "auth.missing_token": 401,
  "auth.invalid_token": 401,
  "auth.missing_signature": 401,
  "auth.invalid_signature": 401,
  "auth.stale_signature": 401,
  "route.not_found": 404,
  "denials.not_found": 404,
  "incidents.not_found": 404,
  "roles.not_found": 404,
  "request.too_large": 413,
  "request.too_many_records": 413,
  "request.unsupported_media_type": 415,
  "slack.invalid_message": 500,
  "internal.error": 500,
  "service.unavailable": 503,
  "store.busy": 503,
  "storage.full": 503,
  "slack.not_configured": 503,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; requestId: string; field?: string };
}

/** The one error envelope: `{ error: { code, message, requestId, field? } }` with the code's status. */
export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, field?: string) {
  const body: ErrorEnvelope = {
    error: { code, message, requestId: c.get("requestId") ?? "", ...(field !== undefined ? { field } : {}) },
  };
  return c.json(body, errorStatus[code]);
}

/** The first issue of a failed schema check, as the field it names and a message that names it too. */
function describeIssue(issue: z.core.$ZodIssue | undefined): { field: string; message: string } {
  if (issue?.code === "unrecognized_keys") {
    const field = [...issue.path, issue.keys[0] ?? ""].join(".");
    return { field, message: `${field}: unknown parameter (${issue.keys.join(", ")} not accepted here)` };
  }
  const field = issue?.path.join(".") ?? "";
  return { field, message: `${field ? `${field}: ` : ""}${issue?.message ?? "invalid request"}` };
}

/**
 * The app's schema hook: a request that fails its route's schema is `request.invalid`, naming the field at fault:
 * an unknown query parameter is refused by name (each route's query schema is strict).
 */
export function answerInvalid(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return;
  const issues = result.error.issues;
  const { field, message } = describeIssue(issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]);
  return errorResponse(c, "request.invalid", message, field);
}

function isMapped(code: string): code is ErrorCode {
  return Object.hasOwn(errorStatus, code);
}

/**
 * app.onError: a domain error is answered with its code's status, message and field; a body hono could not parse
 * as JSON is `request.invalid_json`. Anything else (including a domain error whose code has no status, which is
 * a bug) is logged with the request id and answered as a bare 500 that says nothing of its cause.
 */
export function answerError(
  error: Error,
  c: Context<AppEnv>,
  deps: { logger: Logger; storage: StorageHealth },
): Response {
  // Nothing was stored: the client may send the same events again (ingestion is idempotent).
  if (error instanceof StoreBusyError) c.header("retry-after", "5");
  if (error instanceof DomainError && isMapped(error.code))
    return errorResponse(c, error.code, error.message, error.field);
  if (error instanceof HTTPException && error.status === 400)
    return errorResponse(c, "request.invalid_json", "the body is not valid JSON");
  const requestId = c.get("requestId") ?? "";
  const logger = c.get("logger") ?? deps.logger;
  if (deps.storage.noteFailure(error)) {
    // The transaction was rolled back: nothing of this request is stored, and a retry later can succeed.
    logger.error({ err: error, requestId }, "database write failed: no space left");
    return errorResponse(
      c,
      "storage.full",
      "the database's disk is full: nothing of this request was stored",
    );
  }
  logger.error({ err: error, requestId }, "unhandled error");
  return errorResponse(c, "internal.error", "internal error");
}
