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

export const RolesQuery = z
  .object({
    kind: kind.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2048).optional(),
  })
  .strict();
export type RolesQuery = z.infer<typeof RolesQuery>;

export const LookupQuery = z.object({ arn: z.string().startsWith("arn:").max(2048) }).strict();

/** Unknown parameters are errors. */
export const PoliciesQuery = z
  .object({
    arn: z.string().startsWith("arn:").max(2048).openapi({
      description: "A role ARN (with or without its path), an assumed-role session ARN, or a user ARN",
    }),
  })
  .strict();

/** Where the model learnt a policy: an import, a trail event, or the AWS managed policy package by version. */
export const PolicySource = z
  .object({
    source: z.enum(["trail", "iam-import", "org-import", "resource-policy-import", "aws-managed-policies"]),
    /** The event's time, or when the import's data was captured (absent for the package's latest version). */
    at: z.string().optional(),
    /** The event id, the imported file or directory, or the package and its version. */
    ref: z.string(),
  })
  .openapi("PolicySource");

export const EffectivePolicy = z
  .object({
    kind: z.enum([
      "inline",
      "customer-managed",
      "aws-managed",
      "permissions-boundary",
      "service-control-policy",
      "resource-control-policy",
      "trust-policy",
    ]),
    name: z.string(),
    arn: z.string().nullable(),
    versionId: z.string().nullable(),
    /** The organisation level (root, OU or account id) an SCP or RCP is attached to. */
    target: z.string().nullable(),
    /** The group a user has the policy through. */
    via: z.string().nullable(),
    /** The IAM policy document as the model holds it; null when it is unknown (`unknown` says why). */
    document: z.record(z.string(), z.unknown()).nullable(),
    unknown: z.string().nullable(),
    from: PolicySource.nullable(),
  })
  .openapi("EffectivePolicy");

/** The policies that apply to a role or user, with provenance, and what the model does not know about them. */
export const RolePolicies = z
  .object({
    arn: z.string(),
    principal: z
      .object({
        arn: z.string(),
        type: z.enum(["role", "user", "group"]),
        account: z.string(),
        /** An import listed it or the trail saw it created: no policy of it is missing. */
        complete: z.boolean(),
        basis: z.string(),
        deleted: PolicySource.nullable(),
      })
      .nullable(),
    policies: z.array(EffectivePolicy),
    /** Why the list may be incomplete, each naming its layer (`identity: …`, `scp: …`, `trust policy: …`). */
    unknowns: z.array(z.string()),
  })
  .openapi("RolePolicies");
export type RolePolicies = z.infer<typeof RolePolicies>;
