import type { NormalisedEvent } from "../cloudtrail/normalise.js";
import { usageResource } from "../cloudtrail/resource.js";
import type { DailyUsage } from "../sources/source.js";
import { maxEventKeyBytes, writeEventKey } from "./event-key.js";

/**
 * Folding events into the store's aggregates (usage_daily and role_sessions rows). Pure: the ingest writer folds a
 * batch's new events with it, and decode workers fold a file's usage events before the main thread sees them
 * (`FoldedEvents`), so the main thread only checks the event-id ledger and merges a few aggregates.
 */

/** One usage_daily row as it is written (by file/push/LookupEvents ingest here, by the Athena source as a whole). */
export type UsageAggregate = DailyUsage;

/** One role_sessions row as it is written. */
export interface SessionAggregate {
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

/** How many distinct user agents a usage row keeps. */
export const MAX_AGENTS = 5;
const MAX_AGENT_LENGTH = 256;

/** Union of two JSON arrays of user agents, keeping the MAX_AGENTS smallest: the same whatever the order. */
export function mergeAgents(a: string, b: string): string {
  const kept: string[] = [];
  for (const agent of [...(JSON.parse(a) as string[]), ...(JSON.parse(b) as string[])])
    keepSmallest(kept, agent);
  return JSON.stringify(kept);
}

/** Inserts into a sorted array of distinct strings that keeps only the MAX_AGENTS smallest. */
export function keepSmallest(sorted: string[], value: string): void {
  const last = sorted.at(-1);
  if (sorted.length === MAX_AGENTS && last !== undefined && value >= last) return;
  let i = 0;
  while (i < sorted.length && (sorted[i] as string) < value) i++;
  if (sorted[i] === value) return;
  sorted.splice(i, 0, value);
  if (sorted.length > MAX_AGENTS) sorted.pop();
}

/** The usage row an event counts under (its resource folded already), with nothing counted. */
function usageTemplate(e: NormalisedEvent, resource: string): UsageAggregate {
  const p = e.principal;
  return {
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
}

/** The session row an event counts under, with nothing counted (made only for a role's event). */
function sessionTemplate(e: NormalisedEvent): SessionAggregate {
  const p = e.principal;
  return {
    roleArn: p.roleArn as string,
    shape: e.sessionShape ?? "other",
    delivery: p.ec2RoleDelivery ?? "",
    provider: p.federatedProvider ?? "",
    invokedBy: p.invokedBy ?? "",
    sample: p.sessionName ?? "",
    calls: 0,
    firstSeen: e.eventTime,
    lastSeen: e.eventTime,
  };
}

function agentOf(e: NormalisedEvent): string | null {
  return e.userAgent ? e.userAgent.slice(0, MAX_AGENT_LENGTH) : null;
}

/** Counts one call into a usage row. */
function countUsage(agg: UsageAggregate, time: number, error: boolean, agent: string | null): void {
  if (error) agg.errors++;
  else agg.calls++;
  if (time < agg.firstSeen) agg.firstSeen = time;
  if (time > agg.lastSeen) agg.lastSeen = time;
  if (agent !== null) keepSmallest(agg.userAgents, agent);
}

/** Counts one call into a session row. */
function countSession(agg: SessionAggregate, time: number, session: string): void {
  agg.calls++;
  if (session < agg.sample) agg.sample = session;
  if (time < agg.firstSeen) agg.firstSeen = time;
  if (time > agg.lastSeen) agg.lastSeen = time;
}

const copyUsage = (u: UsageAggregate): UsageAggregate => ({ ...u, calls: 0, errors: 0, userAgents: [] });
const copySession = (s: SessionAggregate): SessionAggregate => ({ ...s, calls: 0 });

/** A map's child map under `key`, added when missing. */
function child<V>(parent: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let found = parent.get(key);
  if (found === undefined) {
    found = new Map();
    parent.set(key, found);
  }
  return found;
}

type Nested<V, Depth extends unknown[]> = Depth extends [unknown, ...infer Rest]
  ? Map<string, Nested<V, Rest>>
  : V;

/**
 * Rows found by a key of five strings through maps nested by each part, rather than by one key string built per
 * lookup: building and hashing that string cost more than the rest of the fold (docs/performance.md).
 */
class RowIndex<T> {
  readonly rows: T[] = [];
  private readonly index: Nested<number, [1, 2, 3, 4, 5]> = new Map();

  /**
   * The index of the row under the key's five parts, added as `make(from, last)` (nothing counted) when missing:
   * `last` is the fifth part, which a usage row's template needs (its folded resource).
   */
  protected indexOf<S>(
    key1: string,
    key2: string,
    key3: string,
    key4: string,
    last: string,
    from: S,
    make: (from: S, last: string) => T,
  ): number {
    const leaf = child(child(child(child(this.index, key1), key2), key3), key4);
    let i = leaf.get(last);
    if (i === undefined) {
      i = this.rows.length;
      this.rows.push(make(from, last));
      leaf.set(last, i);
    }
    return i;
  }
}

/**
 * usage_daily rows by their key: day, principal, event source, event name and resource (the table's unique index,
 * whose examples flag is the same for a whole batch). The one place that key is read, off an event or off a row.
 */
export class UsageRows extends RowIndex<UsageAggregate> {
  /** The row an event counts under. */
  forEvent(e: NormalisedEvent): number {
    const resource = usageResource(e.resource);
    return this.indexOf(e.day, e.principal.key, e.eventSource, e.eventName, resource, e, usageTemplate);
  }

  /** The row of an aggregate's key (rows a worker folded, or that a source computed). */
  forRow(u: UsageAggregate): number {
    return this.indexOf(u.day, u.principalArn, u.eventSource, u.eventName, u.resource, u, copyUsage);
  }
}

/** role_sessions rows by their key: role, session shape, credential delivery, federated provider and invoker. */
export class SessionRows extends RowIndex<SessionAggregate> {
  /** The row an event of a role counts under; -1 for other principals. */
  forEvent(e: NormalisedEvent): number {
    const p = e.principal;
    if (p.roleArn === null) return -1;
    const shape = e.sessionShape ?? "other";
    const delivery = p.ec2RoleDelivery ?? "";
    return this.indexOf(
      p.roleArn,
      shape,
      delivery,
      p.federatedProvider ?? "",
      p.invokedBy ?? "",
      e,
      sessionTemplate,
    );
  }

  forRow(s: SessionAggregate): number {
    return this.indexOf(s.roleArn, s.shape, s.delivery, s.provider, s.invokedBy, s, copySession);
  }
}

/** A batch's aggregates: what one transaction adds to usage_daily and role_sessions. */
export class Aggregates {
  readonly usage = new UsageRows();
  readonly sessions = new SessionRows();

  /** Counts a new event's call (usage only when `usage`: a denial counts as a session's call only). */
  addEvent(e: NormalisedEvent, usage: boolean): void {
    const time = e.eventTime;
    const si = this.sessions.forEvent(e);
    if (si >= 0)
      countSession(this.sessions.rows[si] as SessionAggregate, time, e.principal.sessionName ?? "");
    if (!usage) return;
    const ui = this.usage.forEvent(e);
    countUsage(this.usage.rows[ui] as UsageAggregate, time, e.errorCode !== null, agentOf(e));
  }

  /** Adds rows counted elsewhere (a decode worker's, or a day a source computed), whose every call is new. */
  addRows(usage: readonly UsageAggregate[], sessions: readonly SessionAggregate[] = []): void {
    for (const u of usage) mergeUsage(this.usage.rows[this.usage.forRow(u)] as UsageAggregate, u);
    for (const s of sessions)
      mergeSession(this.sessions.rows[this.sessions.forRow(s)] as SessionAggregate, s);
  }

  /** Adds the events of folded rows that `fresh` says are new, one by one. */
  addFoldedEvents(f: FoldedEvents, fresh: (i: number) => boolean): void {
    for (let i = 0; i < f.count; i++) {
      if (!fresh(i)) continue;
      const time = f.times[i] as number;
      const u = f.usage[f.usageOf[i] as number] as UsageAggregate;
      const agent = f.agentOf[i] as number;
      countUsage(
        this.usage.rows[this.usage.forRow(u)] as UsageAggregate,
        time,
        f.errors[i] === 1,
        agent < 0 ? null : (f.strings[agent] as string),
      );
      const s = f.sessionOf[i] as number;
      if (s < 0) continue;
      const row = this.sessions.rows[
        this.sessions.forRow(f.sessions[s] as SessionAggregate)
      ] as SessionAggregate;
      countSession(row, time, f.strings[f.sessionNameOf[i] as number] as string);
    }
  }
}

function mergeUsage(into: UsageAggregate, u: UsageAggregate): void {
  into.calls += u.calls;
  into.errors += u.errors;
  if (u.firstSeen < into.firstSeen) into.firstSeen = u.firstSeen;
  if (u.lastSeen > into.lastSeen) into.lastSeen = u.lastSeen;
  for (const agent of u.userAgents) keepSmallest(into.userAgents, agent);
}

function mergeSession(into: SessionAggregate, s: SessionAggregate): void {
  into.calls += s.calls;
  if (s.sample < into.sample) into.sample = s.sample;
  if (s.firstSeen < into.firstSeen) into.firstSeen = s.firstSeen;
  if (s.lastSeen > into.lastSeen) into.lastSeen = s.lastSeen;
}

/**
 * Usage events folded where they were decoded: their rows, and per event what the writer needs to count it alone
 * (when some of them are already stored): its ledger key, row indexes, time, error flag, user agent and session
 * name. Typed arrays and strings only, so that it crosses threads cheaply.
 */
export interface FoldedEvents {
  count: number;
  usage: UsageAggregate[];
  sessions: SessionAggregate[];
  /** The ledger keys one after another; event i's ends at keyEnds[i]. */
  keys: Uint8Array;
  keyEnds: Uint32Array;
  usageOf: Int32Array;
  /** -1: not a role's call. */
  sessionOf: Int32Array;
  times: Float64Array;
  errors: Uint8Array;
  /** Indexes into `strings`; -1: no user agent. */
  agentOf: Int32Array;
  sessionNameOf: Int32Array;
  strings: string[];
}

/** The ledger key of event i of folded events. */
export function foldedKey(f: FoldedEvents, i: number): Buffer {
  const start = i === 0 ? 0 : (f.keyEnds[i - 1] as number);
  return Buffer.from(f.keys.buffer, f.keys.byteOffset + start, (f.keyEnds[i] as number) - start);
}

/**
 * Per-event columns that grow as events are folded: typed arrays from the start, so an event adds numbers, not
 * objects, and `take` hands them over as they are.
 */
class Columns {
  count = 0;
  keyBytes = 0;
  keys = new Uint8Array(64 * 1024);
  keyEnds = new Uint32Array(1024);
  usageOf = new Int32Array(1024);
  sessionOf = new Int32Array(1024);
  times = new Float64Array(1024);
  errors = new Uint8Array(1024);
  agentOf = new Int32Array(1024);
  sessionNameOf = new Int32Array(1024);

  /** Room for one more event whose key has `keyLength` bytes. */
  reserve(keyLength: number): void {
    if (this.keyBytes + keyLength > this.keys.length) this.keys = grown(this.keys, this.keyBytes + keyLength);
    if (this.count < this.times.length) return;
    const n = this.count + 1;
    this.keyEnds = grown(this.keyEnds, n);
    this.usageOf = grown(this.usageOf, n);
    this.sessionOf = grown(this.sessionOf, n);
    this.times = grown(this.times, n);
    this.errors = grown(this.errors, n);
    this.agentOf = grown(this.agentOf, n);
    this.sessionNameOf = grown(this.sessionNameOf, n);
  }
}

/** A copy of `a` at least `n` long (twice its length, or more). */
function grown<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: T, n: number): T {
  const bigger = new (a.constructor as new (length: number) => T)(Math.max(n, a.length * 2));
  bigger.set(a as never);
  return bigger;
}

/** Folds usage events one by one into `FoldedEvents`. */
export class UsageFolder {
  private readonly usage = new UsageRows();
  private readonly sessions = new SessionRows();
  private readonly strings = new Map<string, number>();
  private readonly columns = new Columns();

  get count(): number {
    return this.columns.count;
  }

  private stringIndex(value: string): number {
    let i = this.strings.get(value);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(value, i);
    }
    return i;
  }

  /** Folds a usage-class event (the writer decides later whether it is new). */
  add(e: NormalisedEvent): void {
    const time = e.eventTime;
    const agent = agentOf(e);
    const error = e.errorCode !== null;
    const ui = this.usage.forEvent(e);
    countUsage(this.usage.rows[ui] as UsageAggregate, time, error, agent);
    const si = this.sessions.forEvent(e);
    const name = e.principal.sessionName ?? "";
    if (si >= 0) countSession(this.sessions.rows[si] as SessionAggregate, time, name);
    const c = this.columns;
    c.reserve(maxEventKeyBytes(e.eventId));
    const at = c.count++;
    c.keyBytes = writeEventKey(e.eventId, time, c.keys, c.keyBytes);
    c.keyEnds[at] = c.keyBytes;
    c.usageOf[at] = ui;
    c.sessionOf[at] = si;
    c.times[at] = time;
    c.errors[at] = error ? 1 : 0;
    c.agentOf[at] = agent === null ? -1 : this.stringIndex(agent);
    c.sessionNameOf[at] = si < 0 ? -1 : this.stringIndex(name);
  }

  /** What was folded, as transferable arrays. */
  take(): FoldedEvents {
    const c = this.columns;
    const n = c.count;
    return {
      count: n,
      usage: this.usage.rows,
      sessions: this.sessions.rows,
      keys: c.keys.subarray(0, c.keyBytes),
      keyEnds: c.keyEnds.subarray(0, n),
      usageOf: c.usageOf.subarray(0, n),
      sessionOf: c.sessionOf.subarray(0, n),
      times: c.times.subarray(0, n),
      errors: c.errors.subarray(0, n),
      agentOf: c.agentOf.subarray(0, n),
      sessionNameOf: c.sessionNameOf.subarray(0, n),
      strings: [...this.strings.keys()],
    };
  }
}
