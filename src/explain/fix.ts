import { principalNameOf, roleNameOf } from "../cloudtrail/arn.js";
import { supportsResourceLevel } from "../cloudtrail/iam-catalogue.js";
import { s3BucketOf } from "../cloudtrail/resource.js";
import type { PolicyDocument, PolicyStatement } from "./explanation.schema.js";

/** The resource a grant names: "*" only where the action has no resource-level permission or none is known. */
export function grantResource(
  action: string,
  resource: string | null,
): { resource: string; unknown: boolean } {
  if (supportsResourceLevel(action) === false) return { resource: "*", unknown: false };
  if (!resource || resource === "*" || !resource.startsWith("arn:")) return { resource: "*", unknown: true };
  return { resource, unknown: false };
}

/** A one-statement identity policy allowing exactly `actions` on `resource`. */
export function identityPolicy(
  actions: string[],
  resource: string,
  condition?: Record<string, Record<string, string>>,
): PolicyDocument {
  const statement: PolicyStatement = {
    Effect: "Allow",
    Action: actions.length === 1 ? (actions[0] ?? "") : actions,
    Resource: resource,
  };
  if (condition) statement.Condition = condition;
  return { Version: "2012-10-17", Statement: [statement] };
}

/** A resource-policy statement granting `principal` the action. */
export function resourcePolicy(principal: string, action: string, resource: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: action, Resource: resource }],
  };
}

/** A trust-policy statement letting `principal` (an ARN, or a service such as `ecs-tasks.amazonaws.com`) assume the role. */
export function trustPolicy(principal: string): PolicyDocument {
  const who = principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal };
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: who, Action: "sts:AssumeRole", Resource: "*" }],
  };
}

/** An inline-policy name that says where it came from: `deniedby-s3-GetObject`. */
export function policyName(actions: string[]): string {
  const first = actions[0] ?? "grant";
  const name = `deniedby-${first.replace(/[^A-Za-z0-9+=,.@_-]/g, "-")}`;
  return actions.length > 1 ? `${name}-and-more` : name;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** `aws iam put-role-policy …` with the document inline: ready to review and run, never run by us. */
export function putRolePolicyCommand(roleArn: string, policy: PolicyDocument, actions: string[]): string {
  return `aws iam put-role-policy --role-name ${roleNameOf(roleArn)} --policy-name ${policyName(actions)} --policy-document ${shellQuote(JSON.stringify(policy))}`;
}

export function putUserPolicyCommand(userArn: string, policy: PolicyDocument, actions: string[]): string {
  const name = principalNameOf(userArn);
  return `aws iam put-user-policy --user-name ${name} --policy-name ${policyName(actions)} --policy-document ${shellQuote(JSON.stringify(policy))}`;
}

/** Commands to read the policy that must change, for targets we cannot write a grant for. */
export function inspectCommands(
  target: string,
  opts: { roleArn: string | null; policyArn: string | null; resource: string | null },
): string[] {
  const out: string[] = [];
  const role = opts.roleArn ? roleNameOf(opts.roleArn) : null;
  switch (target) {
    case "organization-policy": {
      const id = opts.policyArn?.split("/").at(-1);
      out.push(
        id
          ? `aws organizations describe-policy --policy-id ${id}  # from the management account`
          : "aws organizations list-policies-for-target --target-id <account-id> --filter SERVICE_CONTROL_POLICY  # from the management account",
      );
      break;
    }
    case "permissions-boundary":
      if (role) out.push(`aws iam get-role --role-name ${role} --query Role.PermissionsBoundary`);
      if (opts.policyArn)
        out.push(
          `aws iam get-policy-version --policy-arn ${opts.policyArn} --version-id $(aws iam get-policy --policy-arn ${opts.policyArn} --query Policy.DefaultVersionId --output text)`,
        );
      break;
    case "trust-policy":
      if (opts.resource?.includes(":role/"))
        out.push(
          `aws iam get-role --role-name ${roleNameOf(opts.resource)} --query Role.AssumeRolePolicyDocument`,
        );
      break;
    case "resource-policy": {
      const r = opts.resource ?? "";
      const bucket = s3BucketOf(r);
      if (bucket) out.push(`aws s3api get-bucket-policy --bucket ${bucket}`);
      else if (r.includes(":kms:")) out.push(`aws kms get-key-policy --key-id ${r} --policy-name default`);
      else if (r.includes(":ecr:"))
        out.push(`aws ecr get-repository-policy --repository-name ${r.split("repository/")[1] ?? "<name>"}`);
      else if (r.includes(":secretsmanager:"))
        out.push(`aws secretsmanager get-resource-policy --secret-id ${r}`);
      else if (r.includes(":sqs:"))
        out.push(`aws sqs get-queue-attributes --queue-url <queue-url> --attribute-names Policy`);
      else if (r.includes(":sns:")) out.push(`aws sns get-topic-attributes --topic-arn ${r}`);
      else if (r.includes(":lambda:")) out.push(`aws lambda get-policy --function-name ${r}`);
      break;
    }
    case "vpc-endpoint-policy":
      out.push(
        "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id> --query 'VpcEndpoints[].PolicyDocument'",
      );
      break;
    default:
      break;
  }
  return out;
}
