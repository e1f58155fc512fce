import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { parseTime, TIME_FORMS } from "../shared/time.js";
import type { AppEnv } from "./app-env.js";
import { errorCodes } from "./errors.js";

/**
 * A time query parameter, in the forms the CLI takes (src/shared/time.ts parses both): the route's use case turns
 * it into an instant with the app's clock.
 */
export const timeParam = z
  .string()
  .max(64)
  .refine((text) => parseTime(text, 0) !== null, `expected ${TIME_FORMS}`)
  .openapi({ description: `An instant: ${TIME_FORMS}`, example: "24h" });

/** The query of a route that takes no parameters: any parameter is refused by name, like on every other route. */
export const NoQuery = z.object({}).strict();

/** The error envelope as a schema: the OpenAPI document and the tests that parse error bodies use it. */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      requestId: z.string(),
      field: z.string().optional(),
    }),
  })
  .openapi("Error");

/** A response whose body is JSON of `schema`, for a route's `responses`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** An error response in the envelope, for a route's `responses`. */
export function errorResponseOf(description: string) {
  return jsonResponse(ErrorEnvelope, description);
}

/** The error responses every /v1 route can give. */
export const commonErrors = {
  400: errorResponseOf("Invalid request (the offending field is named)"),
  401: errorResponseOf("Missing or invalid bearer token"),
} as const;

/** The error responses of a route that reads a JSON body: too large, or not JSON. */
export const bodyErrors = {
  413: errorResponseOf("The body is larger than DENIEDBY_BODY_LIMIT"),
  415: errorResponseOf("The body is not application/json"),
} as const;

export const notFound = errorResponseOf("Not found");

/** Serves the OpenAPI document of every route registered with createRoute. */
export function serveOpenApi(app: OpenAPIHono<AppEnv>, publicUrl: string | undefined): void {
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "deniedby",
      version: "1",
      description: "Why AWS said AccessDenied, and which role to fix: explained denials from CloudTrail.",
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
    },
    // DENIEDBY_PUBLIC_URL when set (where people reach it), else this server, relative to the document.
    servers: [{ url: publicUrl?.replace(/\/+$/, "") || "/", description: "deniedby" }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "DENIEDBY_API_TOKEN, required on /v1 routes once it is set",
  });
}
