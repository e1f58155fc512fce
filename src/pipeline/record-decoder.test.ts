import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  awslogs,
  logsControlMessage,
  logsDataMessage,
  lookupEvent,
  lookupEventsOutput,
} from "../../test/support/envelopes.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { type DecodedReject, decodeDocument } from "./record-decoder.js";

const rec = (n: number) => makeRecord({ eventId: uuidFor(n, 7), eventTime: "2026-11-16T10:00:00Z" });

function decode(text: string, maxRecordChars?: number) {
  const records: [string, string][] = [];
  const rejects: DecodedReject[] = [];
  const ignored: string[] = [];
  decodeDocument(
    text,
    "test",
    {
      record: (r, _raw, place) => records.push([place.position, r.eventID]),
      reject: (r) => rejects.push(r),
      ignored: (place) => ignored.push(place.position),
    },
    maxRecordChars !== undefined ? { maxRecordChars } : {},
  );
  return { records, rejects, ignored };
}

describe("the record decoder opens every shape records reach people in", () => {
  it("reads lookup-events output as {Events: […]} and as one Event per line", () => {
    const wrapped = decode(JSON.stringify(lookupEventsOutput([rec(1), rec(2)]), null, 2));
    expect(wrapped.records).toEqual([
      ["record 0", uuidFor(1, 7)],
      ["record 1", uuidFor(2, 7)],
    ]);
    const lines = decode(`${JSON.stringify(lookupEvent(rec(3)))}\n${JSON.stringify(lookupEvent(rec(4)))}\n`);
    expect(lines.records.map((r) => r[1])).toEqual([uuidFor(3, 7), uuidFor(4, 7)]);
    expect(wrapped.rejects).toEqual([]);
    expect(lines.rejects).toEqual([]);
  });

  it("sets aside an Event whose CloudTrailEvent is not a JSON object, and keeps the others", () => {
    const bad = { ...lookupEvent(rec(2)), CloudTrailEvent: "{cut" };
    const { records, rejects } = decode(JSON.stringify({ Events: [lookupEvent(rec(1)), bad] }));
    expect(records.map((r) => r[1])).toEqual([uuidFor(1, 7)]);
    expect(rejects.map((r) => [r.place.position, r.reason, r.raw])).toEqual([
      ["record 1", "record.invalid_cloudtrail_event", "{cut"],
    ]);
  });

  it("reads a CloudWatch Logs DATA_MESSAGE and ignores a CONTROL_MESSAGE", () => {
    const data = decode(JSON.stringify(logsDataMessage([rec(1), rec(2)])));
    expect(data.records).toEqual([
      ["line 1, log event 0", uuidFor(1, 7)],
      ["line 1, log event 1", uuidFor(2, 7)],
    ]);
    const control = decode(JSON.stringify(logsControlMessage));
    expect(control).toEqual({ records: [], rejects: [], ignored: ["line 1"] });
  });

  it("reads the awslogs envelope a Lambda function receives (base64 of gzip), alone or in a list", () => {
    const one = decode(JSON.stringify(awslogs(logsDataMessage([rec(1)]))));
    expect(one.records).toEqual([["line 1, log event 0", uuidFor(1, 7)]]);
    const list = decode(JSON.stringify([awslogs(logsDataMessage([rec(2)])), awslogs(logsControlMessage)]));
    expect(list.records).toEqual([["record 0, log event 0", uuidFor(2, 7)]]);
    expect(list.ignored).toEqual(["record 1"]);
  });

  it("stops inflating awslogs data at the record size limit and sets it aside, never materialising the rest", () => {
    // 64 MiB of zeros gzip to ~64 KB; the limit here is 1 MiB.
    const bomb = { awslogs: { data: gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString("base64") } };
    const { records, rejects } = decode(
      JSON.stringify([bomb, awslogs(logsDataMessage([rec(1)]))]),
      2 * 1024 * 1024,
    );
    expect(records.map((r) => r[1])).toEqual([uuidFor(1, 7)]);
    expect(rejects.map((r) => [r.place.position, r.reason])).toEqual([["record 0", "record.too_large"]]);
    expect(rejects[0]?.detail).toContain("inflates past");
  });

  it("sets aside awslogs data that is not gzip, and a log event message nested too deep", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const { records, rejects } = decode(
      JSON.stringify([
        { awslogs: { data: "bm90IGd6aXA=" } },
        { ...logsDataMessage([rec(1)]), logEvents: [{ id: "1", timestamp: 1, message: deep }] },
        rec(2),
      ]),
    );
    expect(records.map((r) => r[1])).toEqual([uuidFor(2, 7)]);
    expect(rejects.map((r) => [r.place.position, r.reason])).toEqual([
      ["record 0", "json.invalid"],
      ["record 1, log event 0", "record.too_deep"],
    ]);
  });
});
