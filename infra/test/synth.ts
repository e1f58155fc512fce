import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { addDeniedby, type DeniedbyApp } from "../lib/app.js";
import { type DeployConfig, parseDeployConfig } from "../lib/config.js";

/** The CDK feature flags the app runs with (cdk.json), so tests synthesize what `cdk deploy` would. */
export const cdkContext = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../cdk.json"), "utf8")) as {
    context: Record<string, unknown>;
  }
).context;

/** Every parameter set: an organisation trail with KMS, Slack, a hosted zone, alarms to SNS. */
export const fullParameters = {
  account: "111122223333",
  region: "eu-west-1",
  imageTag: "0123abcd",
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: "subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2",
  privateSubnetIds: "subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2",
  domainName: "deniedby.example.com",
  certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  hostedZoneName: "example.com",
  trailBucket: "org-trail-logs",
  trailPrefix: "trails",
  trailKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555",
  orgId: "o-abcdefghij",
  trailAccounts: "111122223333,444455556666",
  trailRegions: "eu-west-1,us-east-1",
  slackWebhookSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:deniedby/slack-webhook-AbCdEf",
  slackSigningSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:deniedby/slack-signing-GhIjKl",
  secretsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/66666666-7777-8888-9999-000000000000",
  alarmTopicArn: "arn:aws:sns:eu-west-1:111122223333:deniedby-alarms",
} as const;

/** Every parameter, and the new-log-file queue (encrypted) and two member accounts' roles with an external id. */
export const sourcesParameters = {
  ...fullParameters,
  trailQueueArn: "arn:aws:sqs:eu-west-1:111122223333:trail-files",
  trailQueueKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/77777777-8888-9999-aaaa-bbbbbbbbbbbb",
  memberRoleArns:
    "arn:aws:iam::444455556666:role/deniedby-reader,arn:aws:iam::777788889999:role/security/deniedby-reader",
  memberExternalId: "deniedby-3f9a1c",
} as const;

/** The fewest parameters: no trail bucket (LookupEvents only), no Slack, no organisation. */
export const minimalParameters = {
  account: "111122223333",
  region: "eu-west-1",
  imageTag: "0123abcd",
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: "subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2",
  privateSubnetIds: "subnet-0bbbbbbbbbbbbbbb1",
  domainName: "deniedby.example.com",
  certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012",
} as const;

export interface Synthesized extends DeniedbyApp {
  config: DeployConfig;
  app: App;
  template: Template;
}

/** Builds and synthesizes the app offline (a temp cloud assembly), with cdk-nag run as `cdk synth` runs it. */
export function synthesize(
  parameters: Record<string, string>,
  options: { acknowledgeFindings?: boolean } = {},
): Synthesized {
  const config = parseDeployConfig(parameters);
  const app = new App({ context: cdkContext, outdir: mkdtempSync(join(tmpdir(), "deniedby-cdk-")) });
  const stacks = addDeniedby(app, config, options);
  app.synth();
  return { ...stacks, config, app, template: Template.fromStack(stacks.main) };
}
