import { z } from "zod";
import { roleKinds } from "../classify/kinds.js";
import { deniedByTypes, messageForms } from "../cloudtrail/access-denied.js";
import { actionRules } from "../cloudtrail/action.js";
import { caveats, fixReasons, noiseReasons, policyTargets } from "./reasons.js";

/**
 * The explanation of a denial and the IAM policy documents it proposes, defined once: the explainer builds them,
 * the HTTP API serves and documents them (its OpenAPI components take the `id`s below), the CLI prints them and
 * Slack renders them. Each type is `z.infer` of its schema. Fields are in the order clients see them.
 */

/** An enum of the keys of one of the `as const` code tables. */
function codes<T extends string>(table: Record<T, string>) {
  return z.enum(Object.keys(table) as [T, ...T[]]);
}

export const PolicyStatement = z.object({
  Sid: z.string().optional(),
  Effect: z.literal("Allow"),
  Principal: z.union([z.object({ AWS: z.string() }), z.object({ Service: z.string() })]).optional(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.union([z.string(), z.array(z.string())]),
  Condition: z.record(z.string(), z.record(z.string(), z.string())).optional(),
});
export type PolicyStatement = z.infer<typeof PolicyStatement>;

export const PolicyDocument = z
  .object({ Version: z.literal("2012-10-17"), Statement: z.array(PolicyStatement) })
  .meta({ id: "PolicyDocument" });
export type PolicyDocument = z.infer<typeof PolicyDocument>;

const fixTargets = [
  ...(Object.keys(roleKinds) as (keyof typeof roleKinds)[]),
  ...(Object.keys(policyTargets) as (keyof typeof policyTargets)[]),
  "unknown",
] as const;
export const FixTarget = z
  .enum(fixTargets)
  .meta({ description: "A role kind, or organization-policy, resource-policy, … or unknown" });
export type FixTarget = z.infer<typeof FixTarget>;

/**
 * The fix's document as infrastructure code, each a snippet to paste: a Terraform `aws_iam_policy_document` (with
 * the `aws_iam_role_policy` that applies it, for a policy deniedby owns), a CloudFormation YAML resource or
 * statement list, and a CDK (TypeScript) `iam.PolicyStatement`.
 */
export const InfrastructureCode = z
  .object({ terraform: z.string(), cloudFormation: z.string(), cdk: z.string() })
  .meta({ id: "InfrastructureCode" });
export type InfrastructureCode = z.infer<typeof InfrastructureCode>;

/** Who must change what, and the least-privilege change itself. */
export const Fix = z.object({
  target: FixTarget,
  /** The role — or IAM user — whose policy changes (or whose trust policy, for `trust-policy`); null when not known. */
  roleArn: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  reason: codes(fixReasons),
  /** What to do, in sentences. */
  summary: z.string(),
  /** Why, step by step. */
  reasoning: z.array(z.string()),
  policy: PolicyDocument.nullable(),
  commands: z.array(z.string()),
  /** The policy as Terraform, CloudFormation and CDK; null when there is no policy. */
  infrastructureCode: InfrastructureCode.nullable(),
  /** Texts the ECS console/agent shows for this failure, to match against. */
  consoleTexts: z.array(z.string()),
  /**
   * The request evaluated again in the policy model with the fix applied (docs/policies.md): `allowed`, `still
   * denied by …` (the summary then says what else must change) or `unknown: …`; null without a model or a statement.
   */
  verified: z.string().nullable(),
});
export type Fix = z.infer<typeof Fix>;

/** What CloudTrail cannot show for a denial like this one. */
export const CaveatItem = z.object({ code: codes(caveats), text: z.string() });
export type CaveatItem = z.infer<typeof CaveatItem>;

/** Why a denial is counted but not worth paging anyone about. */
export const NoiseReasonItem = z.object({ code: codes(noiseReasons), text: z.string() });
export type NoiseReasonItem = z.infer<typeof NoiseReasonItem>;

/** A statement of the policy model, as answers name it: the policy (kind, name, ARN), where, and which statement. */
export const StatementRef = z
  .object({
    layer: z.enum(["scp", "rcp", "resource", "identity", "permissions-boundary", "session"]),
    policyKind: z
      .string()
      .meta({ description: "service control policy, key policy, trust policy, identity policy, …" }),
    policyName: z.string(),
    policyArn: z.string().nullable(),
    /** The organisation level (root, OU or account id) of an SCP or RCP. */
    target: z.string().nullable(),
    sid: z.string().nullable(),
    /** Zero-based position of the statement in its policy. */
    index: z.number().int().min(0),
  })
  .meta({ id: "StatementRef" });
export type StatementRef = z.infer<typeof StatementRef>;

/**
 * What the policy model makes of the denied request (docs/policies.md): the deciding statement or the layer where
 * no statement allows it, a short trace, and what the model does not know. The message-derived fields (deniedBy,
 * the fix's target) stay the truth: when the two disagree the model is incomplete and `note` says so.
 */
export const PolicyEvaluation = z
  .object({
    decision: z.enum(["allowed", "explicitly-denied", "implicitly-denied", "unknown"]),
    /** The explicit deny, or for an allowed request the statement that granted it. */
    decidedBy: StatementRef.nullable(),
    /** For an implicit denial: the layer in which no statement allows the request. */
    missingAllow: z
      .object({
        layer: StatementRef.shape.layer,
        policyKind: z.string(),
        target: z.string().nullable(),
        message: z.string(),
      })
      .nullable(),
    /** One line: the deciding statement, or where nothing allows it, or why the model cannot say. */
    summary: z.string(),
    /** Every layer consulted and what it said: `scp r-ab12: allow (FullAWSAccess, statement 0)`. */
    trace: z.array(z.string()),
    /** What the model lacks, each naming its layer: `identity: …`, `scp: the organisation was never imported …`. */
    unknowns: z.array(z.string()),
    /** Context keys a matching statement's condition consulted that the request (the trail) did not carry. */
    missingContextKeys: z.array(z.string()),
    /** Context keys that applied to the call but that the trail cannot supply. */
    unavailableContextKeys: z.array(z.string()),
    /** How the model's answer compares with the message's policy type. */
    agreement: z.enum(["agrees", "disagrees", "unknown", "message-silent", "not-modelled"]),
    /** When they disagree: "the model is incomplete; the message wins", and why. */
    note: z.string().nullable(),
  })
  .meta({ id: "PolicyEvaluation" });
export type PolicyEvaluation = z.infer<typeof PolicyEvaluation>;

export const Explanation = z
  .object({
    eventId: z.string(),
    eventTime: z.string().describe("ISO-8601 UTC with milliseconds, as 2026-11-16T10:00:00.000Z"),
    eventSource: z.string(),
    eventName: z.string(),
    errorCode: z.string().nullable(),
    principal: z.object({
      arn: z.string(),
      roleArn: z.string().nullable(),
      kind: codes(roleKinds),
      confidence: z.number().min(0).max(1),
      /** For a service role: the service the catalogue says assumes it. */
      service: z.string().nullable(),
      /** For a chained role: the roles the catalogue says assumed it (role chaining). */
      assumedBy: z.array(z.string()),
    }),
    action: z.string().nullable(),
    actionSource: codes(actionRules).meta({
      description: "Which rule produced the action (message, event name, exception row)",
    }),
    actionVerified: z.boolean().meta({ description: "The action exists in the IAM action catalogue" }),
    resource: z.string().nullable(),
    resourceSource: z.enum(["message", "event", "none"]),
    deniedBy: codes(deniedByTypes),
    explicitDeny: z.boolean(),
    policyArn: z.string().nullable(),
    messageForm: codes(messageForms),
    /** A KMS (or other) dependency of the called service was denied, not the call itself. */
    dependency: z.boolean(),
    encodedMessage: z.string().nullable(),
    /** The policy model's evaluation of the request; null when no model was consulted. */
    evaluation: PolicyEvaluation.nullable(),
    caveats: z.array(CaveatItem),
    fix: Fix,
    summary: z.string(),
    incidentId: z.string(),
    noise: z.boolean(),
    noiseReason: NoiseReasonItem.nullable(),
    example: z.literal(true).optional().meta({
      description:
        "Present on a stored denial of the bundled example trail, not of real data (`deniedby examples remove` takes them out)",
    }),
  })
  .meta({ id: "Explanation" });
export type Explanation = z.infer<typeof Explanation>;
