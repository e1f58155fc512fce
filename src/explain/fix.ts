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

/** A resource-policy statement granting `principal` (an ARN, or a service such as `config.amazonaws.com`) the action. */
export function resourcePolicy(
  principal: string,
  action: string | string[],
  resource: string | string[],
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

/**
 * The one inline policy deniedby owns on a role or user, `deniedby-<name>`: every fix for that identity goes into it,
 * merged with what it already holds, so a second fix never replaces the first (put-role-policy replaces a policy of
 * the same name). IAM policy names are at most 128 characters.
 */
export function ownedPolicyName(identityArn: string): string {
  return `deniedby-${principalNameOf(identityArn)}`.slice(0, 128);
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** A word as the shell reads it: as it is when it holds nothing the shell treats specially, else quoted. */
function shellWord(s: string): string {
  return /^[\w+=,.@/:-]+$/.test(s) ? s : shellQuote(s);
}

const asList = (x: string | string[]): string[] => (Array.isArray(x) ? x : [x]);
const sortedJson = (x: string | string[] | undefined) =>
  JSON.stringify(x === undefined ? [] : asList(x).sort());

/** Statements that differ only in their actions: the same effect, principal, resources and condition. */
function sameScope(a: PolicyStatement, b: PolicyStatement): boolean {
  return (
    a.Effect === b.Effect &&
    JSON.stringify(a.Principal ?? null) === JSON.stringify(b.Principal ?? null) &&
    sortedJson(a.Resource) === sortedJson(b.Resource) &&
    JSON.stringify(a.Condition ?? null) === JSON.stringify(b.Condition ?? null)
  );
}

/**
 * The owned policy's statements with the new ones merged in: a new statement's actions join a statement of the same
 * scope (resources, condition), else it is appended; an action already there is not repeated. Existing statements
 * are kept as they are, in their order.
 */
export function mergeStatements(
  existing: readonly PolicyStatement[],
  added: readonly PolicyStatement[],
): PolicyStatement[] {
  const out = existing.map((st) => ({ ...st }));
  for (const st of added) {
    const same = out.find((o) => sameScope(o, st));
    if (!same) {
      out.push(st);
      continue;
    }
    const actions = asList(same.Action);
    const known = new Set(actions.map((a) => a.toLowerCase()));
    const union = [...actions, ...asList(st.Action).filter((a) => !known.has(a.toLowerCase()))];
    same.Action = union.length === 1 ? (union[0] ?? "") : union;
  }
  return out;
}

/** `aws iam put-role-policy …` (or put-user-policy) with the document inline: ready to review and run, never run by us. */
export function putIdentityPolicyCommand(identityArn: string, policy: PolicyDocument): string {
  const user = identityArn.includes(":user/");
  const name = shellWord(principalNameOf(identityArn));
  const verb = user ? "put-user-policy --user-name" : "put-role-policy --role-name";
  return `aws iam ${verb} ${name} --policy-name ${shellWord(ownedPolicyName(identityArn))} --policy-document ${shellQuote(JSON.stringify(policy))}`;
}

/** Reads the owned policy first, for an identity whose inline policies the model does not know: merge what it holds. */
export function getIdentityPolicyCommand(identityArn: string): string {
  const user = identityArn.includes(":user/");
  const name = shellWord(principalNameOf(identityArn));
  const verb = user ? "get-user-policy --user-name" : "get-role-policy --role-name";
  return `aws iam ${verb} ${name} --policy-name ${shellWord(ownedPolicyName(identityArn))}  # if it exists, merge its statements into the document below first: put replaces the whole policy`;
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
    `aws sso-admin put-inline-policy-to-permission-set --instance-arn <instance-arn> --permission-set-arn <permission-set-arn> --inline-policy file://merged-policy.json  # merged-policy.json: the current inline policy plus ${shellQuote(JSON.stringify(policy.Statement))}`,
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
