import { describe, expect, it } from "vitest";
import { RecordSplitter, type SplitItem } from "./split-records.js";

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
    expect(items.filter((i) => i.kind === "problem")).toMatchObject([{ reason: "json.invalid", index: 1 }]);
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
