import { z } from "zod";

/**
 * Every parameter of the deployment, read from CDK context (`cdk.json` "context", or `-c key=value` on the command
 * line). Values given on the command line are strings, so lists are comma-separated and flags are "true"/"false".
 * Nothing is looked up in an AWS account at synth time: the app synthesizes offline.
 */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;
// Secrets Manager appends six characters to a secret's name; the task definition and IAM need the complete ARN.
const SECRET_ARN = /^arn:aws[\w-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
const QUEUE_ARN = /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=.@/-]{1,512}$/;
const KMS_KEY_ARN =
  /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/mrk-[0-9a-f]{32}$/;

/** A comma-separated string or a JSON array, as `-c` and cdk.json give them. */
const list = (item: z.ZodString) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );

const flag = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());

const DeployFields = z.object({
  account: z.string().regex(ACCOUNT, "a 12-digit account id"),
  region: z.string().regex(REGION, "a region such as eu-west-1"),
  /** Name of the ECR repository CI pushes the image to (in this account and region). */
  imageRepository: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "an ECR repository name")
    .default("deniedby"),
  /** The image tag to run; CI tags images immutably (the commit id). */
  imageTag: z.string().regex(/^[\w][\w.-]{0,127}$/, "an image tag"),
  cpuArchitecture: z.enum(["X86_64", "ARM64"]).default("X86_64"),
  cpu: z.coerce.number().int().default(512),
  memoryMiB: z.coerce.number().int().default(1024),

  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "a VPC id"),
  /** Subnets of the load balancer when it is internet-facing. */
  publicSubnetIds: list(z.string().regex(SUBNET, "subnet ids")).default([]),
  /** Subnets of the task (and of an internal load balancer); they need a route to AWS APIs and Slack. */
  privateSubnetIds: list(z.string().regex(SUBNET, "subnet ids")),
  /** Give the task a public IP (only for tasks in public subnets without a NAT gateway). */
  assignPublicIp: flag.default(false),

  /** The host name deniedby answers on; the certificate must cover it. */
  domainName: z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, "a host name"),
  certificateArn: z
    .string()
    .regex(/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN"),
  /** When given, an alias record for domainName is created in this hosted zone. */
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id")
    .optional(),
  hostedZoneName: z.string().optional(),
  internetFacing: flag.default(true),
  /** Who may reach the HTTPS listener. Defaults to anyone for an internet-facing load balancer. */
  ingressCidrs: list(z.string().regex(CIDR, "CIDR blocks")).optional(),

  /** The trail's S3 bucket: enables the Athena source, its workgroup, table and permissions. */
  trailBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "a bucket name")
    .optional(),
  trailPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*()/-]*$/, "an S3 key prefix")
    .transform((p) => p.replace(/^\/+|\/+$/g, ""))
    .default(""),
  /** Region of the trail bucket, when it differs from the deployment's (KMS ViaService names it). */
  trailBucketRegion: z.string().regex(REGION).optional(),
  /** The key the trail encrypts its log files with (SSE-KMS), if any. */
  trailKmsKeyArn: z.string().regex(KMS_KEY_ARN, "a KMS key ARN").optional(),
  /** Organisation trail: the organisation id. Also lets member accounts forward events to this account's bus. */
  orgId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, "an organisation id (o-…)")
    .optional(),
  /** Accounts projected in the Athena table (member accounts for an organisation trail; default: this one). */
  trailAccounts: list(z.string().regex(ACCOUNT, "12-digit account ids")).optional(),
  /** Regions projected in the Athena table (default: every commercial region). */
  trailRegions: list(z.string().regex(REGION, "regions")).default([]),
  trailStartDate: z
    .string()
    .regex(/^\d{4}\/\d{2}\/\d{2}$/, "YYYY/MM/DD")
    .optional(),
  athenaDatabase: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a Glue database name")
    .default("deniedby"),
  athenaTable: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a Glue table name")
    .default("cloudtrail_logs"),
  athenaWorkgroup: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, "a workgroup name")
    .default("deniedby"),

  /**
   * The SQS queue the trail bucket (or the trail's SNS topic) notifies of new log files: deniedby reads it live and
   * the task role may receive and delete its messages. Needs trailBucket (the files are read from there).
   */
  trailQueueArn: z.string().regex(QUEUE_ARN, "an SQS queue ARN").optional(),
  /** The customer managed key the queue is encrypted with, if any. */
  trailQueueKmsKeyArn: z.string().regex(KMS_KEY_ARN, "a KMS key ARN").optional(),
  /**
   * Roles deniedby assumes in member accounts (LookupEvents there, docs/sources.md "Many accounts"): the task role may
   * assume exactly these. Role names with commas cannot be listed here.
   */
  memberRoleArns: list(z.string().regex(ROLE_ARN, "IAM role ARNs")).default([]),
  /** The external id the member roles' trust policies require (their sts:ExternalId condition). */
  memberExternalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, "2 to 1,224 characters of letters, digits and +=,.@:/-")
    .optional(),

  /** Regions deniedby polls with LookupEvents ("none" for no polling). Default: this region and us-east-1. */
  lookupRegions: z
    .preprocess((v) => (v === "none" ? [] : v), list(z.string().regex(REGION, "regions")))
    .optional(),

  /** Push: EventBridge rules forwarding denials and role evidence to POST /v1/events. */
  push: flag.default(true),
  /** Regions of this account whose CloudTrail events are forwarded to the deployment region's bus. */
  forwardRegions: list(z.string().regex(REGION, "regions")).optional(),
  pushRatePerSecond: z.coerce.number().int().min(1).max(300).default(20),

  slackWebhookSecretArn: z.string().regex(SECRET_ARN, "a complete Secrets Manager secret ARN").optional(),
  slackSigningSecretArn: z.string().regex(SECRET_ARN, "a complete Secrets Manager secret ARN").optional(),
  /** Customer managed key of the Slack secrets, when they are not encrypted with aws/secretsmanager. */
  secretsKmsKeyArn: z.string().regex(KMS_KEY_ARN, "a KMS key ARN").optional(),

  /** SNS topic the alarms notify. */
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "an SNS topic ARN")
    .optional(),
});

export const DeployConfig = DeployFields.superRefine((c, ctx) => {
  if (c.internetFacing && c.publicSubnetIds.length < 2)
    ctx.addIssue({
      code: "custom",
      path: ["publicSubnetIds"],
      message: "an internet-facing load balancer needs two or more public subnets",
    });
  if (c.privateSubnetIds.length < (c.internetFacing ? 1 : 2))
    ctx.addIssue({
      code: "custom",
      path: ["privateSubnetIds"],
      message: "give the task's subnets (two or more for an internal load balancer)",
    });
  if (!c.internetFacing && c.ingressCidrs === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["ingressCidrs"],
      message: "an internal load balancer needs the CIDR blocks that may reach it",
    });
  if (!c.internetFacing && c.push)
    ctx.addIssue({
      code: "custom",
      path: ["push"],
      message:
        "EventBridge API destinations cannot reach an internal load balancer (no private connection is built): set push=false or internetFacing=true",
    });
  if ((c.hostedZoneId === undefined) !== (c.hostedZoneName === undefined))
    ctx.addIssue({
      code: "custom",
      path: ["hostedZoneName"],
      message: "give hostedZoneId and hostedZoneName together",
    });
  if (c.trailBucket === undefined && (c.trailKmsKeyArn || c.trailAccounts || c.trailPrefix))
    ctx.addIssue({ code: "custom", path: ["trailBucket"], message: "trail settings need the trailBucket" });
  if (c.orgId === undefined && c.trailAccounts && c.trailAccounts.length > 1)
    ctx.addIssue({
      code: "custom",
      path: ["trailAccounts"],
      message: "several trail accounts need the orgId (an organisation trail)",
    });
  if (c.trailQueueArn !== undefined && c.trailBucket === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["trailQueueArn"],
      message: "the queue's log files are read from the trail bucket: give trailBucket too",
    });
  if (c.trailQueueKmsKeyArn !== undefined && c.trailQueueArn === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["trailQueueKmsKeyArn"],
      message: "a queue key needs the trailQueueArn",
    });
  if (c.memberExternalId !== undefined && c.memberRoleArns.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["memberExternalId"],
      message: "an external id needs memberRoleArns",
    });
  if (c.memberRoleArns.some((arn) => arn.split(":")[4] === c.account))
    ctx.addIssue({
      code: "custom",
      path: ["memberRoleArns"],
      message: "deniedby reads its own account with its task role: list only other accounts' roles",
    });
  if (c.forwardRegions?.includes(c.region))
    ctx.addIssue({
      code: "custom",
      path: ["forwardRegions"],
      message: "the deployment region's own events need no forwarding (it would loop)",
    });
}).transform((c) => ({
  ...c,
  ingressCidrs: c.ingressCidrs ?? ["0.0.0.0/0"],
  lookupRegions: c.lookupRegions ?? [...new Set([c.region, "us-east-1"])],
  // CloudTrail delivers IAM, STS-global and other global-service events in us-east-1.
  forwardRegions: c.forwardRegions ?? (c.region === "us-east-1" ? [] : ["us-east-1"]),
  trailAccounts: c.trailAccounts ?? [c.account],
  trailBucketRegion: c.trailBucketRegion ?? c.region,
}));
export type DeployConfig = z.output<typeof DeployConfig>;

export class DeployConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(
      `invalid deniedby deployment parameters (CDK context):\n${issues.map((i) => `  - ${i}`).join("\n")}`,
    );
    this.name = "DeployConfigError";
  }
}

/** The parameter names, as CDK context keys. */
export const contextKeys: readonly string[] = Object.keys(DeployFields.shape);

/** Context keys that belong to the CDK itself (feature flags, `aws:cdk:…`), not to deniedby. */
const cdkOwned = (key: string) =>
  key.startsWith("@") || key.includes(":") || key === "acknowledged-issue-numbers";

/** Parses the deployment parameters from the app's whole context; an error names every bad or unknown key. */
export function parseDeployConfig(context: Record<string, unknown>): DeployConfig {
  const unknown = Object.keys(context).filter((k) => !cdkOwned(k) && !contextKeys.includes(k));
  const present = Object.fromEntries(
    Object.entries(context).filter(([k, v]) => contextKeys.includes(k) && v !== undefined && v !== ""),
  );
  const parsed = DeployConfig.safeParse(present);
  const issues = [
    ...unknown.map((k) => `${k}: not a deniedby parameter (known: ${contextKeys.join(", ")})`),
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`)),
  ];
  if (issues.length > 0 || !parsed.success) throw new DeployConfigError(issues);
  return parsed.data;
}
