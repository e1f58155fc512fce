import { describe, expect, it } from "vitest";
import { generateRecords } from "../../../test/support/records.js";
import { type CutLimits, cutRecordsArray as cutBytes } from "./records-array.js";
import { RecordSplitter } from "./split-records.js";

const records = [...generateRecords(40, { seed: 3, denialRate: 0.2 })] as Record<string, unknown>[];

/** The record texts the cut gives for a whole text's UTF-8 bytes, or null. */
function cutRecordsArray(text: string, limits?: CutLimits): string[] | null {
  const bytes = Buffer.from(text);
  const cuts = cutBytes(bytes, limits);
  if (cuts === null) return null;
  return Array.from({ length: cuts.length / 2 }, (_, i) =>
    bytes.toString("utf8", cuts[2 * i] as number, cuts[2 * i + 1] as number),
  );
}

/** The record texts the splitter gives for a whole text. */
function splitterUnits(text: string): string[] {
  const splitter = new RecordSplitter();
  return [...splitter.push(text), ...splitter.end()].flatMap((item) =>
    item.kind === "unit" ? [item.text] : [],
  );
}

describe("cutting a CloudTrail log file at its records' starts", () => {
  it("gives exactly the splitter's record texts, with any space between the records", () => {
    const compact = records.map((r) => JSON.stringify(r));
    const unicode = { ...records[5], requestParameters: { name: '☃ ünïcödé {"eventVersion" 🙂' } };
    const shapes = [
      JSON.stringify({ Records: records }),
      `\uFEFF${JSON.stringify({ Records: [...records.slice(0, 5), unicode, ...records.slice(6)] })}`,
      `\n {"Records":[${compact.join(",\r\n")}]}\n\n`,
      `{ "Records" : [ ${compact.join(" ,\n ")} ] }`,
    ];
    for (const text of shapes) {
      const cut = cutRecordsArray(text);
      expect(cut).toHaveLength(40);
      expect(cut).toEqual(splitterUnits(text));
    }
  });

  it("leaves other shapes to the splitter", () => {
    const one = JSON.stringify(records[0]);
    const notFirst = JSON.stringify({ eventTime: "2026-11-16T00:00:00Z", ...records[0] });
    for (const text of [
      // Pretty-printed: records do not start with the exact text the cut looks for.
      JSON.stringify({ Records: records }, null, 2),
      one,
      `[${one}]`,
      `${one}\n${one}\n`,
      JSON.stringify({ Records: [] }),
      JSON.stringify({ Events: records }),
      `{"Records":[${notFirst}]}`,
      `{"Records":[${one},null]}`,
      `{"Records":[${one}]} trailing`,
      `{"Records":[${one}], "more": 1}`,
      `{"Records":[${one},\u0001${one}]}`,
    ])
      expect(cutRecordsArray(text), text.slice(0, 60)).toBeNull();
  });

  it("leaves a record the splitter would refuse as too large or too deep to the splitter", () => {
    const text = JSON.stringify({ Records: records.slice(0, 3) });
    expect(cutRecordsArray(text, { maxUnitChars: 200 })).toBeNull();
    const deep = { ...records[1], requestParameters: JSON.parse(`${"[".repeat(130)}${"]".repeat(130)}`) };
    expect(cutRecordsArray(JSON.stringify({ Records: [records[0], deep] }))).toBeNull();
    expect(cutRecordsArray(JSON.stringify({ Records: [records[0], deep] }), { maxDepth: 200 })).toHaveLength(
      2,
    );
  });

  it("refuses a look-alike object that follows anything but a record's end, and cuts before one that does", () => {
    const holding = (copy: unknown) => ({ ...records[2], requestParameters: copy });
    const lookAlike = { eventVersion: "1.08", eventID: "x" };
    // After a key: the text before it does not end a record, so the whole file goes to the splitter.
    expect(
      cutRecordsArray(JSON.stringify({ Records: [records[0], holding({ copy: lookAlike })] })),
    ).toBeNull();
    // After another object in an array: cut there, and the piece before it, a record cut short, does not parse.
    const text = JSON.stringify({
      Records: [records[0], records[1], holding({ items: [{ a: 1 }, lookAlike] }), records[3]],
    });
    const cut = cutRecordsArray(text) as string[];
    expect(cut).toHaveLength(5);
    expect(cut.slice(0, 2)).toEqual(splitterUnits(text).slice(0, 2));
    expect(() => JSON.parse(cut[2] as string)).toThrow();
  });
});
