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
  /** Texts the ECS console/agent shows for this failure, to match against. */
  consoleTexts: z.array(z.string()),
});
export type Fix = z.infer<typeof Fix>;

/** What CloudTrail cannot show for a denial like this one. */
export const CaveatItem = z.object({ code: codes(caveats), text: z.string() });
export type CaveatItem = z.infer<typeof CaveatItem>;

/** Why a denial is counted but not worth paging anyone about. */
export const NoiseReasonItem = z.object({ code: codes(noiseReasons), text: z.string() });
export type NoiseReasonItem = z.infer<typeof NoiseReasonItem>;

export const Explanation = z
  .object({
    eventId: z.string(),
    eventTime: z.string(),
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
    caveats: z.array(CaveatItem),
    fix: Fix,
    summary: z.string(),
    incidentId: z.string(),
    noise: z.boolean(),
    noiseReason: NoiseReasonItem.nullable(),
  })
  .meta({ id: "Explanation" });
export type Explanation = z.infer<typeof Explanation>;
