import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { RoleCatalogEntry } from "../../classify/kinds.js";
import { ROLE_KINDS } from "../../classify/kinds.js";
import { accountOf, parseSessionArn, roleNameOf } from "../../cloudtrail/arn.js";
import { findRoleEntryByName, getRoleEntry, listRoleEntries } from "../../pipeline/catalog.js";
import { taskOfSession } from "../../pipeline/task-context.js";
import type { AppDeps as Deps } from "../app-deps.js";
import type { AppEnv } from "../app-env.js";
import { ApiError } from "../errors.js";
import { commonErrors, notFound, RoleList, RoleLookup } from "../schemas.js";

const listRolesRoute = createRoute({
  method: "get",
  path: "/v1/roles",
  summary: "The role catalogue: every principal that acts in the trail, with kinds, confidence and evidence",
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      kind: z.enum(ROLE_KINDS as [string, ...string[]]).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z.string().max(2048).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of roles, in ARN order",
      content: { "application/json": { schema: RoleList } },
    },
    ...commonErrors,
  },
});

const lookupRoute = createRoute({
  method: "get",
  path: "/v1/roles/lookup",
  summary: "One role by ARN (role ARN, or an assumed-role session ARN)",
  description: "ARNs hold '/' and ':', so they go in the query string rather than in the path.",
  security: [{ bearer: [] }],
  request: { query: z.object({ arn: z.string().startsWith("arn:").max(2048) }) },
  responses: {
    200: {
      description: "The catalogue entry, and for a session named by a task ID, its ECS task",
      content: { "application/json": { schema: RoleLookup } },
    },
    ...commonErrors,
    404: notFound,
  },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (e: RoleCatalogEntry) => ({ ...e, firstSeen: iso(e.firstSeen), lastSeen: iso(e.lastSeen) });

/** A session ARN names the role without its path: find the role by account and name. */
function lookupSession(deps: Deps, arn: string): RoleCatalogEntry | null {
  const session = parseSessionArn(arn);
  if (!session) return null;
  const exact = getRoleEntry(deps.db, session.roleArn);
  if (exact) return exact;
  return findRoleEntryByName(deps.db, accountOf(session.roleArn), roleNameOf(session.roleArn));
}

export function registerRoleRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(listRolesRoute, (c) => {
    const q = c.req.valid("query");
    const page = listRoleEntries(deps.db, {
      limit: q.limit,
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.json({ roles: page.roles.map(view), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(lookupRoute, (c) => {
    const { arn } = c.req.valid("query");
    const entry =
      getRoleEntry(deps.db, arn) ?? (arn.includes(":assumed-role/") ? lookupSession(deps, arn) : null);
    if (!entry) throw new ApiError("roles.not_found", `no role ${arn} in the catalogue`);
    const session = parseSessionArn(arn)?.sessionName ?? null;
    return c.json({ ...view(entry), task: taskOfSession(deps.db, entry.roleArn, session) }, 200);
  });
}
