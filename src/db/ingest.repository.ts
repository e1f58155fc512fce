import { createHash } from "node:crypto";
import type { NormalisedEvent } from "../cloudtrail/normalise.js";
import { usageResource } from "../cloudtrail/resource.js";
import type { Checkpoint, CredentialRequest, DailyUsage, FileMark } from "../sources/source.js";
import type { Db } from "./client.js";

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
}

/** A request an ECS agent logged, with the line it came from and how many identical lines came before it. */
export interface LoggedCredentialRequest {
  request: CredentialRequest;
  raw: string;
  occurrence: number;
}

/** Everything one transaction commits: events, rejects, and the progress marks that must move with them. */
export interface Batch {
  source: string;
  events: StoredEvent[];
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

/** How many distinct user agents a usage row keeps. */
const MAX_AGENTS = 5;
const MAX_AGENT_LENGTH = 256;

/**
 * The key an event is remembered by: the hour of its eventTime (4 bytes, big-endian) then its id — the 16 bytes of
 * a UUID (CloudTrail's usual form), otherwise the UTF-8 text behind a 0xff byte. Leading with the hour keeps each
 * batch's inserts in a narrow range of the B-tree: with random UUIDs alone every batch dirtied pages all over the
 * table (and the WAL grew by the whole table per commit). The same event always carries the same time, so the
 * key stays a pure function of the event.
 */
export function eventKey(eventId: string, eventTime: number): Buffer {
  const hour = Math.max(0, Math.floor(eventTime / 3_600_000));
  if (
    eventId.length === 36 &&
    eventId.charCodeAt(8) === 45 &&
    eventId.charCodeAt(13) === 45 &&
    eventId.charCodeAt(18) === 45 &&
    eventId.charCodeAt(23) === 45
  ) {
    const key = Buffer.allocUnsafe(20);
    key.writeUInt32BE(hour, 0);
    if (writeUuid(eventId, key)) return key;
  }
  const text = Buffer.from(eventId, "utf8");
  const key = Buffer.allocUnsafe(5 + text.length);
  key.writeUInt32BE(hour, 0);
  key[4] = 0xff;
  text.copy(key, 5);
  return key;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Writes a dashed UUID's 16 bytes at offset 4; false when a character is not hex. */
function writeUuid(id: string, key: Buffer): boolean {
  let out = 4;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    const hi = hexDigit(id.charCodeAt(i));
    const lo = hexDigit(id.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    key[out++] = (hi << 4) | lo;
  }
  return true;
}

/** Union of two JSON arrays of user agents, keeping the lexically smallest few: the same whatever the order. */
export function mergeAgents(a: string, b: string): string {
  const set = new Set<string>([...(JSON.parse(a) as string[]), ...(JSON.parse(b) as string[])]);
  return JSON.stringify([...set].sort().slice(0, MAX_AGENTS));
}

/** One usage_daily row as it is written (by file/push/LookupEvents ingest here, by the Athena source as a whole). */
export type UsageAggregate = DailyUsage;

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

interface SessionAgg {
  roleArn: string;
  shape: string;
  delivery: string;
  provider: string;
  invokedBy: string;
  sample: string;
  calls: number;
  firstSeen: number;
  lastSeen: number;
}

/** The ingest statements of one connection, prepared once. */
function ingestStatements(sqlite: Db["$client"]) {
  sqlite.function("deniedby_merge_agents", { deterministic: true }, (a: unknown, b: unknown) =>
    mergeAgents(String(a), String(b)),
  );
  return {
    markSeen: sqlite.prepare("INSERT OR IGNORE INTO ingested_events (event_key) VALUES (?)"),
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
    upsertUsage: sqlite.prepare(
      `${INSERT_USAGE}
       ON CONFLICT (day, principal_arn, event_source, event_name, resource) DO UPDATE SET
         calls = calls + excluded.calls, errors = errors + excluded.errors,
         first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
         user_agents = deniedby_merge_agents(user_agents, excluded.user_agents)`,
    ),
    upsertSession: sqlite.prepare(
      `INSERT INTO role_sessions (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by,
         sample_session, calls, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by) DO UPDATE SET
         sample_session = min(sample_session, excluded.sample_session), calls = calls + excluded.calls,
         first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
    ),
    insertQuarantine: sqlite.prepare(
      `INSERT OR IGNORE INTO quarantine (source, location, position, reason, detail, raw)
       VALUES (?, ?, ?, ?, ?, ?)`,
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

/** One batch being written: its statements, input, counts and the aggregates it folds. */
interface BatchWrite {
  s: IngestStatements;
  batch: Batch;
  result: BatchResult;
  usage: Map<string, UsageAggregate>;
  sessions: Map<string, SessionAgg>;
}

/** Stores each new event (denials and evidence in full), folding usage and sessions into the batch's aggregates. */
function storeEvents({ s, batch, result, usage, sessions }: BatchWrite): void {
  for (const { event: e, raw } of batch.events) {
    if (s.markSeen.run(eventKey(e.eventId, e.eventTime)).changes === 0) {
      result.duplicates++;
      continue;
    }
    const p = e.principal;
    if (p.roleArn !== null) addSession(sessions, e);
    if (e.class === "denial") {
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
      continue;
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
      if (p.type === "AWSService") continue;
    } else result.usage++;
    addUsage(usage, e);
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
function storeTheRest({ s, batch, result, usage, sessions }: BatchWrite): void {
  for (const u of usage.values()) s.upsertUsage.run(usageValues(u));
  for (const x of sessions.values())
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
    );
  for (const q of batch.rejections)
    result.quarantined += s.insertQuarantine.run(
      q.source,
      q.location,
      q.position,
      q.reason,
      q.detail,
      q.raw,
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
      usage: new Map(),
      sessions: new Map(),
    };
    storeEvents(write);
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

function addUsage(usage: Map<string, UsageAggregate>, e: NormalisedEvent): void {
  const p = e.principal;
  const resource = usageResource(e.resource);
  const key = `${e.day}\0${p.key}\0${e.eventSource}\0${e.eventName}\0${resource}`;
  let agg = usage.get(key);
  if (!agg) {
    agg = {
      day: e.day,
      principalArn: p.key,
      principalType: p.type,
      roleArn: p.roleArn,
      // The principal's own account: the same for every call under this key, whatever order they arrive in.
      accountId: p.accountId || e.accountId,
      eventSource: e.eventSource,
      eventName: e.eventName,
      resource,
      calls: 0,
      errors: 0,
      firstSeen: e.eventTime,
      lastSeen: e.eventTime,
      userAgents: [],
    };
    usage.set(key, agg);
  }
  if (e.errorCode) agg.errors++;
  else agg.calls++;
  if (e.eventTime < agg.firstSeen) agg.firstSeen = e.eventTime;
  if (e.eventTime > agg.lastSeen) agg.lastSeen = e.eventTime;
  if (e.userAgent) keepSmallest(agg.userAgents, e.userAgent.slice(0, MAX_AGENT_LENGTH));
}

/** Inserts into a sorted array of distinct strings that keeps only the MAX_AGENTS smallest. */
function keepSmallest(sorted: string[], value: string): void {
  const last = sorted.at(-1);
  if (sorted.length === MAX_AGENTS && last !== undefined && value >= last) return;
  let i = 0;
  while (i < sorted.length && (sorted[i] as string) < value) i++;
  if (sorted[i] === value) return;
  sorted.splice(i, 0, value);
  if (sorted.length > MAX_AGENTS) sorted.pop();
}

function addSession(sessions: Map<string, SessionAgg>, e: NormalisedEvent): void {
  const p = e.principal;
  if (p.roleArn === null) return;
  const shape = e.sessionShape ?? "other";
  const delivery = p.ec2RoleDelivery ?? "";
  const provider = p.federatedProvider ?? "";
  const invokedBy = p.invokedBy ?? "";
  const key = `${p.roleArn}\0${shape}\0${delivery}\0${provider}\0${invokedBy}`;
  const session = p.sessionName ?? "";
  const agg = sessions.get(key);
  if (!agg) {
    sessions.set(key, {
      roleArn: p.roleArn,
      shape,
      delivery,
      provider,
      invokedBy,
      sample: session,
      calls: 1,
      firstSeen: e.eventTime,
      lastSeen: e.eventTime,
    });
    return;
  }
  agg.calls++;
  if (session < agg.sample) agg.sample = session;
  if (e.eventTime < agg.firstSeen) agg.firstSeen = e.eventTime;
  if (e.eventTime > agg.lastSeen) agg.lastSeen = e.eventTime;
}
