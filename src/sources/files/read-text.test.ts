import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/db.js";
import { InputReadError, MAX_INFLATED_BYTES, readText } from "./read-text.js";

const MiB = 1024 * 1024;

/** A 1 MB file that inflates to 1 GiB: sixteen gzip members of 64 MiB of zeros each. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 16 }, () => member));
}

describe("reading gzip input", () => {
  it("stops a gzip bomb at the inflation cap, never holding more than a chunk of it", async () => {
    const path = join(tempDir(), "bomb.json.gz");
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(2 * MiB);
    writeFileSync(path, bomb);
    const cap = 48 * MiB;
    let total = 0;
    let largest = 0;
    let failure: unknown;
    const rssBefore = process.memoryUsage().rss;
    try {
      for await (const text of readText(path, undefined, { maxInflatedBytes: cap })) {
        total += text.length;
        largest = Math.max(largest, text.length);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(InputReadError);
    expect((failure as InputReadError).reason).toBe("gzip.too_large");
    // Every byte that was materialised came in chunks of at most 1 MiB, and no more than the cap in all.
    expect(largest).toBeLessThanOrEqual(MiB);
    expect(total).toBeLessThanOrEqual(cap);
    expect(total).toBeGreaterThan(cap - 2 * MiB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * MiB);
    // Without a cap given, the default still stops this file before its gibibyte.
    expect(MAX_INFLATED_BYTES).toBeLessThan(1024 * MiB);
  });

  it("reads a gzip file under the cap whole, plain and multi-member alike", async () => {
    const path = join(tempDir(), "ok.json.gz");
    writeFileSync(path, Buffer.concat([gzipSync('{"a":'), gzipSync("1}\n")]));
    const texts: string[] = [];
    for await (const text of readText(path, undefined, { maxInflatedBytes: MiB })) texts.push(text);
    expect(texts.join("")).toBe('{"a":1}\n');
  });
});
