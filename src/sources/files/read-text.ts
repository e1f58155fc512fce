import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { TextDecoder } from "node:util";
import { createGunzip, gunzipSync } from "node:zlib";
import { DomainError } from "../../shared/errors.js";

/** A problem reading the bytes of an input (as opposed to a problem with one record in it). */
export class InputReadError extends DomainError {
  constructor(
    readonly reason: "gzip.corrupt" | "file.unreadable",
    message: string,
  ) {
    super(reason, message);
  }
}

const CHUNK = 1024 * 1024;
/**
 * Gzip files up to this size are inflated in one call, much faster than streaming (docs/performance.md), and
 * CloudTrail's own files are a few MB. Larger ones stream, so memory stays flat whatever the size.
 */
const WHOLE_GZIP_LIMIT = 8 * 1024 * 1024;

/**
 * Whole-buffer gunzip with its output in one piece, so the inflated bytes are not copied again from zlib's default
 * 16 KB chunks. The gzip trailer's ISIZE (uncompressed size mod 2^32, of the last member) sizes the output; if it is
 * wrong the output is simply assembled from more chunks.
 */
function gunzipWhole(bytes: Buffer): Buffer {
  const isize = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  return gunzipSync(bytes, { chunkSize: Math.min(Math.max(isize + 1, 64 * 1024), 256 * 1024 * 1024) });
}

/**
 * Text of a whole buffer. CloudTrail JSON is almost always ASCII, and an ASCII buffer's Latin-1 string is its
 * UTF-8 text: one check and a copy instead of a UTF-8 decode. Anything else (a byte over 0x7f, a BOM) goes through
 * the UTF-8 decoder.
 */
function textOf(bytes: Buffer, decoder: TextDecoder): string {
  return isAscii(bytes) ? bytes.toString("latin1") : decoder.decode(bytes);
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The text of a file or of standard input ('-'), gunzipped when it starts with the gzip magic bytes whatever its
 * name. Yields decoded text chunks; throws InputReadError after yielding everything that could be read.
 */
export async function* readText(path: string, stdin: Readable = process.stdin): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  if (path !== "-") {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      throw new InputReadError("file.unreadable", (error as Error).message);
    }
    if (size <= WHOLE_GZIP_LIMIT) {
      const bytes = await readFile(path).catch((error: Error) => {
        throw new InputReadError("file.unreadable", error.message);
      });
      if (!isGzip(bytes)) {
        yield textOf(bytes, decoder);
        return;
      }
      let inflated: Buffer;
      try {
        inflated = gunzipWhole(bytes);
      } catch {
        // Truncated or corrupt: stream it instead, to keep every record before the damage.
        yield* streamText(createReadStream(path, { highWaterMark: CHUNK }), decoder);
        return;
      }
      yield textOf(inflated, decoder);
      return;
    }
    yield* streamText(createReadStream(path, { highWaterMark: CHUNK }), decoder);
    return;
  }
  yield* streamText(stdin, decoder);
}

/**
 * The text of a byte stream (an S3 object's body), gunzipped when it starts with the gzip magic bytes, in chunks as
 * they arrive: the same decoding as a file's. Throws InputReadError after yielding everything that could be read.
 */
export function readStreamText(source: Readable): AsyncGenerator<string> {
  return streamText(source, new TextDecoder("utf-8"));
}

async function* streamText(source: Readable, decoder: TextDecoder): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (error) {
    throw new InputReadError("file.unreadable", (error as Error).message);
  }
  if (first.done) return;
  if (!isGzip(first.value)) {
    yield decoder.decode(first.value, { stream: true });
    try {
      for (let r = await it.next(); !r.done; r = await it.next())
        yield decoder.decode(r.value, { stream: true });
    } catch (error) {
      throw new InputReadError("file.unreadable", (error as Error).message);
    }
    const tail = decoder.decode();
    if (tail) yield tail;
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK });
  // Feed the compressed bytes by hand so a read error and a gzip error both surface on the gunzip iterator.
  const feed = async () => {
    try {
      if (!gunzip.write(first.value)) await onceDrain(gunzip);
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (!gunzip.write(r.value)) await onceDrain(gunzip);
      }
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error as Error);
    }
  };
  const feeding = feed();
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield decoder.decode(chunk, { stream: true });
  } catch (error) {
    const message = (error as Error).message;
    throw new InputReadError(
      /unexpected end|incorrect header|invalid|Z_/i.test(message) ? "gzip.corrupt" : "file.unreadable",
      message,
    );
  } finally {
    await feeding;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

function onceDrain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once("drain", resolve));
}
