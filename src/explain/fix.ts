import { accountOf, permissionSetOf, principalNameOf, roleNameOf } from "../cloudtrail/arn.js";
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

/** A resource-policy statement granting `principal` (an ARN, or a service such as `config.amazonaws.com`) the action. */
export function resourcePolicy(
  principal: string,
  action: string,
  resource: string,
  condition?: Record<string, Record<string, string>>,
): PolicyDocument {
  const who = isServiceName(principal) ? { Service: principal } : { AWS: principal };
  const statement: PolicyStatement = { Effect: "Allow", Principal: who, Action: action, Resource: resource };
  if (condition) statement.Condition = condition;
  return { Version: "2012-10-17", Statement: [statement] };
}

function isServiceName(principal: string): boolean {
  return principal.endsWith(".amazonaws.com") || principal.endsWith(".amazonaws.com.cn");
}

/** A trust-policy statement letting `principal` (an ARN, or a service such as `ecs-tasks.amazonaws.com`) assume the role. */
export function trustPolicy(principal: string): PolicyDocument {
  const who = isServiceName(principal) ? { Service: principal } : { AWS: principal };
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

/**
 * How an Identity Center role's permission set gets a statement: IAM Identity Center generates the role from the
 * permission set and overwrites changes made to the role itself, so the statement goes into the set's one inline
 * policy (merged with what it holds: put replaces it), then the set is provisioned again to the account. Run where
 * Identity Center is administered (its management or delegated administrator account).
 */
export function permissionSetCommands(roleArn: string, policy: PolicyDocument): string[] {
  const set = permissionSetOf(roleNameOf(roleArn));
  const account = accountOf(roleArn) || "<account-id>";
  const named = set ? `the permission set named ${set}` : "the permission set this role was generated from";
  return [
    "aws sso-admin list-instances --query 'Instances[0].InstanceArn' --output text  # <instance-arn>; run where IAM Identity Center is administered",
    `aws sso-admin list-permission-sets --instance-arn <instance-arn>  # then describe-permission-set on each to find ${named}: <permission-set-arn>`,
    "aws sso-admin get-inline-policy-for-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn>  # a set has one inline policy: merge the statement into it",
    `aws sso-admin put-inline-policy-to-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --inline-policy file://merged-policy.json  # merged-policy.json: the current inline policy plus ${shellQuote(JSON.stringify(policy.Statement[0] ?? {}))}`,
    `aws sso-admin provision-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --target-type AWS_ACCOUNT --target-id ${account}  # re-provision, so the role in the account is regenerated`,
  ];
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
