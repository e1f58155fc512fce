import { z } from "zod";
import { ROLE_KINDS, type RoleKind } from "../classify/kinds.js";
import { FindQuery } from "../denials/denials.schemas.js";

/**
 * The query strings of the console's pages. Each is strict: a parameter a page does not know is a 400 page naming
 * it, so a URL pasted into a ticket never silently means something other than what its reader sees. Empty fields
 * (a form's "any" choice) count as absent.
 */

const kind = z.enum(ROLE_KINDS as [RoleKind, ...RoleKind[]]);

/** Time windows of the incident list, in milliseconds; `all` has no lower bound. */
export const WINDOWS = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  all: null,
};
export type WindowName = keyof typeof WINDOWS;

export const IncidentsQuery = z
  .object({
    window: z.enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]).default("all"),
    kind: kind.optional(),
    account: z
      .string()
      .regex(/^\d{12}$/, "a 12-digit account id")
      .optional(),
    action: z
      .string()
      .regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an IAM action such as s3:GetObject")
      .optional(),
    noise: z.literal("on").optional(),
    // What on-call has in hand (task, definition, service, cluster, text): the API's find parameters.
    ...FindQuery.shape,
    cursor: z.string().max(512).optional(),
  })
  .strict();
export type IncidentsQuery = z.infer<typeof IncidentsQuery>;

export const RoleQuery = z
  .object({ arn: z.string().startsWith("arn:", "a role or session ARN").max(2048) })
  .strict();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a UTC day as YYYY-MM-DD");
export const ReportPageQuery = z
  .object({
    from: day.optional(),
    to: day.optional(),
    kind: kind.optional(),
    role: z.string().max(2048).optional(),
  })
  .strict();
export type ReportPageQuery = z.infer<typeof ReportPageQuery>;

/** Pasted error messages run to CloudTrail's 1,024 characters plus an SDK's wrapping. */
export const SearchQuery = z.object({ q: z.string().max(4096).default("") }).strict();

/** Where to go after signing in: a path of this site only (never `//host`, which browsers read as another site). */
export const SignInQuery = z
  .object({
    next: z
      .string()
      .max(2048)
      .regex(/^\/(?![/\\])/, "a path on this site")
      .optional(),
  })
  .strict();

export const NoQuery = z.object({}).strict();

export type QueryResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** Parses a URL's query string with a page's schema; a parameter given twice is refused, not half-read. */
export function parseQuery<T>(url: string, schema: z.ZodType<T>): QueryResult<T> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) return { ok: false, field: key, message: `${key}: given more than once` };
    if (value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field =
    issue?.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : (issue?.path.map(String).join(".") ?? "");
  const message =
    issue?.code === "unrecognized_keys" ? "not a parameter of this page" : (issue?.message ?? "invalid");
  return { ok: false, field, message: `${field}: ${message}` };
}
