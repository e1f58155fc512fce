import { afterEach, describe, expect, it } from "vitest";
import { type FakeAthena, type FakeQueryPlan, startFakeAthena } from "../../../test/support/fake-athena.js";
import { createVirtualClock } from "../../../test/support/fake-cloudtrail.js";
import { createAthenaClient } from "./athena-client.js";
import {
  AthenaQueryError,
  type AthenaRow,
  type AthenaRunnerOptions,
  createAthenaRunner,
} from "./athena-runner.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let fake: FakeAthena | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function setup(plan: FakeQueryPlan, overrides: Partial<AthenaRunnerOptions> = {}) {
  const athena = await startFakeAthena(() => plan);
  fake = athena;
  const clock = createVirtualClock(Date.parse("2026-03-10T12:00:00Z"));
  const runner = createAthenaRunner({
    client: createAthenaClient({ region: "eu-west-1", endpoint: athena.url, credentials }),
    database: "trails",
    workGroup: "deniedby",
    outputLocation: "s3://results-bucket/deniedby/",
    clock,
    ...overrides,
  });
  return { athena, clock, runner };
}

async function collect(gen: AsyncGenerator<AthenaRow, unknown>): Promise<AthenaRow[]> {
  const rows: AthenaRow[] = [];
  for await (const row of gen) rows.push(row);
  return rows;
}

describe("Athena runner", () => {
  it("binds parameters, pages 1,000 rows at a time and drops the header row of the first page only", async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => [String(i), i % 7 === 0 ? null : `v${i}`, ""]);
    const { athena, runner } = await setup({ columns: ["n", "value", "empty"], rows });
    const got = await collect(
      runner.run({ sql: "SELECT n, value, empty FROM t WHERE d = ?", parameters: ["'2026/03/10'"] }),
    );

    expect(got).toHaveLength(2_500);
    expect(got[0]).toEqual({ n: "0", value: null, empty: "" });
    expect(got[1]).toEqual({ n: "1", value: "v1", empty: "" });
    expect(got.map((r) => Number(r.n))).toEqual(rows.map((_, i) => i));
    expect(athena.calls.filter((c) => c === "GetQueryResults")).toHaveLength(3);
    expect(athena.executions[0]?.input).toEqual({
      QueryString: "SELECT n, value, empty FROM t WHERE d = ?",
      ExecutionParameters: ["'2026/03/10'"],
      WorkGroup: "deniedby",
      QueryExecutionContext: { Database: "trails", Catalog: "AwsDataCatalog" },
      ResultConfiguration: { OutputLocation: "s3://results-bucket/deniedby/" },
      ClientRequestToken: expect.any(String),
    });
  });

  it("keeps polling with backoff when RUNNING falls back to QUEUED", async () => {
    const { athena, clock, runner } = await setup({
      states: ["QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED"],
      columns: ["a"],
      rows: [["1"]],
    });
    expect(await collect(runner.run({ sql: "SELECT 1 AS a", parameters: [] }))).toEqual([{ a: "1" }]);
    expect(athena.executions[0]?.polls).toBe(5);
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it("reports a failed query with Athena's StateChangeReason", async () => {
    const { runner } = await setup({
      states: ["RUNNING", "FAILED"],
      stateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    });
    const error = await collect(runner.run({ sql: "SELECT nope", parameters: [] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({
      code: "athena.query_failed",
      queryExecutionId: "q-1",
      stateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    });
    expect((error as Error).message).toContain("COLUMN_NOT_FOUND");
  });

  it("reports a query cancelled elsewhere", async () => {
    const { athena, runner } = await setup({
      states: ["RUNNING", "CANCELLED"],
      stateChangeReason: "Query cancelled by user",
    });
    const error = await collect(runner.run({ sql: "SELECT 1", parameters: [] })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "athena.query_cancelled",
      stateChangeReason: "Query cancelled by user",
    });
    expect(athena.calls).not.toContain("StopQueryExecution");
  });

  it("stops a query that outlives its timeout", async () => {
    const { athena, clock, runner } = await setup({ states: ["RUNNING"] }, { timeoutMs: 10_000 });
    const error = await collect(runner.run({ sql: "SELECT 1", parameters: [] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "athena.query_timeout", queryExecutionId: "q-1" });
    expect(athena.executions[0]?.stopped).toBe(true);
    expect(athena.calls.at(-1)).toBe("StopQueryExecution");
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it("stops the query when the caller aborts", async () => {
    const controller = new AbortController();
    const athena = await startFakeAthena(() => ({ states: ["QUEUED", "RUNNING"] }));
    fake = athena;
    const clock = createVirtualClock(0);
    const runner = createAthenaRunner({
      client: createAthenaClient({ region: "eu-west-1", endpoint: athena.url, credentials }),
      database: "trails",
      clock: {
        now: clock.now,
        sleep: async (ms, signal) => {
          if (clock.sleeps.length === 2) controller.abort();
          await clock.sleep(ms, signal);
        },
      },
    });
    const error = await collect(
      runner.run({ sql: "SELECT 1", parameters: [], signal: controller.signal }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "athena.query_cancelled", queryExecutionId: "q-1" });
    expect(athena.executions[0]?.stopped).toBe(true);
    expect(athena.executions[0]?.polls).toBe(3);
  });

  it("retries a throttled and a failed results page through the SDK's retry strategy", async () => {
    const { athena, runner } = await setup({ columns: ["a"], rows: [["1"], ["2"]] });
    athena.failNext("GetQueryResults", {
      kind: "error",
      status: 400,
      type: "ThrottlingException",
      message: "Rate exceeded",
    });
    athena.failNext("GetQueryResults", {
      kind: "error",
      status: 500,
      type: "InternalServerException",
      message: "boom",
    });
    expect(await collect(runner.run({ sql: "SELECT a", parameters: [] }))).toEqual([{ a: "1" }, { a: "2" }]);
    expect(athena.calls.filter((c) => c === "GetQueryResults")).toHaveLength(3);
  });

  it("finds the endpoint through AWS_ENDPOINT_URL_ATHENA", async () => {
    const athena = await startFakeAthena(() => ({ columns: ["a"], rows: [["x"]] }));
    fake = athena;
    const saved = process.env.AWS_ENDPOINT_URL_ATHENA;
    process.env.AWS_ENDPOINT_URL_ATHENA = athena.url;
    try {
      const runner = createAthenaRunner({
        client: createAthenaClient({ region: "eu-west-1", credentials }),
        database: "trails",
        clock: createVirtualClock(0),
      });
      expect(await collect(runner.run({ sql: "SELECT a", parameters: [] }))).toEqual([{ a: "x" }]);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ATHENA;
      else process.env.AWS_ENDPOINT_URL_ATHENA = saved;
    }
    expect(athena.executions).toHaveLength(1);
  });
});
