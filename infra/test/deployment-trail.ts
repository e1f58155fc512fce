import { createHash } from "node:crypto";

/**
 * The CloudTrail a CloudFormation deployment of a synthesized template leaves behind for its IAM roles and ECS task
 * definitions: CreateRole (with the trust policy), PutRolePolicy for each inline policy, AttachRolePolicy for each
 * managed one, RegisterTaskDefinition, and the two AssumeRole calls ECS makes when a task starts. Records have the
 * shapes CloudTrail gives these calls (see /work/shared/reference/identity-facts.md §3): request parameters in the
 * API's camelCase, policy documents as JSON strings, the response's trust policy URL-encoded.
 */

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}

export interface DeploymentTrailOptions {
  template: { Resources: Record<string, Resource> };
  stackName: string;
  account: string;
  region: string;
  /** The deployment's time; each record is one second after the last. */
  time: Date;
}

const hex = (text: string, n: number) => createHash("sha256").update(text).digest("hex").slice(0, n);
const uuid = (text: string) => {
  const h = hex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const camel = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(camel)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]),
        )
      : value;

/** Names CloudFormation gives resources without one: `<stack>-<logical id>-<suffix>`. */
function physicalNames(options: DeploymentTrailOptions) {
  const { account, region, stackName } = options;
  const suffix = (id: string) => hex(`${stackName}/${id}`, 12).toUpperCase();
  return (id: string, resource: Resource, attribute?: string): string => {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case "AWS::IAM::Role": {
        const name =
          (props.RoleName as string | undefined) ?? `${stackName}-${id.slice(0, 30)}-${suffix(id)}`;
        return attribute === "Arn" ? `arn:aws:iam::${account}:role/${name}` : name;
      }
      case "AWS::S3::Bucket": {
        const name = `${stackName}-${id}-${suffix(id)}`.toLowerCase().slice(0, 63);
        return attribute === "Arn" ? `arn:aws:s3:::${name}` : name;
      }
      case "AWS::SecretsManager::Secret":
        return `arn:aws:secretsmanager:${region}:${account}:secret:${id}-${suffix(id).slice(0, 6)}`;
      case "AWS::Events::ApiDestination":
        return `arn:aws:events:${region}:${account}:api-destination/${stackName}-${id}/${suffix(id)}`;
      case "AWS::Logs::LogGroup":
        return (props.LogGroupName as string | undefined) ?? `${stackName}-${id}-${suffix(id)}`;
      default:
        throw new Error(`deployment-trail: no physical name for ${resource.Type} ${id}`);
    }
  };
}

/** Resolves the intrinsic functions the templates use (Ref, Fn::GetAtt …Arn, Fn::Join, pseudo parameters). */
function resolver(options: DeploymentTrailOptions) {
  const name = physicalNames(options);
  const { Resources } = options.template;
  const pseudo: Record<string, string> = {
    "AWS::AccountId": options.account,
    "AWS::Region": options.region,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== "object" || value === null) return value;
    const v = value as Json;
    if ("Ref" in v) {
      const ref = v.Ref as string;
      const target = Resources[ref];
      if (pseudo[ref] !== undefined) return pseudo[ref];
      if (!target) throw new Error(`deployment-trail: Ref to unknown ${ref}`);
      return name(ref, target);
    }
    if ("Fn::GetAtt" in v) {
      const [id, attribute] = v["Fn::GetAtt"] as [string, string];
      const target = Resources[id];
      if (!target || attribute !== "Arn")
        throw new Error(`deployment-trail: cannot resolve GetAtt ${id}.${attribute}`);
      return name(id, target, "Arn");
    }
    if ("Fn::Join" in v) {
      const [separator, parts] = v["Fn::Join"] as [string, unknown[]];
      return parts.map((p) => String(resolve(p))).join(separator);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  return { resolve, name };
}

/** The CloudTrail records of deploying `template`, oldest first, and of one task of each task definition starting. */
export function deploymentTrail(options: DeploymentTrailOptions): Json[] {
  const { account, region, stackName } = options;
  const { resolve, name } = resolver(options);
  const records: Json[] = [];
  let second = 0;
  const cfnRole = `cdk-hnb659fds-cfn-exec-role-${account}-${region}`;
  const record = (eventSource: string, eventName: string, req: Json, res: Json | null, extra: Json = {}) => {
    const time = new Date(options.time.getTime() + 1000 * second++).toISOString().replace(/\.\d{3}Z$/, "Z");
    records.push({
      eventVersion: "1.09",
      userIdentity: {
        type: "AssumedRole",
        principalId: `AROA${hex(cfnRole, 16).toUpperCase()}:AWSCloudFormation`,
        arn: `arn:aws:sts::${account}:assumed-role/${cfnRole}/AWSCloudFormation`,
        accountId: account,
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            principalId: `AROA${hex(cfnRole, 16).toUpperCase()}`,
            arn: `arn:aws:iam::${account}:role/${cfnRole}`,
            accountId: account,
            userName: cfnRole,
          },
          attributes: { creationDate: time, mfaAuthenticated: "false" },
        },
        invokedBy: "cloudformation.amazonaws.com",
      },
      eventTime: time,
      eventSource,
      eventName,
      // IAM is a global service: CloudTrail records its calls in us-east-1.
      awsRegion: eventSource === "iam.amazonaws.com" ? "us-east-1" : region,
      sourceIPAddress: "cloudformation.amazonaws.com",
      userAgent: "cloudformation.amazonaws.com",
      requestParameters: req,
      responseElements: res,
      requestID: uuid(`${eventName}/${second}/request`),
      eventID: uuid(`${stackName}/${eventName}/${second}`),
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: "Management",
      ...extra,
    });
  };

  const roles = Object.entries(options.template.Resources).filter(([, r]) => r.Type === "AWS::IAM::Role");
  for (const [id, role] of roles) {
    const props = role.Properties ?? {};
    const roleName = name(id, role);
    const trust = JSON.stringify(resolve(props.AssumeRolePolicyDocument));
    record(
      "iam.amazonaws.com",
      "CreateRole",
      {
        roleName,
        assumeRolePolicyDocument: trust,
        ...(props.Description ? { description: props.Description } : {}),
      },
      {
        role: {
          path: "/",
          roleName,
          roleId: `AROA${hex(roleName, 16).toUpperCase()}`,
          arn: name(id, role, "Arn"),
          createDate: "Nov 20, 2026, 10:00:00 AM",
          assumeRolePolicyDocument: encodeURIComponent(trust),
        },
      },
    );
    for (const policy of (props.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ??
      [])
      record(
        "iam.amazonaws.com",
        "PutRolePolicy",
        {
          roleName,
          policyName: policy.PolicyName,
          policyDocument: JSON.stringify(resolve(policy.PolicyDocument)),
        },
        null,
      );
    for (const arn of (props.ManagedPolicyArns as unknown[] | undefined) ?? [])
      record("iam.amazonaws.com", "AttachRolePolicy", { roleName, policyArn: resolve(arn) }, null);
  }
  for (const policy of Object.values(options.template.Resources).filter(
    (r) => r.Type === "AWS::IAM::Policy",
  )) {
    const props = policy.Properties ?? {};
    for (const roleName of resolve(props.Roles) as string[])
      record(
        "iam.amazonaws.com",
        "PutRolePolicy",
        {
          roleName,
          policyName: props.PolicyName,
          policyDocument: JSON.stringify(resolve(props.PolicyDocument)),
        },
        null,
      );
  }

  const tasks = Object.values(options.template.Resources).filter(
    (r) => r.Type === "AWS::ECS::TaskDefinition",
  );
  for (const task of tasks) {
    const req = camel(resolve(task.Properties)) as Json;
    const family = req.family as string;
    record("ecs.amazonaws.com", "RegisterTaskDefinition", req, {
      taskDefinition: {
        ...req,
        taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/${family}:1`,
        revision: 1,
        status: "ACTIVE",
      },
    });
    // A task starts: ECS assumes its task role and its execution role, both with the task id as session name.
    const taskId = hex(`${family}/task`, 32);
    for (const roleArn of [req.executionRoleArn, req.taskRoleArn].filter(
      (a): a is string => typeof a === "string",
    ))
      record(
        "sts.amazonaws.com",
        "AssumeRole",
        { roleArn, roleSessionName: taskId },
        {
          assumedRoleUser: {
            arn: `${roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/${taskId}`,
          },
        },
        {
          userIdentity: { type: "AWSService", invokedBy: "ecs-tasks.amazonaws.com" },
          sourceIPAddress: "ecs-tasks.amazonaws.com",
          userAgent: "ecs-tasks.amazonaws.com",
          readOnly: true,
          resources: [{ ARN: roleArn, accountId: account, type: "AWS::IAM::Role" }],
          sharedEventID: uuid(`${taskId}/${roleArn}`),
        },
      );
  }
  return records;
}
