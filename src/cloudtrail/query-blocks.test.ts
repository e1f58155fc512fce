import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { datasetsPresent, readDatasetRecords } from "../../test/support/datasets.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { type SqlRow, sqlPredicate } from "../../test/support/sql-predicate.js";
import { parameterColumn, RESOURCE_COLUMNS, usageFromRow } from "../sources/athena/athena-record.js";
import type { AthenaRow } from "../sources/athena/athena-runner.js";
import { denialCodes, isDenial } from "./denial.js";
import { evidenceEventNames, evidenceEventOf, SERVICE_ASSUME_ROLE } from "./evidence-events.js";
import { denialPredicate, evidencePredicate, withGeneratedBlocks } from "./query-blocks.js";
import { type CloudTrailRecord, isCloudTrailRecord } from "./record.js";
import {
  primaryResource,
  type ResourceCall,
  resourceParameters,
  S3_OBJECT_ARN_REWRITE,
  usageResource,
} from "./resource.js";

const queries = new URL("../../queries/", import.meta.url);
const sqlOf = (name: string) => readFileSync(new URL(name, queries), "utf8");

describe("the generated blocks of queries/*.sql", () => {
  it.each(readdirSync(queries).filter((n) => n.endsWith(".sql")))(
    "%s holds them as src/cloudtrail renders them (npm run queries:sync rewrites them)",
    (name) => {
      const sql = sqlOf(name);
      expect(withGeneratedBlocks(sql)).toBe(sql);
    },
  );

  it.each([
    ["denials.sql", ["record-columns", "denial"]],
    ["evidence.sql", ["record-columns", "evidence"]],
    ["usage-daily.sql", ["resource-columns", "denial", "evidence", "resource-column-names"]],
  ])("%s applies the rules %j", (name, blocks) => {
    for (const block of blocks) expect(sqlOf(name)).toContain(`-- begin generated: ${block} `);
  });

  it("evidence.sql keeps only successful calls, as isEvidence does", () => {
    expect(sqlOf("evidence.sql")).toContain(
      "AND coalesce(errorcode, '') = ''\n  AND (\n    -- begin generated: evidence",
    );
  });

  it("fails on a block whose name nothing renders", () => {
    expect(() => withGeneratedBlocks("-- begin generated: nope\n-- end generated: nope")).toThrow(/nope/);
  });
});

describe("the denial block, evaluated as Athena would, agrees with isDenial", () => {
  const athena = sqlPredicate(denialPredicate().join("\n"));
  const iam =
    "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: x";
  const cases: [string | null, string | null][] = [
    ...denialCodes.map((code): [string, null] => [code, null]),
    [null, iam],
    ["", iam],
    ["NotAuthorizedException", "Incorrect username or password."],
    ["NotAuthorizedException", iam],
    [
      "NotAuthorized",
      "because no identity-based policy allows the x action with an explicit deny in a policy",
    ],
    ["ExpiredTokenException", "The security token included in the request is expired"],
    ["ThrottlingException", iam],
    ["Client.InvalidVpcID.NotFound", null],
    ["ValidationException", iam],
    ["AuthorizationNotFound", null],
    ["Client.AuthorizationAlreadyExists", null],
    ["accessdenied", null],
    ["Client.UnauthorizedAccess", null],
    ["SomeServiceForbiddenError", null],
    ["InvalidRequest", "Access to KMS is not allowed"],
    ["InvalidRequest", "The request was denied due to a VPC endpoint policy"],
    ["InvalidRequest", "No such thing"],
    ["NoSuchKey", "Access Denied"],
    ["Conflict", "It's a quote's test"],
  ];

  it.each(cases)("errorcode %j, errormessage %j", (code, message) => {
    const row: SqlRow = { errorcode: code, errormessage: message };
    expect(athena(row)).toBe(isDenial(code ?? undefined, message ?? undefined));
  });

  it.skipIf(!datasetsPresent)("on every error code and message of the shared datasets", () => {
    const seen = new Set<string>();
    let checked = 0;
    for (const r of readDatasetRecords() as { errorCode?: string; errorMessage?: string }[]) {
      if (!r.errorCode) continue;
      const key = `${r.errorCode}\n${r.errorMessage ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checked++;
      const row: SqlRow = { errorcode: r.errorCode, errormessage: r.errorMessage ?? null };
      expect(athena(row), key).toBe(isDenial(r.errorCode, r.errorMessage));
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe("the evidence block, evaluated as Athena would, agrees with evidenceEventOf", () => {
  const athena = sqlPredicate(evidencePredicate().join("\n"));
  const split = (name: string) => name.split(":") as [string, string];
  const cases: [string, string, string][] = [
    ...evidenceEventNames.map((n): [string, string, string] => [
      `${split(n)[0]}.amazonaws.com`,
      split(n)[1],
      "AWSService",
    ]),
    ["sts.amazonaws.com", "AssumeRole", "AssumedRole"],
    ...[
      "CreateFunction20150331",
      "UpdateFunctionConfiguration20150331v2",
      "AddPermission20150331v2",
      "RemovePermission",
      "CreateFunctionUrlConfig20211031",
      "UpdateFunctionCode20150331v2",
      "Invoke",
    ].map((name): [string, string, string] => ["lambda.amazonaws.com", name, "AssumedRole"]),
    ["ecs.amazonaws.com", "DescribeTasks", "AssumedRole"],
    ["iam.amazonaws.com", "GetRole", "AssumedRole"],
  ];

  it.each(cases)("%s %s by %s", (source, name, type) => {
    const event = evidenceEventOf({ eventSource: source, eventName: name });
    const expected = event !== null && (event !== SERVICE_ASSUME_ROLE || type === "AWSService");
    expect(athena({ eventsource: source, eventname: name, "useridentity.type": type })).toBe(expected);
  });
});

/** What json_extract_scalar gives for a path of the form `a` or `a[0]`: a scalar as text, otherwise NULL. */
function jsonScalar(value: unknown, path: string): string | null {
  const [, name = "", index] = /^(\w+)(?:\[(\d+)\])?$/.exec(path) ?? [];
  let v = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  if (index !== undefined) v = Array.isArray(v) ? v[Number(index)] : undefined;
  if (typeof v === "string") return v;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : null;
}

/** A regexp_replace as Trino applies it (the rewrites are anchored, so they match at most once). */
const replaced = (value: string | null, rewrite?: [RegExp, string]) =>
  value === null || rewrite === undefined ? value : value.replace(rewrite[0], rewrite[1]);

/** The usage query's row for one call, column by column as its generated block computes them. */
function athenaRowOf(r: CloudTrailRecord): AthenaRow {
  const row: AthenaRow = {
    day: "2026-03-09",
    principal_arn: r.userIdentity?.arn ?? "unknown",
    event_source: r.eventSource,
    event_name: r.eventName,
    first_seen: "2026-03-09T00:00:00Z",
    last_seen: "2026-03-09T00:00:00Z",
    region: r.awsRegion ?? "",
    resource_account: r.recipientAccountId ?? r.userIdentity?.accountId ?? "",
  };
  for (const p of resourceParameters) {
    const value =
      p.source !== undefined && p.source !== r.eventSource
        ? null
        : jsonScalar(r.requestParameters, p.path ?? p.name);
    row[parameterColumn(p.name)] = replaced(value, p.rewrite);
  }
  const listed = (r.resources ?? []).filter(
    (x): x is { ARN: string; type?: string | null } => typeof x === "object" && !!x?.ARN,
  );
  row[RESOURCE_COLUMNS.object] = replaced(
    listed.find((x) => x.type === "AWS::S3::Object")?.ARN ?? null,
    S3_OBJECT_ARN_REWRITE,
  );
  row[RESOURCE_COLUMNS.first] = replaced(listed[0]?.ARN ?? null, S3_OBJECT_ARN_REWRITE);
  return row;
}

function athenaResource(r: CloudTrailRecord): string {
  const usage = usageFromRow(athenaRowOf(r));
  if (usage === null) throw new Error("the row was refused");
  return usageResource(primaryResource(usage.call));
}

const call = (
  eventSource: string,
  requestParameters: Record<string, unknown>,
  extra: Partial<CloudTrailRecord> = {},
) => {
  const record = {
    ...makeRecord({ eventId: uuidFor(1), eventTime: "2026-03-09T10:00:00Z", eventSource, requestParameters }),
    ...extra,
  };
  if (!isCloudTrailRecord(record)) throw new Error("not a record");
  return record;
};

describe("the usage query's resource columns", () => {
  it("carry every request parameter primaryResource reads, for each service it reads them for", () => {
    for (const eventSource of [
      "s3.amazonaws.com",
      "ssm.amazonaws.com",
      "ecs.amazonaws.com",
      "sqs.amazonaws.com",
    ]) {
      // Some parameters are read only once another is there (a bucket's key): one pass with none there, then one
      // with each parameter there alone.
      const read = new Set<string>();
      for (const present of [null, ...resourceParameters.map((p) => p.name)]) {
        const get = (_: object, key: string | symbol) => {
          if (typeof key === "string") read.add(key);
          return key === present ? "x" : undefined;
        };
        primaryResource({
          eventSource,
          awsRegion: "eu-west-1",
          requestParameters: new Proxy({}, { get }),
        } as ResourceCall);
      }
      const carried = resourceParameters.filter((p) => p.source === undefined || p.source === eventSource);
      expect([...read].sort(), eventSource).toEqual(carried.map((p) => p.name).sort());
    }
  });

  const cases: [string, CloudTrailRecord][] = [
    ["S3 object, by parameters", call("s3.amazonaws.com", { bucketName: "data", key: "reports/2026/x.csv" })],
    ["S3 top-level object", call("s3.amazonaws.com", { bucketName: "data", key: "x.csv" })],
    ["S3 folder marker", call("s3.amazonaws.com", { bucketName: "data", key: "reports/" })],
    ["S3 capitalised parameters", call("s3.amazonaws.com", { Bucket: "data", Key: "a/b/c.json" })],
    [
      "S3 object, by listed resources",
      call(
        "s3.amazonaws.com",
        { bucketName: "data", key: "k/1.csv" },
        {
          resources: [
            { ARN: "arn:aws:s3:::data", type: "AWS::S3::Bucket" },
            { ARN: "arn:aws:s3:::data/k/1.csv", type: "AWS::S3::Object" },
          ],
        },
      ),
    ],
    ["SSM GetParameter", call("ssm.amazonaws.com", { name: "/app/db-password", withDecryption: true })],
    ["SSM GetParameters", call("ssm.amazonaws.com", { names: ["app/config-20261116", "b"] })],
    ["KMS alias", call("kms.amazonaws.com", { keyId: "alias/app" })],
    ["KMS key", call("kms.amazonaws.com", { keyId: "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0" })],
    [
      "log stream",
      call("logs.amazonaws.com", { logGroupName: "/ecs/web", logStreamName: "ecs/web/0f1e2d3c4b5a" }),
    ],
    [
      "ECR in another registry",
      call("ecr.amazonaws.com", { repositoryName: "base", registryId: "999988887777" }),
    ],
    ["ECS task", call("ecs.amazonaws.com", { cluster: "prod", task: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" })],
    [
      "ECS cluster",
      call("ecs.amazonaws.com", { cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod" }),
    ],
    ["EC2 instance", call("ec2.amazonaws.com", { instanceId: "i-0abc123def4567890" })],
    ["DynamoDB table", call("dynamodb.amazonaws.com", { tableName: "orders" })],
    [
      "SQS queue",
      call("sqs.amazonaws.com", { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs" }),
    ],
    ["SNS target", call("sns.amazonaws.com", { targetArn: "arn:aws:sns:eu-west-1:111122223333:alerts" })],
    [
      "another partition",
      call("s3.amazonaws.com", { bucketName: "data", key: "a/b" }, { awsRegion: "cn-north-1" }),
    ],
    ["no resource", call("sts.amazonaws.com", { durationSeconds: 900 })],
  ];

  it.each(cases)("give the resource file ingest gives: %s", (_, record) => {
    expect(athenaResource(record)).toBe(usageResource(primaryResource(record)));
  });

  it.skipIf(!datasetsPresent)(
    "give the resource file ingest gives, on every call of the shared datasets",
    () => {
      let checked = 0;
      for (const r of readDatasetRecords()) {
        if (!isCloudTrailRecord(r)) continue;
        checked++;
        expect(athenaResource(r), `${r.eventSource} ${r.eventName} ${r.eventID}`).toBe(
          usageResource(primaryResource(r)),
        );
      }
      expect(checked).toBeGreaterThan(1000);
    },
  );
});
