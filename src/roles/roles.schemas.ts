import { z } from "@hono/zod-openapi";
import { ROLE_KINDS, type RoleKind } from "../classify/kinds.js";
import { TaskContext } from "../pipeline/task-context.js";

const kind = z.enum(ROLE_KINDS as [RoleKind, ...RoleKind[]]);

/** A catalogue entry as served: the classifier's RoleCatalogEntry with its instants as ISO-8601 text. */
export const Role = z
  .object({
    roleArn: z.string(),
    accountId: z.string(),
    roleName: z.string(),
    kinds: z.array(
      z.object({
        kind,
        confidence: z.number().min(0).max(1),
        evidence: z.array(z.object({ signal: z.string(), detail: z.string(), weight: z.number() })),
      }),
    ),
    dualUse: z.boolean(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .openapi("Role");
export type Role = z.infer<typeof Role>;

/** A role found by ARN; for a session named by a task ID, the task it belongs to. */
export const RoleLookup = Role.extend({ task: TaskContext.nullable() }).openapi("RoleLookup");
export type RoleLookup = z.infer<typeof RoleLookup>;

export const RoleList = z
  .object({ roles: z.array(Role), nextCursor: z.string().nullable() })
  .openapi("RoleList");
export type RoleList = z.infer<typeof RoleList>;

export const RolesQuery = z.object({
  kind: kind.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
});
export type RolesQuery = z.infer<typeof RolesQuery>;

export const LookupQuery = z.object({ arn: z.string().startsWith("arn:").max(2048) });
