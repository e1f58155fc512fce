import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { type Clock, isAbortError, systemClock } from "../../shared/clock.js";
import { DomainError } from "../../shared/errors.js";

export const athenaErrorCodes = {
  "athena.query_failed": "the query failed",
  "athena.query_cancelled": "the query was cancelled",
  "athena.query_timeout": "the query ran past its time limit and was stopped",
  "athena.bad_parameters": "the query's parameters do not match its placeholders",
} as const;
export type AthenaErrorCode = keyof typeof athenaErrorCodes;

/** A query that did not produce results, with Athena's own explanation (`StateChangeReason`) when it gave one. */
export class AthenaQueryError extends DomainError {
  declare readonly code: AthenaErrorCode;
  constructor(
    code: AthenaErrorCode,
    readonly queryExecutionId: string | null,
    readonly stateChangeReason: string | null,
    readonly errorType: string | null = null,
  ) {
    super(
      code,
      `${athenaErrorCodes[code]}${queryExecutionId ? ` (${queryExecutionId})` : ""}` +
        `${stateChangeReason ? `: ${stateChangeReason}` : ""}`,
    );
  }
}

/** One result row by column name; SQL NULL is null (Athena sends no VarCharValue), '' stays ''. */
export type AthenaRow = Record<string, string | null>;

export interface AthenaRunnerOptions {
  client: AthenaClient;
  database: string;
  catalog?: string;
  workGroup?: string;
  /** s3://… for results; may be omitted when the workgroup enforces its own. */
  outputLocation?: string;
  clock?: Clock;
  /** First GetQueryExecution poll after this, then ×2 up to `pollMaxMs`. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** From StartQueryExecution to a terminal state; past it the query is stopped. Default 30 min. */
  timeoutMs?: number;
  /** GetQueryResults page size: Athena's maximum is 1,000. */
  pageSize?: number;
}

export interface AthenaQuery {
  sql: string;
  /** Bound to the `?` placeholders in order, through ExecutionParameters; never spliced into the SQL here. */
  parameters: string[];
  signal?: AbortSignal;
}

export interface AthenaQueryStats {
  queryExecutionId: string;
  rows: number;
  pages: number;
  dataScannedBytes: number | null;
  polls: number;
}

/**
 * ExecutionParameters are substituted as SQL literals: a string parameter carries its own quotes.
 * (Athena "Querying with parameterized queries".)
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** What one runner's calls share. */
interface RunnerContext {
  options: AthenaRunnerOptions;
  client: AthenaClient;
  clock: Clock;
  pollInitialMs: number;
  pollMaxMs: number;
  timeoutMs: number;
  pageSize: number;
}

async function stopQuery(client: AthenaClient, id: string): Promise<void> {
  try {
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
  } catch {
    // Best effort: the query may have finished meanwhile; the caller's error says what happened.
  }
}

function failure(id: string, execution: QueryExecution | undefined): AthenaQueryError {
  const reason = execution?.Status?.StateChangeReason ?? null;
  const athenaError = execution?.Status?.AthenaError;
  return new AthenaQueryError(
    "athena.query_failed",
    id,
    reason ?? athenaError?.ErrorMessage ?? null,
    athenaError?.ErrorCategory !== undefined
      ? `category ${athenaError.ErrorCategory}, type ${athenaError.ErrorType ?? "?"}`
      : null,
  );
}

/** Polls GetQueryExecution with backoff until a terminal state, the time limit or the signal. */
async function waitFor(
  ctx: RunnerContext,
  id: string,
  signal: AbortSignal | undefined,
): Promise<{ execution: QueryExecution; polls: number }> {
  const { client, clock } = ctx;
  const started = clock.now();
  let delay = ctx.pollInitialMs;
  let polls = 0;
  for (;;) {
    if (signal?.aborted) {
      await stopQuery(client, id);
      throw new AthenaQueryError("athena.query_cancelled", id, "cancelled by deniedby");
    }
    const { QueryExecution: execution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: id }),
    );
    polls++;
    const state = execution?.Status?.State;
    if (execution && state === "SUCCEEDED") return { execution, polls };
    if (state === "FAILED") throw failure(id, execution);
    if (state === "CANCELLED")
      throw new AthenaQueryError("athena.query_cancelled", id, execution?.Status?.StateChangeReason ?? null);
    const waited = clock.now() - started;
    if (waited >= ctx.timeoutMs) {
      await stopQuery(client, id);
      throw new AthenaQueryError(
        "athena.query_timeout",
        id,
        `still ${state ?? "unknown"} after ${Math.round(waited / 1000)} s`,
      );
    }
    try {
      await clock.sleep(Math.min(delay, ctx.timeoutMs - waited), signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
    }
    delay = Math.min(ctx.pollMaxMs, delay * 2);
  }
}

async function startQuery(ctx: RunnerContext, query: AthenaQuery): Promise<string> {
  const { options } = ctx;
  const start = await ctx.client.send(
    new StartQueryExecutionCommand({
      QueryString: query.sql,
      QueryExecutionContext: { Database: options.database, Catalog: options.catalog ?? "AwsDataCatalog" },
      ...(options.workGroup !== undefined ? { WorkGroup: options.workGroup } : {}),
      ...(options.outputLocation !== undefined
        ? { ResultConfiguration: { OutputLocation: options.outputLocation } }
        : {}),
      ...(query.parameters.length > 0 ? { ExecutionParameters: query.parameters } : {}),
    }),
  );
  const id = start.QueryExecutionId;
  if (!id) throw new AthenaQueryError("athena.query_failed", null, "StartQueryExecution returned no id");
  return id;
}

/** SELECT results repeat the column names as the first row of the first page; DDL results do not. */
function headerRows(execution: QueryExecution, columns: string[], rows: Row[]): number {
  const head = rows[0]?.Data?.map((d) => d.VarCharValue ?? null);
  return execution.StatementType === "DML" &&
    head !== undefined &&
    head.length === columns.length &&
    head.every((v, i) => v === columns[i])
    ? 1
    : 0;
}

/** Rows of one query, as they page in. The generator's return value holds the statistics. */
async function* runQuery(
  ctx: RunnerContext,
  query: AthenaQuery,
): AsyncGenerator<AthenaRow, AthenaQueryStats> {
  if (query.signal?.aborted)
    throw new AthenaQueryError("athena.query_cancelled", null, "cancelled before start");
  const id = await startQuery(ctx, query);
  const { execution, polls } = await waitFor(ctx, id, query.signal);
  const stats: AthenaQueryStats = {
    queryExecutionId: id,
    rows: 0,
    pages: 0,
    dataScannedBytes: execution.Statistics?.DataScannedInBytes ?? null,
    polls,
  };
  let token: string | undefined;
  let columns: string[] = [];
  do {
    if (query.signal?.aborted)
      throw new AthenaQueryError("athena.query_cancelled", id, "cancelled while reading");
    const page = await ctx.client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: id,
        MaxResults: ctx.pageSize,
        ...(token !== undefined ? { NextToken: token } : {}),
      }),
    );
    const rows = page.ResultSet?.Rows ?? [];
    let first = 0;
    if (stats.pages === 0) {
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? c.Label ?? "");
      first = headerRows(execution, columns, rows);
    }
    stats.pages++;
    for (let r = first; r < rows.length; r++) {
      const data = rows[r]?.Data ?? [];
      const row: AthenaRow = {};
      columns.forEach((name, i) => {
        row[name] = data[i]?.VarCharValue ?? null;
      });
      stats.rows++;
      yield row;
    }
    token = page.NextToken;
  } while (token);
  return stats;
}

/**
 * Runs SELECTs on Athena, which has no waiters: StartQueryExecution, then GetQueryExecution polled with backoff until
 * SUCCEEDED, FAILED or CANCELLED (RUNNING may fall back to QUEUED after a transient error, so neither is terminal),
 * then GetQueryResults page by page, the header row dropped from the first page only. A timeout or an aborted
 * signal stops the query with StopQueryExecution, so no orphan keeps scanning (and billing).
 */
export function createAthenaRunner(options: AthenaRunnerOptions) {
  const ctx: RunnerContext = {
    options,
    client: options.client,
    clock: options.clock ?? systemClock,
    pollInitialMs: options.pollInitialMs ?? 500,
    pollMaxMs: options.pollMaxMs ?? 5_000,
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
    pageSize: options.pageSize ?? 1_000,
  };
  return {
    /** Rows of one query, as they page in. The generator's return value holds the statistics. */
    run: (query: AthenaQuery) => runQuery(ctx, query),
  };
}
export type AthenaRunner = ReturnType<typeof createAthenaRunner>;
