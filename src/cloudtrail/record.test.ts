import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateRecords, makeRecord } from "../../test/support/records.js";
import { CloudTrailRecord, isCloudTrailRecord, parseEventTime } from "./record.js";

describe("parseEventTime", () => {
  it.each([
    ["2026-11-16T10:00:00Z", "2026-11-16T10:00:00.000Z"],
    ["2026-11-16T10:00:00.123Z", "2026-11-16T10:00:00.123Z"],
    ["2026-11-16T10:00:00.5Z", "2026-11-16T10:00:00.500Z"],
    ["2026-11-16T10:00:00.123456789Z", "2026-11-16T10:00:00.123Z"],
    ["2026-11-16T10:00:00+02:00", "2026-11-16T08:00:00.000Z"],
    ["2026-11-16T10:00:00.250-05:30", "2026-11-16T15:30:00.250Z"],
    // As records exported through Athena carry it (found in ../shared/datasets): UTC without a zone.
    ["2025-01-21 17:49:47.000000000", "2025-01-21T17:49:47.000Z"],
    ["2022-11-21 18:06:52", "2022-11-21T18:06:52.000Z"],
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"],
    ["2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"],
  ])("reads CloudTrail's form %s", (text, iso) => {
    const ms = parseEventTime(text);
    expect(ms).not.toBeNull();
    expect(new Date(ms ?? 0).toISOString()).toBe(iso);
  });

  it.each([
    // What Date.parse took and stored as 2001-01-01, 2001-12-01 and 2026-03-02.
    "1",
    "foo 12",
    "2026-02-30",
    "2026-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-11-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-16T24:00:00Z",
    "2026-11-16T10:60:00Z",
    "2026-11-16T10:00:60Z",
    "2026-11-16 10:00:00Z",
    "2026-11-16 10:00:00+02:00",
    "2026-02-30 10:00:00",
    "2026-11-16T10:00:00",
    "2026-11-16T10:00:00z",
    "2026-11-16T10:00:00.Z",
    "2026-11-16T10:00:00+2:00",
    "2026-11-16T10:00:00+15:00",
    "2026-11-16T10:00:00ZZ",
    "1969-12-31T23:59:59Z",
    "Mon, 16 Nov 2026 10:00:00 GMT",
    "１２３４-11-16T10:00:00Z",
  ])("refuses %j", (text) => {
    expect(parseEventTime(text)).toBeNull();
  });

  it("agrees with Date.parse on every valid UTC second it accepts", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-01T00:00:00Z"),
          max: new Date("2999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (d) => {
          const text = d.toISOString();
          expect(parseEventTime(text)).toBe(Date.parse(text));
          expect(parseEventTime(text.replace(/\.\d{3}Z$/, "Z"))).toBe(Math.floor(d.getTime() / 1000) * 1000);
        },
      ),
    );
  });
});

/** A JSON value of another type than `value` has. */
const otherType = (value: unknown) =>
  fc
    .oneof(
      fc.boolean(),
      fc.integer(),
      fc.constant(null),
      fc.constant([]),
      fc.array(fc.string(), { minLength: 1, maxLength: 2 }),
      fc.constant({}),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
      fc.string(),
    )
    .filter(
      (v) =>
        typeof v !== typeof value ||
        Array.isArray(v) !== Array.isArray(value) ||
        (v === null) !== (value === null),
    );

/** Every path to a leaf or object in a record, up to three levels down. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null || prefix.length >= 3) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function setAt(record: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) as string] = value;
  return copy;
}

describe("the record schema's compiled predicate", () => {
  const records = [...generateRecords(40, { seed: 7, denialRate: 0.3 })] as Record<string, unknown>[];

  it("accepts every generated record, as zod does", () => {
    for (const r of records) {
      expect(CloudTrailRecord.safeParse(r).success).toBe(true);
      expect(isCloudTrailRecord(r)).toBe(true);
    }
  });

  it("gives zod's verdict on records whose fields are given another JSON type", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...records).chain((r) =>
          fc.tuple(
            fc.constant(r),
            fc.constantFrom(...pathsOf(r)).chain((path) => fc.tuple(fc.constant(path), otherType(path))),
          ),
        ),
        ([record, [path, value]]) => {
          const mutated = setAt(record, path, value);
          expect(isCloudTrailRecord(mutated)).toBe(CloudTrailRecord.safeParse(mutated).success);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses what the schema refuses on the fields the store reads", () => {
    const base = makeRecord({ eventId: "e-1", eventTime: "2026-11-16T10:00:00Z" });
    const cases: [string[], unknown][] = [
      [["awsRegion"], true],
      [["recipientAccountId"], { a: 1 }],
      [["userIdentity", "type"], { x: 1 }],
      [
        ["userIdentity", "arn"],
        ["a", "b"],
      ],
      [["errorCode"], ["AccessDenied", "x"]],
      [["eventTime"], "1"],
      [["requestParameters"], []],
      [["resources"], "arn:aws:s3:::b"],
      [["readOnly"], 1],
    ];
    for (const [path, value] of cases) {
      const mutated = setAt(base, path, value);
      expect(isCloudTrailRecord(mutated), path.join(".")).toBe(false);
      expect(CloudTrailRecord.safeParse(mutated).success, path.join(".")).toBe(false);
    }
    expect(isCloudTrailRecord(setAt(base, ["requestParameters"], null))).toBe(true);
  });
});
