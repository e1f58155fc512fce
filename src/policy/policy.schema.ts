import { z } from "zod";
import { PolicyError } from "./policy.errors.js";

/**
 * The IAM policy grammar (IAM JSON policy elements reference) as zod schemas. Element names are case-sensitive in
 * IAM, so unknown or misspelt elements are errors rather than silently ignored grants.
 */

const StringList = z.union([z.string(), z.array(z.string()).min(1)]);

/** Condition values may be written as JSON strings, numbers or booleans; IAM compares their text. */
const ConditionValue = z.union([z.string(), z.number(), z.boolean()]);
const ConditionValues = z.union([ConditionValue, z.array(ConditionValue)]);

export const PrincipalElement = z.union([
  z.literal("*"),
  z.strictObject({
    AWS: StringList.optional(),
    Service: StringList.optional(),
    Federated: StringList.optional(),
    CanonicalUser: StringList.optional(),
  }),
]);
export type PrincipalElement = z.infer<typeof PrincipalElement>;

export const ConditionElement = z.record(z.string(), z.record(z.string(), ConditionValues));
export type ConditionElement = z.infer<typeof ConditionElement>;

export const PolicyStatement = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(["Allow", "Deny"]),
    Principal: PrincipalElement.optional(),
    NotPrincipal: PrincipalElement.optional(),
    Action: StringList.optional(),
    NotAction: StringList.optional(),
    Resource: StringList.optional(),
    NotResource: StringList.optional(),
    Condition: ConditionElement.optional(),
  })
  .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), {
    message: "a statement needs exactly one of Action or NotAction",
  })
  .refine((s) => s.Resource === undefined || s.NotResource === undefined, {
    message: "a statement may not have both Resource and NotResource",
  })
  .refine((s) => s.Principal === undefined || s.NotPrincipal === undefined, {
    message: "a statement may not have both Principal and NotPrincipal",
  });
export type PolicyStatement = z.infer<typeof PolicyStatement>;

export const PolicyDocument = z.strictObject({
  Version: z.enum(["2012-10-17", "2008-10-17"]).optional(),
  Id: z.string().optional(),
  Statement: z.union([PolicyStatement, z.array(PolicyStatement)]),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/**
 * Parses a policy document given as JSON text (as IAM returns it, possibly URL-encoded) or as a parsed value.
 * Throws `PolicyError` (`policy.invalid_document`) listing every problem.
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  const value = typeof input === "string" ? parseJsonText(input) : input;
  const parsed = PolicyDocument.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PolicyError(
    "policy.invalid_document",
    parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(document)"}: ${i.message}`),
  );
}

function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  // get-account-authorization-details and the trail's requestParameters carry documents URL-encoded.
  const decoded = trimmed.startsWith("%7B") || trimmed.startsWith("%7b") ? safeDecode(trimmed) : trimmed;
  try {
    return JSON.parse(decoded);
  } catch (error) {
    throw new PolicyError("policy.invalid_document", [`not JSON: ${(error as Error).message}`]);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new PolicyError("policy.invalid_document", ["not JSON: bad URL encoding"]);
  }
}
