import { describe, expect, it } from "vitest";
import { RecordSplitter, recordsSpanned, type SplitItem } from "./split-records.js";

/** Feeds text in chunks of the given size, so every record boundary lands at every chunk offset somewhere. */
function split(text: string, chunkSize = text.length, maxUnitChars?: number): SplitItem[] {
  const splitter = new RecordSplitter(maxUnitChars ? { maxUnitChars } : {});
  const items: SplitItem[] = [];
  for (let i = 0; i < text.length; i += chunkSize) items.push(...splitter.push(text.slice(i, i + chunkSize)));
  items.push(...splitter.end());
  return items;
}

const a = { eventID: "a", eventTime: "2026-11-16T00:00:00Z", note: 'braces } { and "quotes" \\ inside' };
const b = { eventID: "b", eventTime: "2026-11-16T00:00:01Z", nested: { list: [1, { x: "]" }] } };
const c = { eventID: "c", eventTime: "2026-11-16T00:00:02Z" };

function units(items: SplitItem[]): unknown[] {
  return items.filter((i) => i.kind === "unit").map((i) => JSON.parse(i.text));
}

describe("RecordSplitter", () => {
  const shapes: [string, string][] = [
    ["a one-line Records file (as S3 delivers it)", JSON.stringify({ Records: [a, b, c] })],
    ["a pretty-printed Records file", JSON.stringify({ Records: [a, b, c] }, null, 2)],
    [
      "a Records file with other keys first",
      JSON.stringify({ version: 1, "Records-not": [9], Records: [a, b, c] }),
    ],
    ["a JSON array", JSON.stringify([a, b, c], null, 1)],
    ["JSON-lines", `${[a, b, c].map((r) => JSON.stringify(r)).join("\n")}\n`],
    ["JSON-lines with CRLF and no final newline", [a, b, c].map((r) => JSON.stringify(r)).join("\r\n")],
    ["concatenated pretty-printed objects", [a, b, c].map((r) => JSON.stringify(r, null, 2)).join("\n")],
  ];

  for (const [name, text] of shapes) {
    it(`yields each record of ${name}, whatever the chunk size`, () => {
      for (const size of [1, 3, 7, 64, text.length]) {
        const items = split(text, size);
        expect(items.filter((i) => i.kind === "problem")).toEqual([]);
        expect(units(items)).toEqual([a, b, c]);
      }
    });
  }

  it("keeps each record's original text byte for byte", () => {
    const text = JSON.stringify({ Records: [a, b] }, null, 4);
    const [first] = split(text, 5);
    expect(first?.kind).toBe("unit");
    expect(text).toContain(first?.kind === "unit" ? first.text : "missing");
  });

  it("reports the index in a Records array and the line in JSON-lines", () => {
    const records = split(JSON.stringify({ Records: [a, b, c] }, null, 2));
    expect(records.map((i) => (i.kind === "unit" ? i.index : -1))).toEqual([0, 1, 2]);
    const lines = split([a, b, c].map((r) => JSON.stringify(r)).join("\n"));
    expect(lines.map((i) => i.line)).toEqual([1, 2, 3]);
  });

  it("hands an invalid JSON line over as its own unit and goes on with the next line", () => {
    const text = `${JSON.stringify(a)}\n{"eventID": "broken", \n${JSON.stringify(c)}\n`;
    const items = split(text, 10);
    expect(items.map((i) => i.kind)).toEqual(["unit", "unit", "unit"]);
    expect(items[1]?.line).toBe(2);
    expect(() => JSON.parse(items[1]?.kind === "unit" ? items[1].text : "")).toThrow();
    expect(JSON.parse(items[2]?.kind === "unit" ? items[2].text : "")).toEqual(c);
  });

  it("reports a record cut off by the end of input, after the complete ones", () => {
    const text = JSON.stringify({ Records: [a, b, c] });
    const items = split(text.slice(0, text.length - 20), 16);
    expect(units(items)).toEqual([a, b]);
    const problems = items.filter((i) => i.kind === "problem");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ reason: "record.truncated", index: 2 });
  });

  it("reports text that is not JSON at all as not CloudTrail", () => {
    const items = split("eventID,eventTime\na,2026-11-16\n");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "problem", reason: "file.not_cloudtrail" });
  });

  it("skips a record larger than the limit and keeps the ones after it", () => {
    const big = { eventID: "big", eventTime: "2026-11-16T00:00:00Z", pad: "x".repeat(5000) };
    const items = split(JSON.stringify({ Records: [a, big, c] }), 256, 1000);
    expect(units(items)).toEqual([a, c]);
    expect(items.filter((i) => i.kind === "problem")).toMatchObject([
      { reason: "record.too_large", index: 1 },
    ]);
  });

  it("reports array elements that are not objects by index", () => {
    const items = split(JSON.stringify([a, [1, 2], c]));
    expect(units(items)).toEqual([a, c]);
    expect(items.filter((i) => i.kind === "problem")).toMatchObject([
      { reason: "record.not_object", index: 1 },
    ]);
  });

  it("holds only the record in progress, not the whole input", () => {
    const splitter = new RecordSplitter();
    const record = JSON.stringify(a);
    splitter.push('{"Records":[');
    let held = 0;
    for (let i = 0; i < 2000; i++) {
      splitter.push(`${i ? "," : ""}${record}`);
      held = Math.max(held, (splitter as unknown as { buf: string }).buf.length);
    }
    expect(held).toBeLessThan(record.length * 2);
  });
});

/** A record shaped like CloudTrail's (its text starts with eventVersion, as S3 delivers it). */
const rec = (id: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: "1.10",
  userIdentity: { type: "AssumedRole", arn: `arn:aws:sts::111122223333:assumed-role/app/${id}` },
  eventTime: "2026-11-16T00:00:00Z",
  eventSource: "s3.amazonaws.com",
  eventName: "GetObject",
  requestParameters: { bucketName: "b", key: `k/${id}` },
  eventID: id,
  ...extra,
});
const problems = (items: SplitItem[]) => items.filter((i) => i.kind === "problem");
const SIZES = [1, 5, 64, 1000, 1_000_000];

describe("RecordSplitter on broken input", () => {
  it("reports every element that is not an object by its index and keeps the records' indexes", () => {
    const text = `[${JSON.stringify(a)}, 42, "x", true, null, [1, {"y": 2}], ${JSON.stringify(b)}]`;
    for (const size of SIZES) {
      const items = split(text, size);
      expect(units(items)).toEqual([a, b]);
      expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(problems(items).map((p) => (p.kind === "problem" ? [p.reason, p.detail, p.text] : []))).toEqual([
        ["record.not_object", "found number", "42"],
        ["record.not_object", "found string", '"x"'],
        ["record.not_object", "found boolean", "true"],
        ["record.not_object", "found null", "null"],
        ["record.not_object", "found array", '[1, {"y": 2}]'],
      ]);
    }
  });

  it("sets aside a record nested 100,000 deep, with its text, and keeps the records around it", () => {
    const deep = `{"eventVersion":"1.10","eventID":"deep","requestParameters":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const shapes = [
      `{"Records":[${JSON.stringify(rec("a"))},${deep},${JSON.stringify(rec("c"))}]}`,
      `${JSON.stringify(rec("a"))}\n${deep}\n${JSON.stringify(rec("c"))}\n`,
      `${JSON.stringify(rec("a"), null, 2)}\n${deep}\n${JSON.stringify(rec("c"), null, 2)}`,
    ];
    for (const text of shapes)
      for (const size of [4096, text.length]) {
        const items = split(text, size);
        expect(units(items).map((u) => (u as { eventID: string }).eventID)).toEqual(["a", "c"]);
        const [p] = problems(items);
        expect(p).toMatchObject({ reason: "record.too_deep", text: deep, length: deep.length, records: 1 });
      }
  });

  it("resynchronises on the next record when one is cut short in the middle of a file", () => {
    const [ra, rb, rc, rd, re] = ["a", "b", "c", "d", "e"].map((id) => JSON.stringify(rec(id)));
    const cutInString = (rc as string).slice(0, (rc as string).indexOf("GetObj") + 3);
    const cutInObject = (rc as string).slice(0, (rc as string).indexOf('"requestParameters"') + 30);
    for (const cut of [cutInString, cutInObject]) {
      // One file cut mid-record, with the next file appended to it (cat *.json > all.json).
      const text = `{"Records":[${ra},${rb},${cut}{"Records":[${rd},${re}]}`;
      for (const size of SIZES) {
        const items = split(text, size);
        expect(units(items).map((u) => (u as { eventID: string }).eventID)).toEqual(["a", "b", "d", "e"]);
        const found = problems(items);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ reason: "record.cut_short", index: 2, records: 1 });
        expect(text.slice(found[0]?.offset, (found[0]?.offset ?? 0) + (found[0]?.length ?? 0))).toBe(
          found[0]?.kind === "problem" ? found[0].text : "",
        );
        expect(found[0]?.kind === "problem" ? found[0].text.startsWith(cut) : false).toBe(true);
      }
    }
  });

  it("resynchronises after a record cut short inside a Records array, and counts the indexes on", () => {
    const [ra, rb, rc] = ["a", "b", "c"].map((id) => JSON.stringify(rec(id)));
    const text = `{"Records":[${ra},${(rb as string).slice(0, 40)},${rc}]}`;
    for (const size of SIZES) {
      const items = split(text, size);
      expect(units(items).map((u) => (u as { eventID: string }).eventID)).toEqual(["a", "c"]);
      expect(items.map((i) => [i.kind, i.index])).toEqual([
        ["unit", 0],
        ["problem", 1],
        ["unit", 2],
      ]);
    }
  });

  it("reports garbage between records with its text and keeps the records after it", () => {
    const [ra, rb] = ["a", "b"].map((id) => JSON.stringify(rec(id)));
    const pretty = (id: string) => JSON.stringify(rec(id), null, 2);
    const texts: [string, string][] = [
      [`{"Records":[${ra}, garb"age {, ${rb}]}`, 'garb"age {, '],
      [`{"Records":[${ra}, <<garbage>>, ${rb}]}`, "<<garbage>>"],
      [`${pretty("a")}\n%%% not "json" {{ %%%\n${pretty("b")}`, '%%% not "json" {{ %%%'],
      [`${pretty("a")}\n%%% not json %%%\n${pretty("b")}`, "%%% not json %%%"],
    ];
    for (const [text, garbage] of texts)
      for (const size of SIZES) {
        const items = split(text, size);
        expect(units(items).map((u) => (u as { eventID: string }).eventID)).toEqual(["a", "b"]);
        const found = problems(items);
        expect(found.map((p) => (p.kind === "problem" ? p.text.trim() : "")).join("")).toContain(
          garbage.trim().slice(0, 8),
        );
      }
    // In JSON-lines a garbage line is a unit of its own, which the pipeline rejects; the next line is read.
    const lines = split(`${ra}\n<<<garbage "with a quote and a { brace>>>\n${rb}\n`, 7);
    expect(lines.map((i) => i.kind)).toEqual(["unit", "unit", "unit"]);
  });

  it("loses nothing when a Records wrapper never closes, and reports a last record that was cut", () => {
    const [ra, rb] = ["a", "b"].map((id) => JSON.stringify(rec(id)));
    expect(problems(split(`{"Records":[${ra},${rb}`))).toEqual([]);
    const cut = split(`{"Records":[${ra},${rb},${JSON.stringify(rec("c")).slice(0, 70)}`, 9);
    expect(units(cut)).toHaveLength(2);
    expect(problems(cut)).toMatchObject([{ reason: "record.truncated", index: 2, records: 1 }]);
  });

  it("keeps a rejected piece's whole text up to the limit, else its start with its offset and length", () => {
    const big = JSON.stringify(rec("big", { pad: "x".repeat(5000) }));
    const text = `{"Records":[${JSON.stringify(rec("a"))},${big},${JSON.stringify(rec("c"))}]}`;
    const items = split(text, 256, 1000);
    const [p] = problems(items);
    expect(p).toMatchObject({
      reason: "record.too_large",
      offset: text.indexOf(big),
      length: big.length,
      records: 1,
    });
    expect(p?.kind === "problem" && big.startsWith(p.text)).toBe(true);
    expect(p?.kind === "problem" ? p.detail : "").toContain(
      `${text.indexOf(big)} to ${text.indexOf(big) + big.length}`,
    );
  });

  it("says how many records a piece of garbage spans, or that it cannot tell", () => {
    const two = `${JSON.stringify(rec("x"))}${JSON.stringify(rec("y"))}`.replaceAll("{", "(");
    const items = split(
      `${JSON.stringify(rec("a"), null, 2)}\n${two}\n${JSON.stringify(rec("b"), null, 2)}\n???\n`,
    );
    expect(units(items)).toHaveLength(2);
    expect(problems(items).map((p) => (p.kind === "problem" ? p.records : -1))).toEqual([2, null]);
    expect(recordsSpanned('{"eventID": "x", "eventTime": ')).toBe(1);
  });

  it("reads the records of `aws cloudtrail lookup-events` output, pretty-printed or one Event per line", () => {
    const event = (id: string) => ({
      EventId: id,
      EventName: "GetObject",
      ReadOnly: "true",
      EventTime: "2021-11-18T09:41:02-08:00",
      EventSource: "s3.amazonaws.com",
      CloudTrailEvent: JSON.stringify(rec(id)),
    });
    const pretty = JSON.stringify({ Events: [event("a"), event("b")], NextToken: "t" }, null, 4);
    for (const size of SIZES) expect(units(split(pretty, size))).toEqual([event("a"), event("b")]);
    const lines = `${JSON.stringify(event("a"))}\n${JSON.stringify(event("b"))}\n`;
    expect(units(split(lines))).toEqual([event("a"), event("b")]);
  });
});
