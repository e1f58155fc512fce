import type { NormalisedEvent } from "../cloudtrail/normalise.js";
import { usageResource } from "../cloudtrail/resource.js";
import type { DailyUsage } from "../sources/source.js";
import { eventKey } from "./event-key.js";

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

export function usageKey(u: UsageAggregate): string {
  return `${u.day}\0${u.principalArn}\0${u.eventSource}\0${u.eventName}\0${u.resource}`;
}

function sessionKey(s: SessionAggregate): string {
  return `${s.roleArn}\0${s.shape}\0${s.delivery}\0${s.provider}\0${s.invokedBy}`;
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

/** The usage row an event counts under, before its call is counted. */
function usageTemplate(e: NormalisedEvent): UsageAggregate {
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
    resource: usageResource(e.resource),
    calls: 0,
    errors: 0,
    firstSeen: e.eventTime,
    lastSeen: e.eventTime,
    userAgents: [],
  };
}

/** The session row an event of a role counts under, before its call is counted; null for other principals. */
function sessionTemplate(e: NormalisedEvent): SessionAggregate | null {
  const p = e.principal;
  if (p.roleArn === null) return null;
  return {
    roleArn: p.roleArn,
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

/** Finds or adds the row under `key`, as a fresh copy of `template` with nothing counted. */
function rowOf<T extends { calls: number }>(
  rows: Map<string, T>,
  key: string,
  template: T,
  copy: (t: T) => T,
): T {
  let row = rows.get(key);
  if (row === undefined) {
    row = copy(template);
    rows.set(key, row);
  }
  return row;
}

const copyUsage = (u: UsageAggregate): UsageAggregate => ({ ...u, calls: 0, errors: 0, userAgents: [] });
const copySession = (s: SessionAggregate): SessionAggregate => ({ ...s, calls: 0 });

/** A batch's aggregates: what one transaction adds to usage_daily and role_sessions. */
export class Aggregates {
  readonly usage = new Map<string, UsageAggregate>();
  readonly sessions = new Map<string, SessionAggregate>();

  /** Counts a new event's call (usage only when `usage`: a denial counts as a session's call only). */
  addEvent(e: NormalisedEvent, usage: boolean): void {
    const time = e.eventTime;
    const session = sessionTemplate(e);
    if (session !== null)
      countSession(rowOf(this.sessions, sessionKey(session), session, copySession), time, session.sample);
    if (!usage) return;
    const template = usageTemplate(e);
    countUsage(
      rowOf(this.usage, usageKey(template), template, copyUsage),
      time,
      e.errorCode !== null,
      agentOf(e),
    );
  }

  /** Adds rows folded elsewhere (a decode worker's), whose every event is new. */
  addFolded(f: FoldedEvents): void {
    for (const u of f.usage) mergeUsage(rowOf(this.usage, usageKey(u), u, copyUsage), u);
    for (const s of f.sessions) mergeSession(rowOf(this.sessions, sessionKey(s), s, copySession), s);
  }

  /** Adds the events of folded rows that `fresh` says are new, one by one. */
  addFoldedEvents(f: FoldedEvents, fresh: (i: number) => boolean): void {
    for (let i = 0; i < f.count; i++) {
      if (!fresh(i)) continue;
      const time = f.times[i] as number;
      const u = f.usage[f.usageOf[i] as number] as UsageAggregate;
      const agent = f.agentOf[i] as number;
      countUsage(
        rowOf(this.usage, usageKey(u), u, copyUsage),
        time,
        f.errors[i] === 1,
        agent < 0 ? null : (f.strings[agent] as string),
      );
      const s = f.sessionOf[i] as number;
      if (s < 0) continue;
      const template = f.sessions[s] as SessionAggregate;
      const name = f.strings[f.sessionNameOf[i] as number] as string;
      countSession(rowOf(this.sessions, sessionKey(template), template, copySession), time, name);
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

/** Folds usage events one by one into `FoldedEvents`. */
export class UsageFolder {
  private readonly usage = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly strings = new Map<string, number>();
  private readonly out = {
    usage: [] as UsageAggregate[],
    sessions: [] as SessionAggregate[],
    keys: [] as Buffer[],
    usageOf: [] as number[],
    sessionOf: [] as number[],
    times: [] as number[],
    errors: [] as number[],
    agentOf: [] as number[],
    sessionNameOf: [] as number[],
  };

  get count(): number {
    return this.out.times.length;
  }

  private stringIndex(value: string): number {
    let i = this.strings.get(value);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(value, i);
    }
    return i;
  }

  private indexOf<T>(index: Map<string, number>, rows: T[], key: string, template: T): number {
    let i = index.get(key);
    if (i === undefined) {
      i = rows.length;
      rows.push(template);
      index.set(key, i);
    }
    return i;
  }

  /** Folds a usage-class event (the writer decides later whether it is new). */
  add(e: NormalisedEvent): void {
    const o = this.out;
    const time = e.eventTime;
    const agent = agentOf(e);
    const error = e.errorCode !== null;
    const p = e.principal;
    // The key first: most events fold into a row that exists, and need no template.
    const resource = usageResource(e.resource);
    const uKey = `${e.day}\0${p.key}\0${e.eventSource}\0${e.eventName}\0${resource}`;
    let ui = this.usage.get(uKey);
    if (ui === undefined) ui = this.indexOf(this.usage, o.usage, uKey, copyUsage(usageTemplate(e)));
    countUsage(o.usage[ui] as UsageAggregate, time, error, agent);
    let si = -1;
    const name = p.sessionName ?? "";
    if (p.roleArn !== null) {
      const sKey = `${p.roleArn}\0${e.sessionShape ?? "other"}\0${p.ec2RoleDelivery ?? ""}\0${p.federatedProvider ?? ""}\0${p.invokedBy ?? ""}`;
      si =
        this.sessions.get(sKey) ??
        this.indexOf(this.sessions, o.sessions, sKey, copySession(sessionTemplate(e) as SessionAggregate));
      countSession(o.sessions[si] as SessionAggregate, time, name);
    }
    o.keys.push(eventKey(e.eventId, time));
    o.usageOf.push(ui);
    o.sessionOf.push(si);
    o.times.push(time);
    o.errors.push(error ? 1 : 0);
    o.agentOf.push(agent === null ? -1 : this.stringIndex(agent));
    o.sessionNameOf.push(si < 0 ? -1 : this.stringIndex(name));
  }

  /** What was folded, as transferable arrays. */
  take(): FoldedEvents {
    const o = this.out;
    const keyEnds = new Uint32Array(o.keys.length);
    let end = 0;
    o.keys.forEach((k, i) => {
      end += k.length;
      keyEnds[i] = end;
    });
    return {
      count: o.times.length,
      usage: o.usage,
      sessions: o.sessions,
      keys: new Uint8Array(Buffer.concat(o.keys)),
      keyEnds,
      usageOf: Int32Array.from(o.usageOf),
      sessionOf: Int32Array.from(o.sessionOf),
      times: Float64Array.from(o.times),
      errors: Uint8Array.from(o.errors),
      agentOf: Int32Array.from(o.agentOf),
      sessionNameOf: Int32Array.from(o.sessionNameOf),
      strings: [...this.strings.keys()],
    };
  }
}
