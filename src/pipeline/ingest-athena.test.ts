import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeAthena, type FakeQueryPlan, startFakeAthena } from "../../test/support/fake-athena.js";
import { createVirtualClock } from "../../test/support/fake-cloudtrail.js";
import { type Db, openDb } from "../db/client.js";
import type { IngestWriter } from "../db/ingest.repository.js";
import { createStore, type Store } from "../db/store.js";
import {
  type AthenaSourceOptions,
  athenaSource,
  readAthenaCheckpoint,
} from "../sources/athena/athena.source.js";
import { createAthenaClient } from "../sources/athena/athena-client.js";
import { loadQueries, withTable } from "../sources/athena/athena-queries.js";
import { createAthenaRunner } from "../sources/athena/athena-runner.js";
import { ingestSource } from "./ingest-session.js";

const queries = loadQueries();
const TABLE = "cloudtrail_logs";
const RECORD_COLUMNS = [
  "eventid",
  "eventtime",
  "eventversion",
  "eventsource",
  "eventname",
  "awsregion",
  "sourceipaddress",
  "useragent",
  "errorcode",
  "errormessage",
  "requestparameters",
  "responseelements",
  "additionaleventdata",
  "requestid",
  "readonly",
  "eventtype",
  "apiversion",
  "recipientaccountid",
  "serviceeventdetails",
  "sharedeventid",
  "vpcendpointid",
  "eventcategory",
  "ui_type",
  "ui_principalid",
  "ui_arn",
  "ui_accountid",
  "ui_invokedby",
  "ui_accesskeyid",
  "ui_username",
  "sc_mfaauthenticated",
  "sc_creationdate",
  "si_type",
  "si_principalid",
  "si_arn",
  "si_accountid",
  "si_username",
  "sc_ec2roledelivery",
  "sc_federatedprovider",
  "resources_json",
];
const USAGE_COLUMNS = [
  "day",
  "principal_arn",
  "principal_type",
  "role_arn",
  "account_id",
  "event_source",
  "event_name",
  "region",
  "resource_account",
  "rp_bucket_name",
  "rp_key",
  "rp_name",
  "calls",
  "errors",
  "first_seen",
  "last_seen",
  "user_agents",
];
const ROLE = "arn:aws:iam::111122223333:role/app";

function recordRow(v: Record<string, string>): (string | null)[] {
  return RECORD_COLUMNS.map((c) => v[c] ?? null);
}
function usageRow(v: Record<string, string>): (string | null)[] {
  return USAGE_COLUMNS.map((c) => v[c] ?? null);
}

const denial = recordRow({
  eventid: "11111111-1111-4111-8111-111111111111",
  eventtime: "2026-03-09T10:00:00Z",
  eventversion: "1.09",
  eventsource: "s3.amazonaws.com",
  eventname: "GetObject",
  awsregion: "eu-west-1",
  errorcode: "AccessDenied",
  errormessage:
    "User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: s3:GetObject",
  requestparameters: '{"bucketName":"data","key":"reports/2026/x.csv","Host":"data.s3.amazonaws.com"}',
  readonly: "true",
  recipientaccountid: "111122223333",
  ui_type: "AssumedRole",
  ui_arn: "arn:aws:sts::111122223333:assumed-role/app/s",
  ui_accountid: "111122223333",
  si_type: "Role",
  si_arn: ROLE,
  resources_json:
    '[{"arn":"arn:aws:s3:::data/reports/2026/x.csv","accountid":null,"type":"AWS::S3::Object"},["arn:aws:s3:::data","111122223333","AWS::S3::Bucket"]]',
});
const evidence = recordRow({
  eventid: "22222222-2222-4222-8222-222222222222",
  eventtime: "2026-03-09T11:00:00Z",
  eventsource: "ecs.amazonaws.com",
  eventname: "RegisterTaskDefinition",
  awsregion: "eu-west-1",
  requestparameters: '{"family":"web","taskRoleArn":"arn:aws:iam::111122223333:role/web-task"}',
  recipientaccountid: "111122223333",
  ui_type: "AssumedRole",
  ui_arn: "arn:aws:sts::111122223333:assumed-role/app/s",
  ui_accountid: "111122223333",
  si_type: "Role",
  si_arn: ROLE,
});
/** The columns every usage row below shares: one role's day in one account and region. */
const roleDay = {
  day: "2026-03-09",
  principal_arn: ROLE,
  principal_type: "AssumedRole",
  role_arn: ROLE,
  account_id: "111122223333",
  region: "eu-west-1",
  resource_account: "111122223333",
};
const usage = [
  usageRow({
    ...roleDay,
    event_source: "ecs.amazonaws.com",
    event_name: "RegisterTaskDefinition",
    calls: "1",
    errors: "0",
    first_seen: "2026-03-09T11:00:00Z",
    last_seen: "2026-03-09T11:00:00Z",
    user_agents: '["aws-cli/2"]',
  }),
  usageRow({
    ...roleDay,
    event_source: "s3.amazonaws.com",
    event_name: "GetObject",
    // As the query rewrites a key: its folder and a stand-in name, which folds as the real one does.
    rp_bucket_name: "data",
    rp_key: "reports/_",
    calls: "40",
    errors: "2",
    first_seen: "2026-03-09T00:01:00Z",
    last_seen: "2026-03-09T23:59:00Z",
    user_agents: '["b","a"]',
  }),
  usageRow({
    ...roleDay,
    event_source: "ssm.amazonaws.com",
    event_name: "GetParameter",
    rp_name: "/app/db-password",
    calls: "3",
    errors: "0",
    first_seen: "2026-03-09T08:00:00Z",
    last_seen: "2026-03-09T09:00:00Z",
    user_agents: "[]",
  }),
];

let athena: FakeAthena;
let db: Db;
let store: Store;
let writer: IngestWriter;
let plans: Record<"denials" | "evidence" | "usage-daily", FakeQueryPlan>;

beforeEach(async () => {
  plans = {
    denials: { columns: RECORD_COLUMNS, rows: [denial] },
    evidence: { columns: RECORD_COLUMNS, rows: [evidence] },
    "usage-daily": { columns: USAGE_COLUMNS, rows: usage },
  };
  athena = await startFakeAthena((input) => {
    const name = (["denials", "evidence", "usage-daily"] as const).find(
      (n) => withTable(queries[n], TABLE) === input.QueryString,
    );
    if (!name) throw new Error(`unexpected query ${input.QueryString?.slice(0, 40)}`);
    // The scripted rows all happened on 9 March: a round for another day finds nothing.
    const plan = plans[name];
    const day9 = input.ExecutionParameters?.[2] === "'2026-03-09T00:00:00Z'";
    return day9 || plan.states ? plan : { columns: plan.columns ?? [], rows: [] };
  });
  db = openDb({ path: ":memory:" });
  store = createStore(db);
  writer = store.ingest;
});

afterEach(async () => {
  await athena.close();
  db.$client.close();
});

/** One read of the table's source through the pipeline's ingest session, as `deniedby ingest` runs it. */
async function ingest(now: string, overrides: Partial<AthenaSourceOptions> = {}) {
  const clock = createVirtualClock(Date.parse(now));
  const source = athenaSource({
    runner: createAthenaRunner({
      client: createAthenaClient({
        region: "eu-west-1",
        endpoint: athena.url,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      }),
      database: "trails",
      workGroup: "primary",
      clock,
    }),
    queries,
    database: "trails",
    table: TABLE,
    clock,
    lookbackDays: 1,
    ...overrides,
  });
  return ingestSource(store, source);
}

const usageRows = () =>
  db.$client
    .prepare(
      "SELECT day, principal_arn, account_id, event_source, event_name, resource, calls, errors, user_agents FROM usage_daily ORDER BY event_source, principal_arn",
    )
    .all();

describe("the Athena source", () => {
  it("stores denials and evidence as full records and usage as aggregates, with widened partitions", async () => {
    // 10 March 03:00: 9 March is closed (ended more than 2 h ago), 10 March is still open.
    const { result, summary } = await ingest("2026-03-10T03:00:00Z");

    expect(result.days).toEqual(["2026-03-09", "2026-03-10"]);
    expect(summary.stored).toMatchObject({ denials: 1, evidence: 1 });
    expect(summary.rejected.total).toBe(0);
    expect(result.queries).toBe(6);
    expect(athena.executions.slice(0, 3).map((e) => e.input.ExecutionParameters)).toEqual([
      ["'2026/03/08'", "'2026/03/10'", "'2026-03-09T00:00:00Z'", "'2026-03-10T00:00:00Z'"],
      ["'2026/03/08'", "'2026/03/10'", "'2026-03-09T00:00:00Z'", "'2026-03-10T00:00:00Z'"],
      ["'2026/03/08'", "'2026/03/10'", "'2026-03-09T00:00:00Z'", "'2026-03-10T00:00:00Z'"],
    ]);
    const stored = db.$client
      .prepare("SELECT role_arn, error_code, raw FROM denials JOIN denial_raw USING (event_id)")
      .get() as {
      role_arn: string;
      raw: string;
    };
    expect(stored.role_arn).toBe(ROLE);
    const raw = JSON.parse(stored.raw) as Record<string, unknown>;
    expect(raw).toMatchObject({
      eventID: "11111111-1111-4111-8111-111111111111",
      readOnly: true,
      requestParameters: { bucketName: "data", key: "reports/2026/x.csv" },
      resources: [
        { ARN: "arn:aws:s3:::data/reports/2026/x.csv", type: "AWS::S3::Object" },
        { ARN: "arn:aws:s3:::data", accountId: "111122223333", type: "AWS::S3::Bucket" },
      ],
      userIdentity: { type: "AssumedRole", sessionContext: { sessionIssuer: { type: "Role", arn: ROLE } } },
    });
    // Nulls are absent, not null.
    expect(raw).not.toHaveProperty("vpcEndpointId");
    expect(raw).not.toHaveProperty("resources.0.accountId");
    expect(usageRows()).toEqual([
      expect.objectContaining({ event_name: "RegisterTaskDefinition", calls: 1, errors: 0 }),
      expect.objectContaining({
        event_name: "GetObject",
        resource: "arn:aws:s3:::data/reports/*",
        calls: 40,
        errors: 2,
        user_agents: '["a","b"]',
      }),
      // The resource is built from the call's parameters as for files: GetParameter's `name`.
      expect.objectContaining({
        event_name: "GetParameter",
        resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/app/db-password",
        calls: 3,
      }),
    ]);
    expect(readAthenaCheckpoint(writer.readCheckpoint, "trails.cloudtrail_logs")).toEqual({
      v: 1,
      completeThrough: "2026-03-09",
    });
  });

  it("re-running a window replaces the usage rows instead of adding to them", async () => {
    await ingest("2026-03-10T03:00:00Z");
    const first = usageRows();
    const { summary } = await ingest("2026-03-10T03:00:00Z", { since: Date.parse("2026-03-09T00:00:00Z") });

    expect(summary.duplicates).toBe(2);
    expect(usageRows()).toEqual(first);
    expect(db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual({ n: 1 });
  });

  it("leaves other accounts' usage of the same day alone", async () => {
    db.$client
      .prepare(
        `INSERT INTO usage_daily (day, principal_arn, principal_type, role_arn, account_id, event_source, event_name,
          resource, calls, errors, first_seen, last_seen, user_agents) VALUES ('2026-03-09', 'arn:aws:iam::999999999999:role/other', 'AssumedRole', NULL,
          '999999999999', 'sqs.amazonaws.com', 'SendMessage', '', 7, 0, 0, 0, '[]')`,
      )
      .run();
    await ingest("2026-03-10T03:00:00Z");
    expect(usageRows()).toContainEqual(expect.objectContaining({ account_id: "999999999999", calls: 7 }));
  });

  it("resumes after the checkpoint: closed days are not queried again", async () => {
    await ingest("2026-03-10T03:00:00Z");
    const before = athena.executions.length;
    plans["usage-daily"] = { columns: USAGE_COLUMNS, rows: [] };
    const { result } = await ingest("2026-03-11T05:00:00Z");

    expect(result.days).toEqual(["2026-03-10", "2026-03-11"]);
    const firstParams = athena.executions[before]?.input.ExecutionParameters;
    expect(firstParams?.[2]).toBe("'2026-03-10T00:00:00Z'");
    expect(readAthenaCheckpoint(writer.readCheckpoint, "trails.cloudtrail_logs")?.completeThrough).toBe(
      "2026-03-10",
    );
  });

  it("does not advance the checkpoint when a query fails, and carries Athena's reason", async () => {
    plans.evidence = { states: ["RUNNING", "FAILED"], stateChangeReason: "HIVE_BAD_DATA: malformed JSON" };
    const error = await ingest("2026-03-10T03:00:00Z").catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: "athena.query_failed",
      stateChangeReason: "HIVE_BAD_DATA: malformed JSON",
    });
    expect(readAthenaCheckpoint(writer.readCheckpoint, "trails.cloudtrail_logs")).toBeNull();
    // The denials that were read are kept; a re-run finds them in the ledger.
    expect(db.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual({ n: 1 });
  });
});
