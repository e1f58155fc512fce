import { describe, expect, it } from "vitest";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { type NormalisedEvent, normaliseRecord } from "../cloudtrail/normalise.js";
import { isCloudTrailRecord } from "../cloudtrail/record.js";
import { Aggregates, mergeAgents, type UsageAggregate, UsageFolder, UsageRows } from "./usage-fold.js";

function event(
  n: number,
  o: { key?: string; time?: string; agent?: string; role?: string } = {},
): NormalisedEvent {
  const record = makeRecord({
    eventId: uuidFor(n),
    eventTime: o.time ?? "2026-11-16T10:00:00Z",
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    requestParameters: { bucketName: "reports", key: o.key ?? `daily/2026/part-${n}.csv` },
    ...(o.agent === undefined ? {} : { userAgent: o.agent }),
    ...(o.role === undefined ? {} : { roleName: o.role }),
  });
  if (!isCloudTrailRecord(record)) throw new Error("not a CloudTrail record");
  return normaliseRecord(record);
}

describe("mergeAgents", () => {
  it("keeps the five smallest distinct agents, whichever side they come from", () => {
    expect(mergeAgents('["e","a","c"]', '["d","b","f","a"]')).toBe('["a","b","c","d","e"]');
    expect(mergeAgents("[]", '["z"]')).toBe('["z"]');
  });
});

describe("UsageRows", () => {
  it("finds an event's row and that row by its own key alike, one row per folded resource", () => {
    const rows = new UsageRows();
    const first = rows.forEvent(event(1));
    // Another object in the same folder folds to the same resource, so the same row.
    expect(rows.forEvent(event(2))).toBe(first);
    expect(rows.rows[first]?.resource).toBe("arn:aws:s3:::reports/daily/2026/*");
    expect(rows.forRow(rows.rows[first] as UsageAggregate)).toBe(first);
    const other = rows.forEvent(event(3, { key: "monthly/part-3.csv" }));
    expect(other).not.toBe(first);
    expect(rows.forEvent(event(4, { role: "billing-task" }))).not.toBe(first);
    expect(rows.forEvent(event(5, { time: "2026-11-17T10:00:00Z" }))).not.toBe(first);
    expect(rows.rows).toHaveLength(4);
  });
});

describe("Aggregates.addRows", () => {
  it("merges rows of one key (as a source groups by more than the key) into one, counting every call", () => {
    const folder = new UsageFolder();
    for (const [n, agent] of [
      [1, "agent-f"],
      [2, "agent-b"],
    ] as const)
      folder.add(event(n, { time: `2026-11-16T1${n}:00:00Z`, agent }));
    const [worker] = folder.take().usage as [UsageAggregate];
    const fromAnotherAccount: UsageAggregate = {
      ...worker,
      accountId: "444455556666",
      calls: 3,
      errors: 1,
      firstSeen: Date.parse("2026-11-16T09:00:00Z"),
      lastSeen: Date.parse("2026-11-16T10:30:00Z"),
      userAgents: ["agent-e", "agent-a", "agent-d", "agent-c", "agent-g"],
    };
    const aggregates = new Aggregates();
    aggregates.addRows([worker, fromAnotherAccount]);
    expect(aggregates.usage.rows).toEqual([
      {
        ...worker,
        calls: 5,
        errors: 1,
        firstSeen: Date.parse("2026-11-16T09:00:00Z"),
        lastSeen: Date.parse("2026-11-16T12:00:00Z"),
        userAgents: ["agent-a", "agent-b", "agent-c", "agent-d", "agent-e"],
      },
    ]);
  });

  it("counts what a worker folded as the writer counts the same events one by one", () => {
    const events = [1, 2, 3, 4].map((n) => event(n, { key: n % 2 ? "a/x" : "b/y", agent: `agent-${5 - n}` }));
    const folder = new UsageFolder();
    for (const e of events) folder.add(e);
    const folded = folder.take();
    const byRows = new Aggregates();
    byRows.addRows(folded.usage, folded.sessions);
    const oneByOne = new Aggregates();
    oneByOne.addFoldedEvents(folded, () => true);
    const direct = new Aggregates();
    for (const e of events) direct.addEvent(e, true);
    expect(byRows.usage.rows).toEqual(direct.usage.rows);
    expect(oneByOne.usage.rows).toEqual(direct.usage.rows);
    expect(byRows.sessions.rows).toEqual(direct.sessions.rows);
    expect(oneByOne.sessions.rows).toEqual(direct.sessions.rows);
    expect(direct.usage.rows.map((r) => r.calls)).toEqual([2, 2]);
    expect(direct.sessions.rows.map((r) => r.calls)).toEqual([4]);
  });
});
