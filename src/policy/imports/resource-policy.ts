import { field } from "../../cloudtrail/record.js";
import { contentFrom, type PolicyContent } from "../model/policy-content.js";
import type { ResourceType } from "../trail/policy-change.js";
import { PolicyImportError } from "./import.errors.js";

/**
 * `deniedby import resource-policy ARN FILE`: one resource's policy, as the plain document or as the output of the
 * service's own command (`aws s3api get-bucket-policy`, `aws kms get-key-policy`, `aws sqs get-queue-attributes
 * --attribute-names Policy`, `aws sns get-topic-attributes`, `aws ecr get-repository-policy`, `aws secretsmanager
 * get-resource-policy`, `aws lambda get-policy`, `aws iam get-role` for a trust policy).
 */

export interface ResourcePolicySnapshot {
  arn: string;
  type: ResourceType;
  account: string;
  content: PolicyContent;
}

const arnShapes: [RegExp, ResourceType][] = [
  [/^arn:aws[\w-]*:s3:::[^/]+$/, "s3-bucket"],
  [/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/, "kms-key"],
  [/^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/, "sqs-queue"],
  [/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/, "sns-topic"],
  [/^arn:aws[\w-]*:ecr:[\w-]+:\d{12}:repository\/.+$/, "ecr-repository"],
  [/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+$/, "secretsmanager-secret"],
  [/^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/, "lambda-function"],
  [/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, "iam-role"],
];

/** The kind of resource an ARN names, for the resource types whose policies the model holds. */
export function resourceTypeOf(arn: string): ResourceType | undefined {
  return arnShapes.find(([shape]) => shape.test(arn))?.[1];
}

/** The document inside a service command's output, or the value itself when it is a plain document. */
function unwrap(value: unknown): unknown {
  const candidates = [
    field(value, "Policy"),
    field(field(value, "Attributes"), "Policy"),
    field(value, "policyText"),
    field(value, "ResourcePolicy"),
    field(field(value, "Role"), "AssumeRolePolicyDocument"),
  ];
  return candidates.find((c) => c !== undefined) ?? value;
}

/**
 * Parses one resource policy for an ARN; throws `import.invalid_resource_policy` naming what is wrong. A bucket ARN
 * names no account: pass the owner's as `bucketAccount` (else RCPs of the bucket's account stay unknown).
 */
export function parseResourcePolicy(
  arn: string,
  text: string,
  bucketAccount?: string,
): ResourcePolicySnapshot {
  const type = resourceTypeOf(arn);
  if (type === undefined)
    throw new PolicyImportError("import.invalid_resource_policy", [
      `${arn} is not the ARN of a bucket, key, queue, topic, repository, secret, function or role`,
    ]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PolicyImportError("import.invalid_resource_policy", [`not JSON: ${(error as Error).message}`]);
  }
  const content = contentFrom(unwrap(value), "policy");
  if (content.state === "unknown")
    throw new PolicyImportError("import.invalid_resource_policy", [content.reason]);
  return { arn, type, account: arn.split(":")[4] || (bucketAccount ?? ""), content };
}
