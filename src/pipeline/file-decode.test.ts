import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { generateRecords } from "../../test/support/records.js";
import { normaliseRecord } from "../cloudtrail/normalise.js";
import { RecordSplitter } from "../sources/files/split-records.js";
import { decodeFile } from "./file-decode.js";
import { type DecodedReject, decodeText } from "./record-decoder.js";

const records = [...generateRecords(30, { seed: 9, denialRate: 0.3 })].map((r) => JSON.stringify(r));

/** What decoding gave, in a form both paths can be compared in. */
interface Outcome {
  records: number;
  stored: string[];
  rejects: { reason: string; position: string; raw: string }[];
  chars: number;
}

const rejectOf = (r: DecodedReject) => ({ reason: r.reason, position: r.place.position, raw: r.raw });

/** The file as every file was decoded before the cut: the splitter's record texts, one by one. */
function bySplitter(text: string, location: string): Outcome {
  const out: Outcome = { records: 0, stored: [], rejects: [], chars: 0 };
  const splitter = new RecordSplitter();
  for (const item of [...splitter.push(text), ...splitter.end()]) {
    const place = { location, position: `record ${item.index}` };
    if (item.kind !== "unit") {
      out.rejects.push({ reason: item.reason, position: place.position, raw: item.text });
      continue;
    }
    out.chars += item.text.length;
    decodeText(item.text, place, {
      record: (record, raw) => {
        out.records++;
        if (normaliseRecord(record).class !== "usage") out.stored.push(raw);
      },
      reject: (r) => out.rejects.push(rejectOf(r)),
      ignored: () => {},
    });
  }
  return out;
}

async function byDecodeFile(path: string, partRecords: number): Promise<Outcome> {
  const info = statSync(path);
  const out: Outcome = { records: 0, stored: [], rejects: [], chars: 0 };
  for await (const part of decodeFile({ path, size: info.size, mtimeMs: info.mtimeMs }, {}, partRecords)) {
    out.records += part.records;
    out.chars += part.chars;
    out.rejects.push(...part.rejects.map(rejectOf));
    out.stored.push(...part.events.stored.map((s) => s.raw));
  }
  return out;
}

describe("decoding a file cut at its records' starts", () => {
  const lookAlike = (i: number) =>
    JSON.stringify({
      ...JSON.parse(records[i] as string),
      requestParameters: { items: [{ a: 1 }, { eventVersion: "1.08", eventID: "inner" }] },
    });
  const cases: [string, string[]][] = [
    ["CloudTrail's layout", records],
    // Not cut: the splitter reads the bytes already read.
    ["pretty-printed records", records.map((r) => JSON.stringify(JSON.parse(r), null, 2))],
    ["a record holding a look-alike object", records.map((r, i) => (i === 7 ? lookAlike(i) : r))],
    ["a damaged record", records.map((r, i) => (i === 12 ? r.slice(0, 200) : r))],
    [
      "a record with text beyond ASCII",
      records.map((r, i) => (i === 3 ? r.replace('"eventName":"', '"eventName":"☃ü') : r)),
    ],
    [
      "a record without an eventID",
      records.map((r, i) => (i === 20 ? r.replace(/"eventID":"[^"]*",/, "") : r)),
    ],
  ];

  it.each(cases)("decodes %s exactly as the splitter would, across parts", async (_name, texts) => {
    const text = `{"Records":[${texts.join(",")}]}`;
    const path = join(tempDir(), "f.json.gz");
    writeFileSync(path, gzipSync(text));
    const expected = bySplitter(text, path);
    expect(expected.records + expected.rejects.length).toBeGreaterThanOrEqual(29);
    // Parts of 4 records: the fallback to the splitter comes after parts were already handed over.
    const decoded = await byDecodeFile(path, 4);
    expect(decoded.records).toBe(expected.records);
    expect(decoded.chars).toBe(expected.chars);
    expect(decoded.rejects).toEqual(expected.rejects);
    // Denials and evidence in order, with their text as it came (usage events are folded).
    expect(decoded.stored).toEqual(expected.stored);
    expect(decoded.stored.length).toBeGreaterThan(3);
  });
});
