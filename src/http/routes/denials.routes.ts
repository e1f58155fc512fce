import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { createDenialPages, InvalidCursorError } from "../../db/denial-pages.repository.js";
import { getDenial, getIncident, listIncidents } from "../../db/denials.repository.js";
import type { IncidentRow } from "../../db/schema.js";
import type { Explanations } from "../../pipeline/explanations.js";
import { taskOfSession } from "../../pipeline/task-context.js";
import type { AppDeps as Deps } from "../app-deps.js";
import type { AppEnv } from "../app-env.js";
import { ApiError } from "../errors.js";
import {
  commonErrors,
  DenialDetail,
  DenialList,
  IncidentList,
  IncidentSchema,
  ListQuery,
  notFound,
} from "../schemas.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const listDenialsRoute = createRoute({
  method: "get",
  path: "/v1/denials",
  summary: "Explained denials, newest first",
  security: [{ bearer: [] }],
  request: { query: ListQuery },
  responses: { 200: json(DenialList, "A page of explanations"), ...commonErrors },
});

const getDenialRoute = createRoute({
  method: "get",
  path: "/v1/denials/{eventId}",
  summary: "One explained denial, with its raw CloudTrail record",
  security: [{ bearer: [] }],
  request: { params: z.object({ eventId: z.string().min(1).max(128) }) },
  responses: { 200: json(DenialDetail, "The explanation and the record"), ...commonErrors, 404: notFound },
});

const listIncidentsRoute = createRoute({
  method: "get",
  path: "/v1/incidents",
  summary:
    "Denials grouped by fingerprint (role, action, resource pattern, denying policy), most recent first",
  security: [{ bearer: [] }],
  request: { query: ListQuery },
  responses: { 200: json(IncidentList, "A page of incidents"), ...commonErrors },
});

const getIncidentRoute = createRoute({
  method: "get",
  path: "/v1/incidents/{id}",
  summary: "One incident with its latest explanation",
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 200: json(IncidentSchema, "The incident"), ...commonErrors, 404: notFound },
});

type ListQueryParams = z.infer<typeof ListQuery>;

const LIST_HEAD = Buffer.from('{"denials":[');
const COMMA = Buffer.from(",");

/** Query → repository filters; ISO times become epoch ms, and until must follow since. */
function filters(q: ListQueryParams) {
  const since = q.since === undefined ? undefined : Date.parse(q.since);
  const until = q.until === undefined ? undefined : Date.parse(q.until);
  if (since !== undefined && until !== undefined && until <= since)
    throw new ApiError("request.invalid", "until: must be later than since", "until");
  return {
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(q.roleArn ? { roleArn: q.roleArn } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.account ? { account: q.account } : {}),
    ...(q.incident ? { incident: q.incident } : {}),
    includeNoise: q.includeNoise === "true",
    limit: q.limit,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseList(json: string): string[] {
  const v = JSON.parse(json) as unknown;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** A cursor we never issued is the client's mistake: 400 naming the field. */
function pageOrBadCursor<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new ApiError("request.invalid", "cursor: not a cursor this API issued", "cursor");
    throw error;
  }
}

export function registerDenialRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, explanations: Explanations): void {
  const pages = createDenialPages(deps.db);
  const incidentView = (row: IncidentRow) => {
    const latest = getDenial(deps.db, row.latestEventId);
    return {
      id: row.id,
      principalArn: row.principalArn,
      roleArn: row.roleArn,
      accountId: row.accountId,
      action: row.action,
      resourcePattern: row.resourcePattern,
      deniedBy: row.deniedBy,
      policyArn: row.policyArn,
      count: row.count,
      firstSeen: iso(row.firstSeen) ?? "",
      lastSeen: iso(row.lastSeen) ?? "",
      sampleEventIds: parseList(row.sampleEventIds),
      sessions: parseList(row.sessions),
      noise: row.noise,
      noiseReason: row.noiseReason,
      latest: latest ? explanations.explain(latest) : null,
    };
  };

  app.openapi(listDenialsRoute, (c) => {
    explanations.sync();
    const { limit, cursor, ...rest } = filters(c.req.valid("query"));
    const page = pageOrBadCursor(() => pages.page(rest, limit, cursor));
    const items = explanations.jsonOf(page.eventIds, (ids) => pages.rows(ids));
    // Concatenated from cached JSON bytes: re-serialising every explanation per request cost more than the query.
    // The body is exactly the DenialList schema (route tests parse it with that schema).
    const parts: Buffer[] = [LIST_HEAD];
    for (const [i, item] of items.entries()) parts.push(...(i === 0 ? [item] : [COMMA, item]));
    parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(page.nextCursor)}}`));
    return c.body(Buffer.concat(parts), 200, { "content-type": "application/json" }) as never;
  });

  app.openapi(getDenialRoute, (c) => {
    const { eventId } = c.req.valid("param");
    const row = getDenial(deps.db, eventId);
    if (!row) throw new ApiError("denials.not_found", `no stored denial has eventID ${eventId}`);
    explanations.sync();
    return c.json(
      {
        explanation: explanations.explain(row),
        raw: JSON.parse(row.raw) as Record<string, unknown>,
        task: taskOfSession(deps.db, row.roleArn, row.sessionName),
      },
      200,
    );
  });

  app.openapi(listIncidentsRoute, (c) => {
    explanations.sync();
    const page = pageOrBadCursor(() => listIncidents(deps.db, filters(c.req.valid("query"))));
    return c.json({ incidents: page.incidents.map(incidentView), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(getIncidentRoute, (c) => {
    const { id } = c.req.valid("param");
    const row = getIncident(deps.db, id);
    if (!row) throw new ApiError("incidents.not_found", `no incident ${id}`);
    explanations.sync();
    return c.json(incidentView(row), 200);
  });
}
