import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { Config } from "../../src/config.js";
import { renderDdl } from "../../src/sources/athena/athena-ddl.js";
import { loadQueries } from "../../src/sources/athena/athena-queries.js";
import { glueTableFromDdl } from "../lib/glue-table.js";
import { cloudTrailPushPattern } from "../lib/push-pattern.js";
import { cloudTrailEvent, matches } from "./event-pattern.js";
import { actionFacts, patternsOverlap } from "./iam-check.js";
import {
  fullParameters,
  minimalParameters,
  type Synthesized,
  sourcesParameters,
  synthesize,
} from "./synth.js";

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

let full: Synthesized;
let minimal: Synthesized;
let sources: Synthesized;
beforeAll(() => {
  full = synthesize(fullParameters);
  // The SQS source and member accounts on top of everything.
  sources = synthesize(sourcesParameters);
  // Internal load balancer, no push, no trail bucket (LookupEvents only), no Slack, no organisation.
  minimal = synthesize({
    ...minimalParameters,
    internetFacing: "false",
    push: "false",
    ingressCidrs: "10.0.0.0/16",
    privateSubnetIds: "subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2",
  });
}, 120_000);

const logicalId = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(s.main).getLogicalId(construct.node.defaultChild as never);
const resourcesOf = (t: Template, type: string) =>
  t.findResources(type) as Record<string, { Properties: Json }>;
const onlyResource = (t: Template, type: string): Json => {
  const found = Object.values(resourcesOf(t, type));
  expect(found, type).toHaveLength(1);
  return (found[0] as { Properties: Json }).Properties;
};
const roleOf = (s: Synthesized, role: "task" | "execution") => {
  const id = logicalId(s, role === "task" ? s.main.taskRole : s.main.executionRole);
  return (resourcesOf(s.template, "AWS::IAM::Role")[id] as { Properties: Json }).Properties;
};
const statementsOf = (s: Synthesized, role: "task" | "execution"): Statement[] => {
  const policies = roleOf(s, role).Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};
const actionsOf = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const resourceList = (st: Statement) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]);
const getAtt = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
const trustedByEcsTasks = (condition: Json) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: condition,
    },
  ],
});
const under = (id: string, suffix: string) => ({ "Fn::Join": ["", [getAtt(id), suffix]] });

describe("the task role", () => {
  it("holds exactly deniedby's own calls (LookupEvents, Athena, Glue, S3, KMS) and Litestream's replica", () => {
    const results = logicalId(full, full.main.athena?.resultsBucket ?? full.main);
    const replica = logicalId(full, full.main.replica.bucket);
    expect(statementsOf(full, "task")).toEqual([
      { Sid: "EventHistory", Effect: "Allow", Action: "cloudtrail:LookupEvents", Resource: "*" },
      {
        Sid: "RunQueries",
        Effect: "Allow",
        Action: [
          "athena:StartQueryExecution",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:StopQueryExecution",
        ],
        Resource: "arn:aws:athena:eu-west-1:111122223333:workgroup/deniedby",
      },
      {
        Sid: "ReadDatabaseDefinition",
        Effect: "Allow",
        Action: "glue:GetDatabase",
        Resource: [
          "arn:aws:glue:eu-west-1:111122223333:catalog",
          "arn:aws:glue:eu-west-1:111122223333:database/deniedby",
        ],
      },
      {
        Sid: "ReadTableDefinition",
        Effect: "Allow",
        Action: "glue:GetTable",
        Resource: [
          "arn:aws:glue:eu-west-1:111122223333:catalog",
          "arn:aws:glue:eu-west-1:111122223333:database/deniedby",
          "arn:aws:glue:eu-west-1:111122223333:table/deniedby/cloudtrail_logs",
        ],
      },
      {
        Sid: "ReadTrailLogs",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::org-trail-logs/trails/AWSLogs/*",
      },
      {
        Sid: "ListTrailLogs",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::org-trail-logs",
        Condition: { StringLike: { "s3:prefix": ["trails/AWSLogs/*"] } },
      },
      {
        Sid: "LocateBuckets",
        Effect: "Allow",
        Action: "s3:GetBucketLocation",
        Resource: ["arn:aws:s3:::org-trail-logs", getAtt(results)],
      },
      {
        Sid: "WriteQueryResults",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: under(results, "/athena/*"),
      },
      {
        Sid: "ListQueryResults",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: getAtt(results),
        Condition: { StringLike: { "s3:prefix": ["athena/*"] } },
      },
      {
        Sid: "DecryptTrailLogs",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: fullParameters.trailKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
      },
      {
        Sid: "ReplicateDatabase",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: under(replica, "/deniedby/*"),
      },
      {
        Sid: "ListDatabaseReplica",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: getAtt(replica),
        Condition: { StringLike: { "s3:prefix": ["deniedby/*"] } },
      },
    ]);
  });

  it("drops the Athena, Glue, trail and KMS statements when no trail bucket is given", () => {
    const replica = logicalId(minimal, minimal.main.replica.bucket);
    expect(statementsOf(minimal, "task").map((s) => s.Sid)).toEqual([
      "EventHistory",
      "ReplicateDatabase",
      "ListDatabaseReplica",
    ]);
    expect(statementsOf(minimal, "task")[1]?.Resource).toEqual(under(replica, "/deniedby/*"));
  });

  it("receives and deletes the new-log-file queue's messages and assumes exactly the member roles given", () => {
    const before = statementsOf(full, "task");
    const withSources = statementsOf(sources, "task");
    const added = withSources.filter((s) => !before.some((b) => b.Sid === s.Sid));
    expect(added).toEqual([
      {
        Sid: "ReadLogFileQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        Resource: sourcesParameters.trailQueueArn,
      },
      {
        Sid: "DecryptLogFileQueue",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: sourcesParameters.trailQueueKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } },
      },
      {
        Sid: "AssumeMemberRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: sourcesParameters.memberRoleArns.split(","),
      },
    ]);
    // Everything else is as without them: the trail bucket's read serves the queue's files.
    expect(withSources.filter((s) => before.some((b) => b.Sid === s.Sid)).map((s) => s.Sid)).toEqual(
      before.map((s) => s.Sid),
    );
    expect(before.flatMap(actionsOf).filter((a) => /^(sqs|sts):/.test(a))).toEqual([]);
  });

  it("may be assumed only by ECS tasks of this account", () => {
    expect(roleOf(full, "task").AssumeRolePolicyDocument).toEqual(
      trustedByEcsTasks({
        StringEquals: { "aws:SourceAccount": "111122223333" },
        ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*" },
      }),
    );
  });
});

describe("the execution role", () => {
  it("holds exactly the launch work: pull from its repository, write its log group, read its secrets", () => {
    const token = logicalId(full, full.main.apiToken);
    expect(statementsOf(full, "execution")).toEqual([
      {
        Sid: "PullImage",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: "arn:aws:ecr:eu-west-1:111122223333:repository/deniedby",
      },
      { Sid: "LogInToRegistry", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "arn:aws:logs:eu-west-1:111122223333:log-group:/deniedby/service:*",
      },
      {
        Sid: "ReadLaunchSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [
          { Ref: token },
          fullParameters.slackWebhookSecretArn,
          fullParameters.slackSigningSecretArn,
        ],
      },
      {
        Sid: "DecryptLaunchSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: fullParameters.secretsKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
    ]);
    expect(statementsOf(minimal, "execution").map((s) => [s.Sid, s.Resource])).toEqual([
      ["PullImage", "arn:aws:ecr:eu-west-1:111122223333:repository/deniedby"],
      ["LogInToRegistry", "*"],
      ["WriteLogs", "arn:aws:logs:eu-west-1:111122223333:log-group:/deniedby/service:*"],
      ["ReadLaunchSecrets", { Ref: logicalId(minimal, minimal.main.apiToken) }],
    ]);
  });

  it("may be assumed only by ECS tasks of this account", () => {
    expect(roleOf(full, "execution").AssumeRolePolicyDocument).toEqual(
      trustedByEcsTasks({ StringEquals: { "aws:SourceAccount": "111122223333" } }),
    );
  });
});

describe("both roles", () => {
  /** A stand-in ARN for a reference to a resource of the stack, so its pattern can be compared with iam-data's. */
  function sampleArn(template: Template, resource: unknown): string {
    if (typeof resource === "string") return resource;
    const r = resource as Json;
    const types = template.toJSON().Resources as Record<string, { Type: string }>;
    if ("Fn::GetAtt" in r) {
      const [id] = r["Fn::GetAtt"] as [string];
      expect(types[id]?.Type).toBe("AWS::S3::Bucket");
      return `arn:aws:s3:::${id.toLowerCase()}`;
    }
    if ("Ref" in r) {
      expect(types[r.Ref as string]?.Type).toBe("AWS::SecretsManager::Secret");
      return `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${r.Ref}-AbCdEf`;
    }
    const [, parts] = r["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => sampleArn(template, p)).join("");
  }

  it("name no wildcard action, and use '*' only for the two actions iam-data says have no resource-level permission", async () => {
    for (const s of [full, minimal, sources])
      for (const role of ["task", "execution"] as const)
        for (const statement of statementsOf(s, role)) {
          expect(statement.Effect).toBe("Allow");
          for (const action of actionsOf(statement)) {
            expect(action, action).not.toContain("*");
            const facts = await actionFacts(action);
            const resources = resourceList(statement).map((r) => sampleArn(s.template, r));
            if (resources.includes("*")) {
              expect(resources, action).toEqual(["*"]);
              expect(facts.wildcardOnly, `${action} supports resource-level permissions`).toBe(true);
              expect(["cloudtrail:LookupEvents", "ecr:GetAuthorizationToken"]).toContain(action);
            } else {
              expect(facts.wildcardOnly, action).toBe(false);
              for (const resource of resources)
                expect(
                  facts.resourcePatterns.some((p) => patternsOverlap(resource, p)),
                  `${action} on ${resource} fits none of ${facts.resourcePatterns.join(", ")}`,
                ).toBe(true);
            }
          }
        }
  });

  it("keep launch work off the task role and the application's calls off the execution role", () => {
    for (const s of [full, minimal, sources]) {
      const task = statementsOf(s, "task").flatMap(actionsOf);
      const execution = statementsOf(s, "execution").flatMap(actionsOf);
      expect(task.filter((a) => /^(ecr|logs|secretsmanager):/.test(a))).toEqual([]);
      expect(execution.filter((a) => /^(cloudtrail|athena|glue|s3|sqs|sts):/.test(a))).toEqual([]);
    }
  });

  it("are the task definition's roles, with nothing attached to them beyond their one inline policy", () => {
    const task = logicalId(full, full.main.taskRole);
    const execution = logicalId(full, full.main.executionRole);
    expect(onlyResource(full.template, "AWS::ECS::TaskDefinition")).toMatchObject({
      TaskRoleArn: getAtt(task),
      ExecutionRoleArn: getAtt(execution),
    });
    for (const role of ["task", "execution"] as const) {
      expect(roleOf(full, role).ManagedPolicyArns).toBeUndefined();
      expect((roleOf(full, role).Policies as unknown[]).length).toBe(1);
    }
    for (const policy of Object.values(resourcesOf(full.template, "AWS::IAM::Policy")))
      expect(policy.Properties.Roles).not.toEqual(
        expect.arrayContaining([{ Ref: task }, { Ref: execution }]),
      );
  });
});

describe("the service", () => {
  const container = (s: Synthesized) =>
    (onlyResource(s.template, "AWS::ECS::TaskDefinition").ContainerDefinitions as Json[])[0] as Json;

  it("runs one Fargate task and never two at once (one SQLite writer)", () => {
    expect(onlyResource(full.template, "AWS::ECS::Service")).toMatchObject({
      DesiredCount: 1,
      LaunchType: "FARGATE",
      EnableExecuteCommand: false,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: "DISABLED",
          Subnets: fullParameters.privateSubnetIds.split(","),
        },
      },
    });
  });

  it("runs the tagged image from its ECR repository, under Litestream, with /data on the task's volume", () => {
    const c = container(full);
    expect(JSON.stringify(c.Image)).toContain("/deniedby:0123abcd");
    expect(JSON.stringify(c.Image)).toContain("111122223333.dkr.ecr.eu-west-1.");
    const replica = logicalId(full, full.main.replica.bucket);
    expect(c.Command).toEqual([
      "litestream",
      "replicate",
      "-restore-if-db-not-exists",
      "-exec",
      // Half of the task's 1,024 MiB for Node's heap.
      "node --max-old-space-size=512 dist/index.js",
      "/data/deniedby.db",
      { "Fn::Join": ["", ["s3://", { Ref: replica }, "/deniedby/db?region=eu-west-1"]] },
    ]);
    expect(c.MountPoints).toEqual([{ ContainerPath: "/data", ReadOnly: false, SourceVolume: "data" }]);
    expect(onlyResource(full.template, "AWS::ECS::TaskDefinition").Volumes).toEqual([{ Name: "data" }]);
    expect(c.StopTimeout).toBeGreaterThanOrEqual(30);
  });

  it("gets its token and Slack secrets from Secrets Manager and only plain settings from the environment", () => {
    const c = container(full);
    const token = logicalId(full, full.main.apiToken);
    expect(c.Secrets).toEqual([
      { Name: "DENIEDBY_API_TOKEN", ValueFrom: { Ref: token } },
      { Name: "DENIEDBY_SLACK_WEBHOOK_URL", ValueFrom: fullParameters.slackWebhookSecretArn },
      { Name: "DENIEDBY_SLACK_SIGNING_SECRET", ValueFrom: fullParameters.slackSigningSecretArn },
    ]);
    const environment = Object.fromEntries(
      (c.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    const settings = Object.keys(Config.shape);
    for (const name of Object.keys(environment)) expect(settings, name).toContain(name);
    expect(Object.keys(environment)).not.toEqual(
      expect.arrayContaining([
        "DENIEDBY_API_TOKEN",
        "DENIEDBY_SLACK_WEBHOOK_URL",
        "DENIEDBY_SLACK_SIGNING_SECRET",
      ]),
    );
    // With its secrets filled in, the environment is a configuration deniedby accepts.
    const parsed = Config.parse({
      ...environment,
      DENIEDBY_API_TOKEN: "a".repeat(48),
      DENIEDBY_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/x",
      DENIEDBY_SLACK_SIGNING_SECRET: "s",
    });
    expect(parsed).toMatchObject({
      DENIEDBY_DB: "/data/deniedby.db",
      HOST: "0.0.0.0",
      PORT: 8080,
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_LOOKUP_REGIONS: ["eu-west-1", "us-east-1"],
      DENIEDBY_ATHENA_DATABASE: "deniedby",
      DENIEDBY_ATHENA_TABLE: "cloudtrail_logs",
      DENIEDBY_ATHENA_WORKGROUP: "deniedby",
      DENIEDBY_PUBLIC_URL: "https://deniedby.example.com",
    });
    expect(container(minimal).Secrets).toEqual([
      { Name: "DENIEDBY_API_TOKEN", ValueFrom: { Ref: logicalId(minimal, minimal.main.apiToken) } },
    ]);
  });

  it("tells deniedby the queue's URL and the member roles with their external id", () => {
    const environment = Object.fromEntries(
      (container(sources).Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    const parsed = Config.parse({ ...environment, DENIEDBY_API_TOKEN: "a".repeat(48) });
    expect(parsed.DENIEDBY_SQS_QUEUE_URL).toBe(
      "https://sqs.eu-west-1.amazonaws.com/111122223333/trail-files",
    );
    expect(parsed.DENIEDBY_ACCOUNTS).toEqual([
      {
        accountId: "444455556666",
        roleArn: "arn:aws:iam::444455556666:role/deniedby-reader",
        externalId: "deniedby-3f9a1c",
      },
      {
        accountId: "777788889999",
        roleArn: "arn:aws:iam::777788889999:role/security/deniedby-reader",
        externalId: "deniedby-3f9a1c",
      },
    ]);
    const names = (container(full).Environment as { Name: string }[]).map((e) => e.Name);
    expect(names).not.toContain("DENIEDBY_SQS_QUEUE_URL");
    expect(names).not.toContain("DENIEDBY_ACCOUNTS");
  });

  it("logs to its own log group, kept three months", () => {
    const logs = resourcesOf(full.template, "AWS::Logs::LogGroup");
    const [id, group] = Object.entries(logs)[0] ?? [];
    expect(Object.keys(logs)).toHaveLength(1);
    expect(group?.Properties).toMatchObject({ LogGroupName: "/deniedby/service", RetentionInDays: 90 });
    expect(container(full).LogConfiguration).toMatchObject({
      LogDriver: "awslogs",
      Options: { "awslogs-group": { Ref: id } },
    });
  });

  it("keeps the database replica in a versioned, encrypted bucket that outlives the stack", () => {
    const replica = logicalId(full, full.main.replica.bucket);
    const bucket = full.template.toJSON().Resources[replica];
    expect(bucket.DeletionPolicy).toBe("Retain");
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });
});

describe("the HTTPS endpoint", () => {
  const groups = (s: Synthesized) => {
    const lb = onlyResource(s.template, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    const lbGroup = ((lb.SecurityGroups as Json[])[0] as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
    const service = onlyResource(s.template, "AWS::ECS::Service") as {
      NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: { "Fn::GetAtt": [string] }[] } };
    };
    const taskGroup =
      service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]?.["Fn::GetAtt"][0] ?? "";
    return { lb, lbGroup, taskGroup };
  };

  it("listens on HTTPS 443 only, with the given certificate, and checks /healthz on the task", () => {
    expect(resourcesOf(full.template, "AWS::ElasticLoadBalancingV2::Listener")).toEqual({
      [Object.keys(resourcesOf(full.template, "AWS::ElasticLoadBalancingV2::Listener"))[0] as string]:
        expect.objectContaining({
          Properties: expect.objectContaining({
            Port: 443,
            Protocol: "HTTPS",
            Certificates: [{ CertificateArn: fullParameters.certificateArn }],
          }),
        }),
    });
    // Only the API, its document and the health check are forwarded: /metrics stays inside the VPC.
    const listener = Object.keys(
      resourcesOf(full.template, "AWS::ElasticLoadBalancingV2::Listener"),
    )[0] as string;
    expect(onlyResource(full.template, "AWS::ElasticLoadBalancingV2::Listener").DefaultActions).toEqual([
      expect.objectContaining({
        Type: "fixed-response",
        FixedResponseConfig: expect.objectContaining({ StatusCode: "404" }),
      }),
    ]);
    expect(onlyResource(full.template, "AWS::ElasticLoadBalancingV2::ListenerRule")).toMatchObject({
      ListenerArn: { Ref: listener },
      Conditions: [
        { Field: "path-pattern", PathPatternConfig: { Values: ["/v1/*", "/healthz", "/openapi.json"] } },
      ],
      Actions: [{ Type: "forward" }],
    });
    expect(onlyResource(full.template, "AWS::ElasticLoadBalancingV2::TargetGroup")).toMatchObject({
      Port: 8080,
      Protocol: "HTTP",
      TargetType: "ip",
      HealthCheckPath: "/healthz",
    });
    expect(groups(full).lb.Scheme).toBe("internet-facing");
    expect(groups(minimal).lb.Scheme).toBe("internal");
    expect(groups(minimal).lb.Subnets).toEqual(["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]);
  });

  it("opens the load balancer to the allowed CIDR blocks on 443, and the task to the load balancer on 8080 only", () => {
    for (const [s, cidr] of [
      [full, "0.0.0.0/0"],
      [minimal, "10.0.0.0/16"],
    ] as const) {
      const { lbGroup, taskGroup } = groups(s);
      const sg = (id: string) =>
        (resourcesOf(s.template, "AWS::EC2::SecurityGroup")[id] as { Properties: Json }).Properties;
      expect(sg(lbGroup).SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: cidr, FromPort: 443, ToPort: 443, IpProtocol: "tcp" }),
      ]);
      expect(sg(taskGroup).SecurityGroupIngress).toBeUndefined();
      expect(sg(taskGroup).SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443, IpProtocol: "tcp" }),
      ]);
      const ingress = Object.values(resourcesOf(s.template, "AWS::EC2::SecurityGroupIngress"));
      expect(ingress.map((r) => r.Properties)).toEqual([
        expect.objectContaining({
          GroupId: { "Fn::GetAtt": [taskGroup, "GroupId"] },
          SourceSecurityGroupId: { "Fn::GetAtt": [lbGroup, "GroupId"] },
          FromPort: 8080,
          ToPort: 8080,
        }),
      ]);
      const egress = Object.values(resourcesOf(s.template, "AWS::EC2::SecurityGroupEgress"));
      expect(egress.map((r) => r.Properties)).toEqual([
        expect.objectContaining({
          GroupId: { "Fn::GetAtt": [lbGroup, "GroupId"] },
          DestinationSecurityGroupId: { "Fn::GetAtt": [taskGroup, "GroupId"] },
          FromPort: 8080,
        }),
      ]);
    }
  });

  it("points the domain name at the load balancer when a hosted zone is given", () => {
    expect(onlyResource(full.template, "AWS::Route53::RecordSet")).toMatchObject({
      Name: "deniedby.example.com.",
      Type: "A",
      HostedZoneId: fullParameters.hostedZoneId,
    });
    minimal.template.resourceCountIs("AWS::Route53::RecordSet", 0);
  });
});

describe("the Athena source", () => {
  it("creates the workgroup with enforced, encrypted results in its own bucket", () => {
    const results = logicalId(full, full.main.athena?.resultsBucket ?? full.main);
    expect(onlyResource(full.template, "AWS::Athena::WorkGroup")).toMatchObject({
      Name: "deniedby",
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: "SSE_S3" },
          OutputLocation: { "Fn::Join": ["", ["s3://", { Ref: results }, "/athena/"]] },
        },
      },
    });
    minimal.template.resourceCountIs("AWS::Athena::WorkGroup", 0);
    minimal.template.resourceCountIs("AWS::Glue::Table", 0);
  });

  it("registers the table queries/cloudtrail-table-org.sql describes, with partition projection", () => {
    const ddl = renderDdl(loadQueries(), {
      bucket: "org-trail-logs",
      prefix: "trails",
      orgId: "o-abcdefghij",
      accounts: ["111122223333", "444455556666"],
      regions: ["eu-west-1", "us-east-1"],
    });
    expect(full.main.athena?.ddl).toBe(ddl);
    const expected = glueTableFromDdl(ddl);
    const table = onlyResource(full.template, "AWS::Glue::Table");
    expect(table).toEqual({
      CatalogId: "111122223333",
      DatabaseName: "deniedby",
      TableInput: {
        Name: expected.name,
        Description: expected.description,
        TableType: "EXTERNAL_TABLE",
        Parameters: expected.parameters,
        PartitionKeys: expected.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
        StorageDescriptor: {
          Columns: expected.storageDescriptor.columns.map((k) => ({ Name: k.name, Type: k.type })),
          Location: expected.storageDescriptor.location,
          InputFormat: expected.storageDescriptor.inputFormat,
          OutputFormat: expected.storageDescriptor.outputFormat,
          SerdeInfo: { SerializationLibrary: expected.storageDescriptor.serdeInfo.serializationLibrary },
        },
      },
    });
    // Read from the file at synth: the comment is the org template's, the projection the trail's layout.
    const file = readFileSync(resolve(import.meta.dirname, "../../queries/cloudtrail-table-org.sql"), "utf8");
    expect(file).toContain(`COMMENT '${expected.description}'`);
    expect(expected.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.p_account.values": "111122223333,444455556666",
      "projection.p_region.values": "eu-west-1,us-east-1",
      "storage.location.template":
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's storage.location.template syntax
        "s3://org-trail-logs/trails/AWSLogs/o-abcdefghij/${p_account}/CloudTrail/${p_region}/${p_date}",
    });
    full.template.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: "deniedby" } });
  });
});

describe("the push path", () => {
  const ruleOf = (t: Template) => onlyResource(t, "AWS::Events::Rule");

  it("matches deniedby's pattern on every rule, with read-only management events let through", () => {
    for (const t of [full.template, ...full.forwarders.map((f) => Template.fromStack(f))]) {
      expect(ruleOf(t).EventPattern).toEqual(cloudTrailPushPattern);
      expect(ruleOf(t).State).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    }
    minimal.template.resourceCountIs("AWS::Events::Rule", 0);
    expect(minimal.forwarders).toEqual([]);
  });

  it("posts to /v1/events with the bearer token, kept secret, through a role that may only invoke it", () => {
    const t = full.template;
    const token = logicalId(full, full.main.apiToken);
    const destination = Object.keys(resourcesOf(t, "AWS::Events::ApiDestination"))[0] as string;
    expect(onlyResource(t, "AWS::Events::ApiDestination")).toMatchObject({
      HttpMethod: "POST",
      InvocationEndpoint: "https://deniedby.example.com/v1/events",
    });
    expect(onlyResource(t, "AWS::Events::Connection")).toEqual({
      Description: "deniedby bearer token",
      AuthorizationType: "API_KEY",
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: "Authorization",
          // A dynamic reference: CloudFormation reads the secret at deploy time; the template holds no token.
          ApiKeyValue: {
            "Fn::Join": ["", ["Bearer {{resolve:secretsmanager:", { Ref: token }, ":SecretString:::}}"]],
          },
        },
      },
    });
    const target = (ruleOf(t).Targets as Json[])[0] as Json;
    expect(target).toMatchObject({
      Arn: getAtt(destination),
      RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      DeadLetterConfig: { Arn: getAtt(logicalId(full, full.main.push?.deadLetters ?? full.main)) },
    });
    const invokeRole = (target.RoleArn as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
    const policies = Object.values(resourcesOf(t, "AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(invokeRole),
    );
    expect(
      policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement),
    ).toEqual([{ Effect: "Allow", Action: "events:InvokeApiDestination", Resource: getAtt(destination) }]);
  });

  it("forwards us-east-1's global-service events to deniedby's bus, with a dead-letter queue and its alarm", () => {
    expect(full.forwarders.map((f) => [f.stackName, f.region, f.account])).toEqual([
      ["DeniedbyForward-us-east-1", "us-east-1", "111122223333"],
    ]);
    const t = Template.fromStack(full.forwarders[0] as Stack);
    const target = (ruleOf(t).Targets as Json[])[0] as Json;
    expect(target.Arn).toBe("arn:aws:events:eu-west-1:111122223333:event-bus/default");
    expect(target.DeadLetterConfig).toBeDefined();
    t.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: [
          {
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: "arn:aws:events:eu-west-1:111122223333:event-bus/default",
          },
        ],
      },
    });
    t.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 1,
      AlarmActions: [fullParameters.alarmTopicArn],
    });
  });

  it("lets accounts of the organisation put events on the bus, and gives them a template that skips deniedby's own account", () => {
    expect(onlyResource(full.template, "AWS::Events::EventBusPolicy")).toMatchObject({
      EventBusName: "default",
      Statement: {
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: "arn:aws:events:eu-west-1:111122223333:event-bus/default",
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } },
      },
    });
    const member = full.memberTemplate;
    expect(member).toBeDefined();
    expect(member?.environment).toBe("aws://unknown-account/unknown-region");
    // Deployable by StackSets in accounts without a CDK bootstrap: no bootstrap-version parameter or rule.
    const memberJson = Template.fromStack(member as Stack).toJSON();
    expect(memberJson.Parameters).toBeUndefined();
    expect(memberJson.Rules).toBeUndefined();
    const pattern = ruleOf(Template.fromStack(member as Stack)).EventPattern as Json;
    const denial = { eventName: "GetObject", errorCode: "AccessDenied" };
    expect(matches(pattern, cloudTrailEvent(denial, { account: "444455556666" }))).toBe(true);
    expect(matches(pattern, cloudTrailEvent(denial, { account: "111122223333" }))).toBe(false);
    expect({ ...pattern, account: undefined }).toEqual({ ...cloudTrailPushPattern, account: undefined });
    // EventBridge refuses patterns over 4,096 characters; the member rule adds its account filter.
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(4096);
    expect(minimal.memberTemplate).toBeUndefined();
  });
});

describe("the alarms", () => {
  const alarms = (s: Synthesized) =>
    Object.values(resourcesOf(s.template, "AWS::CloudWatch::Alarm")).map((a) => a.Properties);

  it("watch 5xx answers, the healthy task, failing sources and the dead-letter queue, and notify the topic", () => {
    const byMetric = (name: string) => alarms(full).filter((a) => a.MetricName === name);
    expect(byMetric("HTTPCode_Target_5XX_Count")).toHaveLength(1);
    expect(byMetric("HTTPCode_ELB_5XX_Count")).toHaveLength(1);
    expect(byMetric("HealthyHostCount")).toEqual([
      expect.objectContaining({ ComparisonOperator: "LessThanThreshold", Threshold: 1 }),
    ]);
    expect(byMetric("ApproximateNumberOfMessagesVisible")).toEqual([
      expect.objectContaining({
        Dimensions: [
          {
            Name: "QueueName",
            Value: { "Fn::GetAtt": [logicalId(full, full.main.push?.deadLetters ?? full.main), "QueueName"] },
          },
        ],
      }),
    ]);
    expect(byMetric("SourceFailures-lookup-events")).toHaveLength(1);
    expect(byMetric("SourceFailures-athena")).toHaveLength(1);
    for (const alarm of alarms(full)) expect(alarm.AlarmActions).toEqual([fullParameters.alarmTopicArn]);
    // No push, no Athena: no dead-letter or Athena alarm; no topic: no actions.
    expect(
      alarms(minimal)
        .map((a) => a.MetricName)
        .sort(),
    ).toEqual([
      "HTTPCode_ELB_5XX_Count",
      "HTTPCode_Target_5XX_Count",
      "HealthyHostCount",
      "SourceFailures-lookup-events",
    ]);
    for (const alarm of alarms(minimal)) expect(alarm.AlarmActions).toBeUndefined();
  });

  it("count the warn lines deniedby's live sources write when a poll fails", () => {
    const code = readFileSync(resolve(import.meta.dirname, "../../src/pipeline/live.ts"), "utf8");
    const filters = Object.values(resourcesOf(full.template, "AWS::Logs::MetricFilter")).map(
      (f) => f.Properties,
    );
    expect(filters.map((f) => f.FilterPattern).sort()).toEqual([
      '{ ($.msg = "live source read failed") && ($.source = "athena") }',
      '{ ($.msg = "live source read failed") && ($.source = "lookup-events") }',
    ]);
    for (const f of filters) {
      const message = /"([^"]+)"/.exec(f.FilterPattern as string)?.[1] ?? "";
      expect(code, message).toContain(`"${message}"`);
      // The source's name is a field of the line: its labels, spread into the logged object.
      expect(code).toContain("logger.warn({ ...source.labels, error }, SOURCE_FAILED)");
      expect(f.MetricTransformations).toEqual([
        expect.objectContaining({ MetricNamespace: "deniedby", MetricValue: "1" }),
      ]);
    }
  });
});
