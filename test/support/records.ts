/**
 * Hand-made CloudTrail records for tests and benchmarks, shaped like real ones (field order, nesting, sizes).
 * Deterministic: the same seed gives the same records.
 */

export interface RecordOptions {
  eventId: string;
  eventTime: string;
  eventSource?: string;
  eventName?: string;
  errorCode?: string;
  errorMessage?: string;
  roleName?: string;
  session?: string;
  account?: string;
  region?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown> | null;
  userIdentity?: Record<string, unknown>;
}

export function makeRecord(o: RecordOptions): Record<string, unknown> {
  const account = o.account ?? "111122223333";
  const roleName = o.roleName ?? "checkout-task";
  const session = o.session ?? "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  const record: Record<string, unknown> = {
    eventVersion: "1.10",
    userIdentity: o.userIdentity ?? {
      type: "AssumedRole",
      principalId: `AROAEXAMPLEROLEID0001:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
      accountId: account,
      accessKeyId: "ASIAEXAMPLEKEYID0001",
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROAEXAMPLEROLEID0001",
          arn: `arn:aws:iam::${account}:role/${roleName}`,
          accountId: account,
          userName: roleName,
        },
        attributes: { creationDate: o.eventTime, mfaAuthenticated: "false" },
      },
    },
    eventTime: o.eventTime,
    eventSource: o.eventSource ?? "dynamodb.amazonaws.com",
    eventName: o.eventName ?? "GetItem",
    awsRegion: o.region ?? "eu-west-1",
    sourceIPAddress: "10.0.12.34",
    userAgent:
      o.userAgent ?? "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#20.18.0 api/dynamodb#3.654.0",
    requestParameters:
      o.requestParameters === undefined
        ? { tableName: "orders", key: { id: { S: "order-1" } } }
        : o.requestParameters,
    responseElements: null,
    requestID: `REQ${o.eventId.replaceAll("-", "").slice(0, 20).toUpperCase()}`,
    eventID: o.eventId,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: false,
    recipientAccountId: account,
    eventCategory: "Data",
    tlsDetails: {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: `dynamodb.${o.region ?? "eu-west-1"}.amazonaws.com`,
    },
  };
  if (o.errorCode) {
    record.errorCode = o.errorCode;
    if (o.errorMessage) record.errorMessage = o.errorMessage;
  }
  return record;
}

/** A small deterministic PRNG (mulberry32) so generated corpora are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID-shaped id from a number, unique per (prefix, n). */
export function uuidFor(n: number, prefix = 0): string {
  const hex = (prefix.toString(16).padStart(8, "0") + n.toString(16).padStart(24, "0")).slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const SERVICES: [string, string, Record<string, unknown> | null][] = [
  ["dynamodb.amazonaws.com", "GetItem", { tableName: "orders", key: { id: { S: "order-1" } } }],
  ["dynamodb.amazonaws.com", "PutItem", { tableName: "orders", item: { id: { S: "order-2" } } }],
  [
    "s3.amazonaws.com",
    "GetObject",
    { bucketName: "checkout-assets", key: "img/logo.png", Host: "checkout-assets.s3.amazonaws.com" },
  ],
  [
    "sqs.amazonaws.com",
    "SendMessage",
    { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/orders" },
  ],
  ["kms.amazonaws.com", "Decrypt", { encryptionAlgorithm: "SYMMETRIC_DEFAULT" }],
  ["secretsmanager.amazonaws.com", "GetSecretValue", { secretId: "prod/checkout/db" }],
  ["ecr.amazonaws.com", "GetAuthorizationToken", {}],
  ["logs.amazonaws.com", "CreateLogStream", { logGroupName: "/ecs/checkout", logStreamName: "ecs/app/abc" }],
  ["sts.amazonaws.com", "GetCallerIdentity", null],
  ["ec2.amazonaws.com", "DescribeInstances", { instancesSet: {}, filterSet: {} }],
];

/** Generates `count` records for benchmarks and large tests: `denialRate` of them are AccessDenied. */
export function* generateRecords(
  count: number,
  options: { seed?: number; denialRate?: number; prefix?: number } = {},
) {
  const random = rng(options.seed ?? 1);
  const denialRate = options.denialRate ?? 0.04;
  const base = Date.parse("2026-11-16T00:00:00Z");
  for (let i = 0; i < count; i++) {
    const pick = SERVICES[Math.floor(random() * SERVICES.length)];
    if (!pick) throw new Error("unreachable: index within SERVICES");
    const [eventSource, eventName, params] = pick;
    const role = Math.floor(random() * 200);
    const denied = random() < denialRate;
    const action = `${eventSource.split(".")[0]}:${eventName}`;
    yield makeRecord({
      eventId: uuidFor(i, options.prefix ?? 0),
      eventTime: new Date(base + Math.floor((i / count) * 86_400_000))
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      eventSource,
      eventName,
      roleName: `service-${role}-task`,
      session: (role * 7919 + 0x1000000).toString(16).padStart(32, "a"),
      requestParameters: params,
      ...(denied
        ? {
            errorCode: "AccessDenied",
            errorMessage: `User: arn:aws:sts::111122223333:assumed-role/service-${role}-task/${(role * 7919 + 0x1000000).toString(16).padStart(32, "a")} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
          }
        : {}),
    });
  }
}
