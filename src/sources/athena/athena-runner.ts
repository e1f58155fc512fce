import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
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

/**
 * Runs SELECTs on Athena, which has no waiters: StartQueryExecution, then GetQueryExecution polled with backoff until
 * SUCCEEDED, FAILED or CANCELLED (RUNNING may fall back to QUEUED after a transient error, so neither is terminal),
 * then GetQueryResults page by page, the header row dropped from the first page only. A timeout or an aborted
 * signal stops the query with StopQueryExecution, so no orphan keeps scanning (and billing).
 */
export function createAthenaRunner(options: AthenaRunnerOptions) {
  const clock = options.clock ?? systemClock;
  const pollInitialMs = options.pollInitialMs ?? 500;
  const pollMaxMs = options.pollMaxMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pageSize = options.pageSize ?? 1_000;
  const { client } = options;

  const stop = async (id: string) => {
    try {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // Best effort: the query may have finished meanwhile; the caller's error says what happened.
    }
  };

  async function waitFor(
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<{ execution: QueryExecution; polls: number }> {
    const started = clock.now();
    let delay = pollInitialMs;
    let polls = 0;
    for (;;) {
      if (signal?.aborted) {
        await stop(id);
        throw new AthenaQueryError("athena.query_cancelled", id, "cancelled by deniedby");
      }
      const { QueryExecution: execution } = await client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      polls++;
      const state = execution?.Status?.State;
      const reason = execution?.Status?.StateChangeReason ?? null;
      if (execution && state === "SUCCEEDED") return { execution, polls };
      if (state === "FAILED")
        throw new AthenaQueryError(
          "athena.query_failed",
          id,
          reason ?? execution?.Status?.AthenaError?.ErrorMessage ?? null,
          execution?.Status?.AthenaError?.ErrorCategory !== undefined
            ? `category ${execution.Status.AthenaError.ErrorCategory}, type ${execution.Status.AthenaError.ErrorType ?? "?"}`
            : null,
        );
      if (state === "CANCELLED") throw new AthenaQueryError("athena.query_cancelled", id, reason);
      const waited = clock.now() - started;
      if (waited >= timeoutMs) {
        await stop(id);
        throw new AthenaQueryError(
          "athena.query_timeout",
          id,
          `still ${state ?? "unknown"} after ${Math.round(waited / 1000)} s`,
        );
      }
      try {
        await clock.sleep(Math.min(delay, timeoutMs - waited), signal);
      } catch (error) {
        if (!isAbortError(error)) throw error;
      }
      delay = Math.min(pollMaxMs, delay * 2);
    }
  }

  /** Rows of one query, as they page in. The generator's return value holds the statistics. */
  async function* run(query: AthenaQuery): AsyncGenerator<AthenaRow, AthenaQueryStats> {
    if (query.signal?.aborted)
      throw new AthenaQueryError("athena.query_cancelled", null, "cancelled before start");
    const start = await client.send(
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
    const { execution, polls } = await waitFor(id, query.signal);
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
      const page = await client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: pageSize,
          ...(token !== undefined ? { NextToken: token } : {}),
        }),
      );
      const rows = page.ResultSet?.Rows ?? [];
      let first = 0;
      if (stats.pages === 0) {
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? c.Label ?? "");
        // SELECT results repeat the column names as the first row of the first page; DDL results do not.
        const head = rows[0]?.Data?.map((d) => d.VarCharValue ?? null);
        if (
          execution.StatementType === "DML" &&
          head !== undefined &&
          head.length === columns.length &&
          head.every((v, i) => v === columns[i])
        )
          first = 1;
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

  return { run };
}
export type AthenaRunner = ReturnType<typeof createAthenaRunner>;
