import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock.js";
import { addDays, dayOf } from "../../shared/time.js";
import {
  type Checkpoint,
  type LiveSource,
  type Place,
  readCheckpointAs,
  type SourceChunk,
  type SourceItem,
  type SourceUsage,
} from "../source.js";
import { type Queries, type QueryName, withTable } from "./athena-queries.js";
import { recordFromRow, usageFromRow } from "./athena-record.js";
import { AthenaQueryError, type AthenaRow, type AthenaRunner, sqlString } from "./athena-runner.js";

/** The `source` of stored denials and of the checkpoint (keyed `<database>.<table>`). */
export const ATHENA_SOURCE = "athena";

/** Every UTC event day up to and including `completeThrough` is ingested and closed (no more deliveries expected). */
export const AthenaCheckpoint = z.object({
  v: z.literal(1),
  completeThrough: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type AthenaCheckpoint = z.infer<typeof AthenaCheckpoint>;

export interface AthenaSourceOptions {
  runner: AthenaRunner;
  queries: Queries;
  database: string;
  table: string;
  clock?: Clock;
  /** Start at this instant's UTC day instead of the checkpoint. */
  since?: number;
  /** First run without a checkpoint: this many days before today. Default 7. */
  lookbackDays?: number;
  /** Event days per round of queries. Default 1: each round's results stay small and a failure loses little. */
  daysPerRound?: number;
  /**
   * A day is closed (the checkpoint may pass it) this long after it ends: CloudTrail delivers most files within
   * about 5 minutes, without a guarantee. Open days are re-read by the next run; that is idempotent.
   */
  closeAfterMs?: number;
  /** How often the server polls. Default an hour. */
  intervalMs?: number;
  onQuery?: (info: {
    name: QueryName;
    days: [string, string];
    rows: number;
    dataScannedBytes: number | null;
  }) => void;
}

export interface AthenaIngestResult {
  days: [string, string] | null;
  queries: number;
  rows: { denials: number; evidence: number; usage: number };
  usageDaysReplaced: number;
  completeThrough: string | null;
  dataScannedBytes: number;
}

/** The delivery-date partition value of the table: yyyy/MM/dd. */
const partition = (day: string) => day.replaceAll("-", "/");

export function checkpointKey(database: string, table: string): string {
  return `${database}.${table}`;
}

export function readAthenaCheckpoint(
  readCheckpoint: (source: string, key: string) => string | undefined,
  key: string,
): AthenaCheckpoint | null {
  return readCheckpointAs(readCheckpoint, ATHENA_SOURCE, key, AthenaCheckpoint);
}

/**
 * A CloudTrail table read by UTC event day. Per round of days: the denials and evidence queries stream full records
 * (the eventID ledger makes a re-run harmless), then the usage query's aggregates replace the days' usage rows, each
 * day with the checkpoint. Partitions are delivery dates, so each round reads one partition day more on each side
 * and filters on eventTime. The order matters: evidence events also count as usage when first stored, and the usage
 * replacement that follows overwrites those rows with Athena's totals, which include them, so the counts are the
 * same on the first run and on any re-run.
 */
export function athenaSource(options: AthenaSourceOptions): LiveSource<AthenaIngestResult> {
  const key = checkpointKey(options.database, options.table);
  return {
    name: ATHENA_SOURCE,
    labels: { source: ATHENA_SOURCE, region: "" },
    intervalMs: options.intervalMs ?? 3_600_000,
    read: ({ signal, progress }) =>
      readAthena(options, readAthenaCheckpoint(progress.readCheckpoint, key), signal),
  };
}

/** What one run decides up front: the days to read and which of them may move the checkpoint. */
function plan(options: AthenaSourceOptions, stored: AthenaCheckpoint | null) {
  const now = (options.clock ?? systemClock).now();
  const today = dayOf(now);
  const firstDay =
    options.since !== undefined
      ? dayOf(options.since)
      : stored
        ? addDays(stored.completeThrough, 1)
        : addDays(today, -(options.lookbackDays ?? 7));
  const closeAfterMs = options.closeAfterMs ?? 2 * 3_600_000;
  return {
    today,
    firstDay,
    // A --since after the stored progress would leave a gap behind a moved checkpoint: such a run stores no progress.
    contiguous: stored === null || firstDay <= addDays(stored.completeThrough, 1),
    closed: (day: string) => now >= Date.parse(`${addDays(day, 1)}T00:00:00Z`) + closeAfterMs,
    perRound: Math.max(1, options.daysPerRound ?? 1),
  };
}

async function* readAthena(
  options: AthenaSourceOptions,
  stored: AthenaCheckpoint | null,
  signal: AbortSignal,
): AsyncGenerator<SourceChunk, AthenaIngestResult> {
  const key = checkpointKey(options.database, options.table);
  const p = plan(options, stored);
  let completeThrough = stored?.completeThrough ?? null;
  const result: AthenaIngestResult = {
    days: p.firstDay <= p.today ? [p.firstDay, p.today] : null,
    queries: 0,
    rows: { denials: 0, evidence: 0, usage: 0 },
    usageDaysReplaced: 0,
    completeThrough,
    dataScannedBytes: 0,
  };
  const place: Place = { location: `${ATHENA_SOURCE}/${key}`, position: "" };
  const run = queryRunner(options, signal, result);
  /** The latest closed day of the round, if every day before it is done too. */
  const advance = (from: string, upTo: string) => {
    if (!p.contiguous) return completeThrough;
    let ct = completeThrough;
    for (let d = from; d <= upTo && p.closed(d); d = addDays(d, 1)) if (ct === null || d > ct) ct = d;
    return ct;
  };
  const checkpointFor = (ct: string | null): Checkpoint | null =>
    ct !== null && ct !== completeThrough
      ? {
          source: ATHENA_SOURCE,
          key,
          value: JSON.stringify({ v: 1, completeThrough: ct } satisfies AthenaCheckpoint),
        }
      : null;

  for (let from = p.firstDay; from <= p.today; from = addDays(from, p.perRound)) {
    const lastOfRound = addDays(from, p.perRound - 1);
    // biome-ignore lint/complexity/useMathMinMax: these are 'YYYY-MM-DD' strings, compared as text.
    const to = lastOfRound < p.today ? lastOfRound : p.today;
    for (const name of ["denials", "evidence"] as const) {
      for await (const rows of run(name, from, to)) {
        result.rows[name] += rows.length;
        yield rows.map(
          (row): SourceItem => ({
            kind: "value",
            value: recordFromRow(row),
            raw: null,
            place: { ...place, position: `${name} ${row.eventid ?? "?"}` },
          }),
        );
      }
      yield [{ kind: "commit" }];
    }
    const usage = yield* readUsage(run, from, to, place, result);
    for (const day of [...usage.keys()].sort()) {
      const ct = advance(from, day);
      yield [
        {
          kind: "usage-day",
          day,
          rows: usage.get(day) ?? [],
          checkpoint: checkpointFor(ct),
        },
      ];
      completeThrough = ct;
      result.usageDaysReplaced++;
    }
    const ct = advance(from, to);
    const checkpoint = checkpointFor(ct);
    if (checkpoint) yield [{ kind: "checkpoint", checkpoint }];
    completeThrough = ct;
    result.completeThrough = completeThrough;
  }
  return result;
}

/**
 * The usage query's rows of a round, by day (the pipeline folds and merges rows that share a usage key, as the
 * query groups by more than the key). Rows that lack what a usage row needs are rejected as they come.
 */
async function* readUsage(
  run: ReturnType<typeof queryRunner>,
  from: string,
  to: string,
  place: Place,
  result: AthenaIngestResult,
): AsyncGenerator<SourceChunk, Map<string, SourceUsage[]>> {
  const byDay = new Map<string, SourceUsage[]>();
  for await (const rows of run("usage-daily", from, to)) {
    const rejects: SourceItem[] = [];
    for (const row of rows) {
      result.rows.usage++;
      const u = usageFromRow(row);
      if (u === null || u.day < from || u.day > to) {
        rejects.push({
          kind: "reject",
          reason: "record.not_cloudtrail",
          detail: "usage row without day, principal, call or times",
          raw: JSON.stringify(row),
          place: { ...place, position: `usage row ${result.rows.usage}` },
        });
        continue;
      }
      const day = byDay.get(u.day);
      if (day) day.push(u);
      else byDay.set(u.day, [u]);
    }
    if (rejects.length > 0) yield rejects;
  }
  yield [{ kind: "commit" }];
  return byDay;
}

/** Runs one of the day-range queries and yields its rows a page at a time. */
function queryRunner(options: AthenaSourceOptions, signal: AbortSignal, result: AthenaIngestResult) {
  return async function* (name: QueryName, from: string, to: string): AsyncGenerator<AthenaRow[]> {
    const query = options.queries[name];
    const parameters = [
      sqlString(partition(addDays(from, -1))),
      sqlString(partition(addDays(to, 1))),
      sqlString(`${from}T00:00:00Z`),
      sqlString(`${addDays(to, 1)}T00:00:00Z`),
    ];
    if (parameters.length !== query.placeholders)
      throw new AthenaQueryError(
        "athena.bad_parameters",
        null,
        `${name}.sql has ${query.placeholders} placeholders, ${parameters.length} values given`,
      );
    result.queries++;
    const rows = options.runner.run({ sql: withTable(query, options.table), parameters, signal });
    let count = 0;
    let page: AthenaRow[] = [];
    for (;;) {
      const next = await rows.next();
      if (next.done) {
        if (page.length > 0) yield page;
        result.dataScannedBytes += next.value.dataScannedBytes ?? 0;
        options.onQuery?.({
          name,
          days: [from, to],
          rows: count,
          dataScannedBytes: next.value.dataScannedBytes,
        });
        return;
      }
      count++;
      page.push(next.value);
      if (page.length >= 1000) {
        yield page;
        page = [];
      }
    }
  };
}
