import { createHash } from "node:crypto";
import type { NormalisedEvent } from "../cloudtrail/normalise.js";
import type { Checkpoint, CredentialRequest, FileMark } from "../sources/source.js";
import type { Db } from "./client.js";
import { eventKey } from "./event-key.js";
import { EXAMPLES_SOURCE } from "./examples.repository.js";
import { Aggregates, type FoldedEvents, foldedKey, mergeAgents, type UsageAggregate } from "./usage-fold.js";

export type { UsageAggregate } from "./usage-fold.js";

/** An event ready to store, with the record's JSON text (kept for denials and evidence). */
export interface StoredEvent {
  event: NormalisedEvent;
  raw: string;
}

export interface QuarantineEntry {
  source: string;
  location: string;
  position: string;
  /** A stable dotted code (json.invalid, record.missing_event_id, …). */
  reason: string;
  detail: string;
  raw: string;
  /** How many identical rejects (same input, reason and detail) the row stands for. */
  count: number;
  /** How many records the rejected text spans; null when that cannot be told. */
  records: number | null;
}

/** A request an ECS agent logged, with the line it came from and how many identical lines came before it. */
export interface LoggedCredentialRequest {
  request: CredentialRequest;
  raw: string;
  occurrence: number;
}

/**
 * A piece of a file as decode workers hand it over (src/pipeline/file-decode.ts): denials and evidence as events,
 * usage events folded into rows, and where each stored event stood among the folded ones, so that the ledger sees
 * every event in the order of the file.
 */
export interface DecodedEvents {
  stored: StoredEvent[];
  /** stored[j] came just before folded event storedAt[j] (folded.count: after them all). */
  storedAt: number[];
  folded: FoldedEvents;
}

/** Everything one transaction commits: events, rejects, and the progress marks that must move with them. */
export interface Batch {
  source: string;
  events: StoredEvent[];
  /** Events decoded and folded ahead (by a decode worker, or the same code on this thread). */
  decoded: DecodedEvents[];
  credentialRequests: LoggedCredentialRequest[];
  rejections: QuarantineEntry[];
  filesDone: FileMark[];
  checkpoints: Checkpoint[];
}

export interface BatchResult {
  credentialRequests: number;
  denials: number;
  evidence: number;
  usage: number;
  duplicates: number;
  quarantined: number;
}

/** The INSERT of one usage_daily row; its values in the order `usageValues` gives. */
export const INSERT_USAGE = `INSERT INTO usage_daily (day, principal_arn, principal_type, role_arn, account_id,
  event_source, event_name, resource, calls, errors, first_seen, last_seen, user_agents)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function usageValues(u: UsageAggregate): (string | number | null)[] {
  return [
    u.day,
    u.principalArn,
    u.principalType,
    u.roleArn,
    u.accountId,
    u.eventSource,
    u.eventName,
    u.resource,
    u.calls,
    u.errors,
    u.firstSeen,
    u.lastSeen,
    JSON.stringify(u.userAgents),
  ];
}

/** The ingest statements of one connection, prepared once. */
function ingestStatements(sqlite: Db["$client"]) {
  sqlite.function("deniedby_merge_agents", { deterministic: true }, (a: unknown, b: unknown) =>
    mergeAgents(String(a), String(b)),
  );
  return {
    markSeen: sqlite.prepare("INSERT OR IGNORE INTO ingested_events (event_key, examples) VALUES (?, ?)"),
    insertDenial: sqlite.prepare(
      `INSERT OR IGNORE INTO denials (event_id, event_time, account_id, region, event_source, event_name,
         error_code, error_message, principal_type, principal_arn, role_arn, session_name, user_agent, source_ip,
         source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The raw record lives apart from the denial row (see denialRaw in schema.ts), written only with a new denial.
    insertDenialRaw: sqlite.prepare("INSERT INTO denial_raw (event_id, raw) VALUES (?, ?)"),
    insertEvidence: sqlite.prepare(
      `INSERT OR IGNORE INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name,
         principal_arn, role_arn, source, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The examples' calls are folded apart from real ones (usage_daily in schema.ts): the flag is part of the key.
    upsertUsage: sqlite.prepare(
      `INSERT INTO usage_daily (day, principal_arn, principal_type, role_arn, account_id, event_source, event_name,
         resource, calls, errors, first_seen, last_seen, user_agents, examples)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, principal_arn, event_source, event_name, resource, examples) DO UPDATE SET
         calls = calls + excluded.calls, errors = errors + excluded.errors,
         first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
         user_agents = CASE WHEN user_agents = excluded.user_agents THEN user_agents
           ELSE deniedby_merge_agents(user_agents, excluded.user_agents) END`,
    ),
    upsertSession: sqlite.prepare(
      `INSERT INTO role_sessions (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by,
         sample_session, calls, first_seen, last_seen, examples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by, examples) DO UPDATE SET
         sample_session = min(sample_session, excluded.sample_session), calls = calls + excluded.calls,
         first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
    ),
    // A folded row's count is its run's running total: the larger count wins, so a re-run changes nothing.
    upsertQuarantine: sqlite.prepare(
      `INSERT INTO quarantine (source, location, position, reason, detail, raw, count, records)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, location, position, reason) DO UPDATE SET count = max(count, excluded.count)
       WHERE excluded.count > count`,
    ),
    upsertFile: sqlite.prepare(
      `INSERT INTO source_files (path, size, mtime_ms, records, etag) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
         records = excluded.records, etag = excluded.etag`,
    ),
    upsertCheckpoint: sqlite.prepare(
      `INSERT INTO source_checkpoints (source, key, value) VALUES (?, ?, ?)
       ON CONFLICT (source, key) DO UPDATE SET value = excluded.value`,
    ),
    insertCredentialRequest: sqlite.prepare(
      `INSERT OR IGNORE INTO ecs_credential_requests (request_key, time, status, caller_address, uri, caller_agent,
         task_arn, task_id, role_type, cluster, container_instance_arn, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectFile: sqlite.prepare("SELECT size, mtime_ms AS mtimeMs FROM source_files WHERE path = ?"),
    selectObjectTag: sqlite.prepare("SELECT etag FROM source_files WHERE path = ?").pluck(),
    selectAny: sqlite.prepare("SELECT 1 FROM ingested_events LIMIT 1").pluck(),
    selectCheckpoint: sqlite.prepare("SELECT value FROM source_checkpoints WHERE source = ? AND key = ?"),
  };
}
type IngestStatements = ReturnType<typeof ingestStatements>;

/** 1 when the batch is the bundled example trail's: its ledger keys and aggregates carry the flag. */
const fromExamples = (batch: Batch): number => (batch.source === EXAMPLES_SOURCE ? 1 : 0);

/** One batch being written: its statements, input, counts and the aggregates it folds. */
interface BatchWrite {
  s: IngestStatements;
  batch: Batch;
  result: BatchResult;
  aggregates: Aggregates;
}

/** Stores a new event (denials and evidence in full), folding usage and sessions into the batch's aggregates. */
function storeEvent({ s, batch, result, aggregates }: BatchWrite, e: NormalisedEvent, raw: string): void {
  if (s.markSeen.run(eventKey(e.eventId, e.eventTime), fromExamples(batch)).changes === 0) {
    result.duplicates++;
    return;
  }
  const p = e.principal;
  if (e.class === "denial") {
    aggregates.addEvent(e, false);
    const stored = s.insertDenial.run(
      e.eventId,
      e.eventTime,
      e.accountId,
      e.region,
      e.eventSource,
      e.eventName,
      e.errorCode,
      e.errorMessage,
      p.type,
      p.arn,
      p.roleArn,
      p.sessionName,
      e.userAgent,
      e.sourceIp,
      batch.source,
    ).changes;
    // Another event already holds this eventID (at another time): CloudTrail ids are unique, edited data not.
    if (stored === 0) result.duplicates++;
    else {
      s.insertDenialRaw.run(e.eventId, raw);
      result.denials++;
    }
    return;
  }
  if (e.class === "evidence") {
    result.evidence += s.insertEvidence.run(
      e.eventId,
      e.eventTime,
      e.accountId,
      e.region,
      e.eventSource,
      e.eventName,
      p.arn,
      p.roleArn,
      batch.source,
      raw,
    ).changes;
    // A service assuming a role is the role's birth, not a use of permissions by anyone.
    aggregates.addEvent(e, p.type !== "AWSService");
    return;
  }
  result.usage++;
  aggregates.addEvent(e, true);
}

/**
 * Stores decoded pieces in the order of their file. Folded usage events only need their ledger key stored: when
 * all are new (the usual case) their rows are added as folded; otherwise only the new ones are counted, one by
 * one, so a file read twice is never counted twice.
 */
function storeDecoded(write: BatchWrite): void {
  const { s, result, aggregates } = write;
  for (const { stored, storedAt, folded: f } of write.batch.decoded) {
    let seen: Uint8Array | null = null;
    let next = 0;
    for (let i = 0; i <= f.count; i++) {
      for (; next < stored.length && storedAt[next] === i; next++) {
        const { event, raw } = stored[next] as StoredEvent;
        storeEvent(write, event, raw);
      }
      if (i === f.count || s.markSeen.run(foldedKey(f, i), fromExamples(write.batch)).changes === 1) continue;
      seen ??= new Uint8Array(f.count);
      seen[i] = 1;
      result.duplicates++;
    }
    if (seen === null) {
      result.usage += f.count;
      aggregates.addRows(f.usage, f.sessions);
      continue;
    }
    const old = seen;
    result.usage += old.reduce((n, x) => n - x, f.count);
    aggregates.addFoldedEvents(f, (i) => old[i] === 0);
  }
}

/** The identity of a logged line: the same line read again, from the live log or its rotated copy, is the same. */
export function credentialRequestKey(raw: string, occurrence: number): Buffer {
  return createHash("sha256").update(`${occurrence}\n${raw}`).digest().subarray(0, 16);
}

/** Requests ECS agents logged, each stored once. */
function storeCredentialRequests({ s, batch, result }: BatchWrite): void {
  for (const { request: r, raw, occurrence } of batch.credentialRequests) {
    const stored = s.insertCredentialRequest.run(
      credentialRequestKey(raw, occurrence),
      r.time,
      r.status,
      r.callerAddress,
      r.uri,
      r.callerAgent,
      r.taskArn,
      r.taskArn === null ? null : r.taskArn.slice(r.taskArn.lastIndexOf("/") + 1),
      r.roleType,
      r.cluster,
      r.containerInstanceArn,
      batch.source,
    ).changes;
    if (stored === 0) result.duplicates++;
    else result.credentialRequests++;
  }
}

/** The batch's aggregates, rejects and progress marks. */
function storeTheRest({ s, batch, result, aggregates }: BatchWrite): void {
  const examples = fromExamples(batch);
  for (const u of aggregates.usage.rows) s.upsertUsage.run(...usageValues(u), examples);
  for (const x of aggregates.sessions.rows)
    s.upsertSession.run(
      x.roleArn,
      x.shape,
      x.delivery,
      x.provider,
      x.invokedBy,
      x.sample,
      x.calls,
      x.firstSeen,
      x.lastSeen,
      examples,
    );
  for (const q of batch.rejections)
    result.quarantined += s.upsertQuarantine.run(
      q.source,
      q.location,
      q.position,
      q.reason,
      q.detail,
      q.raw,
      q.count,
      q.records,
    ).changes;
  for (const f of batch.filesDone) s.upsertFile.run(f.path, f.size, f.mtimeMs, f.records, f.etag ?? null);
  for (const c of batch.checkpoints) s.upsertCheckpoint.run(c.source, c.key, c.value);
}

/**
 * The ingest hot path, on better-sqlite3 prepared statements rather than drizzle's builder: it runs once per event
 * (docs/performance.md). Holds no batch state between calls, so every source of a process shares one.
 */
export function createIngestWriter(db: Db) {
  const s = ingestStatements(db.$client);
  const writeBatch = db.$client.transaction((batch: Batch): BatchResult => {
    const write: BatchWrite = {
      s,
      batch,
      result: { credentialRequests: 0, denials: 0, evidence: 0, usage: 0, duplicates: 0, quarantined: 0 },
      aggregates: new Aggregates(),
    };
    for (const { event, raw } of batch.events) storeEvent(write, event, raw);
    storeDecoded(write);
    storeCredentialRequests(write);
    storeTheRest(write);
    return write.result;
  });

  return {
    /** Commits a batch atomically: a killed process leaves either all of it or none of it. */
    writeBatch(batch: Batch): BatchResult {
      return writeBatch.immediate(batch);
    },
    /** True when this exact file (same size and mtime) was already read to the end. */
    isFileDone(path: string, size: number, mtimeMs: number): boolean {
      const row = s.selectFile.get(path) as { size: number; mtimeMs: number } | undefined;
      return row !== undefined && row.size === size && row.mtimeMs === mtimeMs;
    },
    /** True when this S3 object (`s3://bucket/key`) was already read to the end with the same ETag. */
    isObjectDone(path: string, etag: string): boolean {
      return s.selectObjectTag.get(path) === etag;
    },
    /** True once any event has been stored (a first run finds none). */
    anyIngested(): boolean {
      return s.selectAny.get() !== undefined;
    },
    readCheckpoint(source: string, key: string): string | undefined {
      const row = s.selectCheckpoint.get(source, key) as { value: string } | undefined;
      return row?.value;
    },
  };
}

export type IngestWriter = ReturnType<typeof createIngestWriter>;
