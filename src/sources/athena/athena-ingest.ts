import { z } from "zod";
import type { AthenaUsageRepository, UsageAggregate } from "../../db/athena-usage.repository.js";
import type { IngestSession, Place } from "../../ingest/ingest-session.js";
import { type Clock, systemClock } from "../lookup-events/clock.js";
import { type Queries, type QueryName, withTable } from "./athena-queries.js";
import { mergeUsage, recordFromRow, usageFromRow, usageKey } from "./athena-record.js";
import { AthenaQueryError, type AthenaRunner, sqlString } from "./athena-runner.js";

/** The `source` of stored denials and of the checkpoint (keyed `<database>.<table>`). */
export const ATHENA_SOURCE = "athena";

/** Every UTC event day up to and including `completeThrough` is ingested and closed (no more deliveries expected). */
export const AthenaCheckpoint = z.object({
  v: z.literal(1),
  completeThrough: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type AthenaCheckpoint = z.infer<typeof AthenaCheckpoint>;

export interface AthenaIngestOptions {
  runner: AthenaRunner;
  queries: Queries;
  database: string;
  table: string;
  session: IngestSession;
  usage: AthenaUsageRepository;
  readCheckpoint: (source: string, key: string) => string | undefined;
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
  signal?: AbortSignal;
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

const DAY = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY);
/** The delivery-date partition value of the table: yyyy/MM/dd. */
const partition = (day: string) => day.replaceAll("-", "/");

export function checkpointKey(database: string, table: string): string {
  return `${database}.${table}`;
}

export function readAthenaCheckpoint(
  readCheckpoint: (source: string, key: string) => string | undefined,
  key: string,
): AthenaCheckpoint | null {
  const text = readCheckpoint(ATHENA_SOURCE, key);
  if (text === undefined) return null;
  try {
    const parsed = AthenaCheckpoint.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Ingests a CloudTrail table by UTC event day. Per round of days: the denials and evidence queries stream full
 * records into the session (the eventID ledger makes a re-run harmless), then the usage query's aggregates replace
 * the days' usage rows, each day in one transaction with the checkpoint. Partitions are delivery dates, so each
 * round reads one partition day more on each side and filters on eventTime. The order matters: evidence events
 * also count as usage when first stored, and the usage replacement that follows overwrites those rows with
 * Athena's totals, which include them, so the counts are the same on the first run and on any re-run.
 */
export async function ingestAthena(options: AthenaIngestOptions): Promise<AthenaIngestResult> {
  const { runner, queries, session, usage } = options;
  const clock = options.clock ?? systemClock;
  const key = checkpointKey(options.database, options.table);
  const stored = readAthenaCheckpoint(options.readCheckpoint, key);
  const now = clock.now();
  const today = dayOf(now);
  const firstDay =
    options.since !== undefined
      ? dayOf(options.since)
      : stored
        ? addDays(stored.completeThrough, 1)
        : addDays(today, -(options.lookbackDays ?? 7));
  // A --since after the stored progress would leave a gap behind a moved checkpoint: such a run stores no progress.
  const contiguous = stored === null || firstDay <= addDays(stored.completeThrough, 1);
  let completeThrough = stored?.completeThrough ?? null;
  const closeAfterMs = options.closeAfterMs ?? 2 * 3_600_000;
  const closed = (day: string) => now >= Date.parse(`${addDays(day, 1)}T00:00:00Z`) + closeAfterMs;
  const result: AthenaIngestResult = {
    days: firstDay <= today ? [firstDay, today] : null,
    queries: 0,
    rows: { denials: 0, evidence: 0, usage: 0 },
    usageDaysReplaced: 0,
    completeThrough,
    dataScannedBytes: 0,
  };
  const place: Place = { location: `${ATHENA_SOURCE}/${key}`, position: "" };
  const perRound = Math.max(1, options.daysPerRound ?? 1);

  const run = async function* (name: QueryName, from: string, to: string) {
    const query = queries[name];
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
    const rows = runner.run({
      sql: withTable(query, options.table),
      parameters,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let count = 0;
    for (;;) {
      const next = await rows.next();
      if (next.done) {
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
      yield next.value;
    }
  };

  /** The latest closed day of the round, if every day before it is done too. */
  const advance = (from: string, upTo: string) => {
    if (!contiguous) return completeThrough;
    let ct = completeThrough;
    for (let d = from; d <= upTo && closed(d); d = addDays(d, 1)) if (ct === null || d > ct) ct = d;
    return ct;
  };
  const checkpointFor = (ct: string | null) =>
    ct !== null && ct !== completeThrough
      ? {
          source: ATHENA_SOURCE,
          key,
          value: JSON.stringify({ v: 1, completeThrough: ct } satisfies AthenaCheckpoint),
        }
      : undefined;

  for (let from = firstDay; from <= today; from = addDays(from, perRound)) {
    const lastOfRound = addDays(from, perRound - 1);
    // biome-ignore lint/complexity/useMathMinMax: these are 'YYYY-MM-DD' strings, compared as text.
    const to = lastOfRound < today ? lastOfRound : today;
    for (const name of ["denials", "evidence"] as const) {
      for await (const row of run(name, from, to)) {
        result.rows[name]++;
        session.acceptValue(recordFromRow(row), null, {
          ...place,
          position: `${name} ${row.eventid ?? "?"}`,
        });
      }
      session.flush();
    }
    const byDay = new Map<string, Map<string, UsageAggregate>>();
    for await (const row of run("usage-daily", from, to)) {
      result.rows.usage++;
      const u = usageFromRow(row);
      if (u === null || u.day < from || u.day > to) {
        session.reject(
          "record.not_cloudtrail",
          "usage row without day, principal, call or times",
          JSON.stringify(row),
          {
            ...place,
            position: `usage row ${result.rows.usage}`,
          },
        );
        continue;
      }
      let day = byDay.get(u.day);
      if (!day) {
        day = new Map();
        byDay.set(u.day, day);
      }
      const k = usageKey(u);
      const prior = day.get(k);
      day.set(k, prior ? mergeUsage(prior, u) : u);
    }
    session.flush();
    for (const day of [...byDay.keys()].sort()) {
      const ct = advance(from, day);
      const checkpoint = checkpointFor(ct);
      usage.replaceDay({
        day,
        rows: [...(byDay.get(day)?.values() ?? [])],
        ...(checkpoint ? { checkpoint } : {}),
      });
      completeThrough = ct;
      result.usageDaysReplaced++;
    }
    const ct = advance(from, to);
    const checkpoint = checkpointFor(ct);
    if (checkpoint) usage.saveCheckpoint(checkpoint);
    completeThrough = ct;
    result.completeThrough = completeThrough;
  }
  return result;
}
