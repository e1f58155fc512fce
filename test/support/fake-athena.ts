import { type JsonCall, type JsonReply, type JsonServer, startJsonServer } from "./fake-cloudtrail.js";

export type QueryState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

/** How the fake plays one query: the states successive GetQueryExecution calls see (the last repeats), its result. */
export interface FakeQueryPlan {
  states?: QueryState[];
  stateChangeReason?: string;
  statementType?: "DML" | "DDL" | "UTILITY";
  columns?: string[];
  rows?: (string | null)[][];
  dataScannedBytes?: number;
}

export interface FakeExecution {
  id: string;
  input: {
    QueryString?: string;
    ExecutionParameters?: string[];
    WorkGroup?: string;
    QueryExecutionContext?: { Database?: string; Catalog?: string };
    ResultConfiguration?: { OutputLocation?: string };
  };
  plan: FakeQueryPlan;
  polls: number;
  stopped: boolean;
}

export interface FakeAthena extends JsonServer {
  executions: FakeExecution[];
  /** Every call in order, by operation name. */
  calls: string[];
  /** The next call of `operation` is answered with this error instead. */
  failNext(operation: string, reply: Extract<JsonReply, { kind: "error" }>): void;
}

/**
 * A local Athena speaking the JSON 1.1 protocol (target prefix AmazonAthena): StartQueryExecution,
 * GetQueryExecution (scripted state sequences, StateChangeReason), StopQueryExecution (the query turns CANCELLED),
 * and GetQueryResults paged by MaxResults (at most 1,000) with the header row first on the first page of a DML
 * result, NULL as a Datum without VarCharValue.
 */
export async function startFakeAthena(
  plan: (execution: FakeExecution["input"], n: number) => FakeQueryPlan,
): Promise<FakeAthena> {
  const executions: FakeExecution[] = [];
  const calls: string[] = [];
  const faults: { operation: string; reply: JsonReply }[] = [];
  const find = (input: Record<string, unknown>) => executions.find((e) => e.id === input.QueryExecutionId);
  const notFound: JsonReply = {
    kind: "error",
    status: 400,
    type: "InvalidRequestException",
    message: "no such query",
  };

  const handle = (call: JsonCall): JsonReply => {
    calls.push(call.operation);
    const fault = faults.findIndex((f) => f.operation === call.operation);
    if (fault !== -1) return faults.splice(fault, 1)[0]?.reply ?? notFound;
    switch (call.operation) {
      case "StartQueryExecution": {
        const input = call.input as FakeExecution["input"];
        if (!input.QueryString)
          return { kind: "error", status: 400, type: "InvalidRequestException", message: "QueryString" };
        const execution: FakeExecution = {
          id: `q-${executions.length + 1}`,
          input,
          plan: plan(input, executions.length + 1),
          polls: 0,
          stopped: false,
        };
        executions.push(execution);
        return { kind: "ok", body: { QueryExecutionId: execution.id } };
      }
      case "GetQueryExecution": {
        const e = find(call.input);
        if (!e) return notFound;
        const states = e.plan.states ?? ["RUNNING", "SUCCEEDED"];
        const state: QueryState = e.stopped
          ? "CANCELLED"
          : (states[Math.min(e.polls, states.length - 1)] ?? "SUCCEEDED");
        e.polls++;
        return {
          kind: "ok",
          body: {
            QueryExecution: {
              QueryExecutionId: e.id,
              Query: e.input.QueryString,
              StatementType: e.plan.statementType ?? "DML",
              Status: {
                State: state,
                ...(state === "FAILED" || state === "CANCELLED"
                  ? {
                      StateChangeReason: e.stopped
                        ? "Query cancelled by user"
                        : (e.plan.stateChangeReason ?? ""),
                    }
                  : {}),
                ...(state === "FAILED" ? { AthenaError: { ErrorCategory: 2, ErrorType: 1006 } } : {}),
              },
              Statistics: { DataScannedInBytes: e.plan.dataScannedBytes ?? 10_485_760 },
            },
          },
        };
      }
      case "StopQueryExecution": {
        const e = find(call.input);
        if (!e) return notFound;
        e.stopped = true;
        return { kind: "ok", body: {} };
      }
      case "GetQueryResults": {
        const e = find(call.input);
        if (!e) return notFound;
        const columns = e.plan.columns ?? [];
        const datum = (v: string | null) => (v === null ? {} : { VarCharValue: v });
        const all = [...((e.plan.statementType ?? "DML") === "DML" ? [columns] : []), ...(e.plan.rows ?? [])];
        const max = typeof call.input.MaxResults === "number" ? call.input.MaxResults : 1000;
        if (max > 1000)
          return { kind: "error", status: 400, type: "InvalidRequestException", message: "MaxResults" };
        const offset = typeof call.input.NextToken === "string" ? Number(call.input.NextToken) : 0;
        const page = all.slice(offset, offset + max);
        return {
          kind: "ok",
          body: {
            ResultSet: {
              Rows: page.map((r) => ({ Data: r.map(datum) })),
              ResultSetMetadata: {
                ColumnInfo: columns.map((name) => ({
                  Name: name,
                  Label: name,
                  Type: "varchar",
                  CatalogName: "hive",
                })),
              },
            },
            UpdateCount: 0,
            ...(offset + max < all.length ? { NextToken: String(offset + max) } : {}),
          },
        };
      }
      default:
        return { kind: "error", status: 400, type: "UnknownOperationException", message: call.operation };
    }
  };

  const server = await startJsonServer(["AmazonAthena"], handle);
  return {
    ...server,
    executions,
    calls,
    failNext(operation, reply) {
      faults.push({ operation, reply });
    },
  };
}
