import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { Readable, type Transform } from "node:stream";
import { TextDecoder } from "node:util";
import { createGunzip, gunzipSync } from "node:zlib";
import { DomainError } from "../../shared/errors.js";

/** A problem reading the bytes of an input (as opposed to a problem with one record in it). */
export class InputReadError extends DomainError {
  constructor(
    readonly reason: "gzip.corrupt" | "gzip.too_large" | "file.unreadable",
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
export const WHOLE_GZIP_LIMIT = 8 * 1024 * 1024;
/** The most a gzip file inflated in one call may inflate to; past it, it streams (a gzip bomb among them). */
const WHOLE_INFLATED_LIMIT = 128 * 1024 * 1024;
/**
 * The most one gzip input may inflate to. CloudTrail's files inflate to a few MB; a 1 MB gzip bomb inflates to
 * 1 GiB. Past the cap the input is set aside as gzip.too_large, after the records read before it.
 */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export interface ReadTextOptions {
  /** The most a gzip input may inflate to (MAX_INFLATED_BYTES). */
  maxInflatedBytes?: number;
}

/**
 * Whole-buffer gunzip with its output in one piece, so the inflated bytes are not copied again from zlib's default
 * 16 KB chunks. The gzip trailer's ISIZE (uncompressed size mod 2^32, of the last member) sizes the output; if it is
 * wrong the output is simply assembled from more chunks.
 */
function gunzipWhole(bytes: Buffer, limit: number): Buffer {
  const isize = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  return gunzipSync(bytes, {
    chunkSize: Math.min(Math.max(isize + 1, 64 * 1024), limit + 1),
    maxOutputLength: limit,
  });
}

/**
 * Bytes read whole, gunzipped in one call when they start with the gzip magic bytes; null when they are truncated,
 * corrupt or inflate past the limit (the caller streams them instead, or leaves them to whoever does).
 */
function inflateWhole(bytes: Buffer, cap: number): Buffer | null {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipWhole(bytes, Math.min(cap, WHOLE_INFLATED_LIMIT));
  } catch {
    return null;
  }
}

/** A file's bytes when it is read whole (at most WHOLE_GZIP_LIMIT on disk), else null: it streams. */
async function readWhole(path: string): Promise<Buffer | null> {
  try {
    return (await stat(path)).size <= WHOLE_GZIP_LIMIT ? await readFile(path) : null;
  } catch (error) {
    throw new InputReadError("file.unreadable", (error as Error).message);
  }
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
export async function* readText(
  path: string,
  stdin: Readable = process.stdin,
  options: ReadTextOptions = {},
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  const cap = options.maxInflatedBytes ?? MAX_INFLATED_BYTES;
  if (path !== "-") {
    const bytes = await readWhole(path);
    if (bytes !== null) yield* wholeText(bytes, decoder, cap);
    else yield* streamText(createReadStream(path, { highWaterMark: CHUNK }), decoder, cap);
    return;
  }
  yield* streamText(stdin, decoder, cap);
}

/**
 * The text of bytes already in memory (a file read whole, an S3 object fetched whole), gunzipped in one call when
 * they start with the gzip magic bytes; the same text, and the same errors, as reading them from a file.
 */
export function bytesText(bytes: Uint8Array, options: ReadTextOptions = {}): AsyncGenerator<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return wholeText(buffer, new TextDecoder("utf-8"), options.maxInflatedBytes ?? MAX_INFLATED_BYTES);
}

/** The text of bytes read whole, or null when they cannot be inflated whole. */
function inflatedText(bytes: Buffer, decoder: TextDecoder, cap: number): string | null {
  const inflated = inflateWhole(bytes, cap);
  return inflated === null ? null : textOf(inflated, decoder);
}

async function* wholeText(bytes: Buffer, decoder: TextDecoder, cap: number): AsyncGenerator<string> {
  // The inflated bytes are not held across the yield (only their text is): they die young instead of waiting,
  // promoted, for a full GC while the text is decoded (docs/performance.md).
  const text = inflatedText(bytes, decoder, cap);
  if (text !== null) yield text;
  // Truncated, corrupt or inflating past the limit: stream it instead, to keep every record before the damage and
  // never hold more than a chunk of what it inflates to.
  else yield* streamText(Readable.from([bytes], { objectMode: false }), decoder, cap);
}

/** A file's bytes read whole and gunzipped; `own`: allocated by this read, so `releaseBytes` may free them. */
export interface WholeBytes {
  bytes: Buffer;
  own: boolean;
}

/**
 * The bytes `readText` (or `bytesText`, for `given`) would decode in one piece, gunzipped; null when it would stream
 * them (a file over WHOLE_GZIP_LIMIT), or they cannot be read or inflated whole (readText then reports why).
 */
export async function wholeFileBytes(
  path: string,
  given?: Uint8Array,
  options: ReadTextOptions = {},
): Promise<WholeBytes | null> {
  let raw: Buffer | null;
  try {
    raw =
      given !== undefined
        ? Buffer.from(given.buffer, given.byteOffset, given.byteLength)
        : await readWhole(path);
  } catch {
    return null;
  }
  const bytes = raw === null ? null : inflateWhole(raw, options.maxInflatedBytes ?? MAX_INFLATED_BYTES);
  return bytes === null ? null : { bytes, own: given === undefined || bytes !== raw };
}

/**
 * Frees bytes this module read now instead of at the next full GC: their memory moves into a clone that dies young.
 * A file's bytes outlive many young collections while its records are decoded, so they are promoted, and a decode
 * worker otherwise held several files' worth at once (docs/performance.md). Small buffers (Node's shared pool among
 * them) are left alone.
 */
export function releaseBytes(whole: WholeBytes): void {
  const buffer = whole.bytes.buffer;
  if (whole.own && buffer instanceof ArrayBuffer && buffer.byteLength >= 64 * 1024)
    structuredClone(buffer, { transfer: [buffer] });
}

/**
 * The text of a byte stream (an S3 object's body), gunzipped when it starts with the gzip magic bytes, in chunks as
 * they arrive: the same decoding as a file's, the same inflation cap. Throws InputReadError after yielding
 * everything that could be read.
 */
export function readStreamText(source: Readable, options: ReadTextOptions = {}): AsyncGenerator<string> {
  return streamText(source, new TextDecoder("utf-8"), options.maxInflatedBytes ?? MAX_INFLATED_BYTES);
}

async function* streamText(source: Readable, decoder: TextDecoder, cap: number): AsyncGenerator<string> {
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
      for (let r: IteratorResult<Buffer> = first; !r.done; r = await it.next()) {
        // Stopped at the inflation cap: read no further.
        if (gunzip.destroyed) return;
        if (!gunzip.write(r.value)) await drained(gunzip);
      }
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error as Error);
    }
  };
  const feeding = feed();
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > cap) {
        gunzip.destroy();
        source.destroy();
        throw new InputReadError("gzip.too_large", `the gzip stream inflates past ${cap} bytes`);
      }
      yield decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    if (error instanceof InputReadError) throw error;
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

/** Resolves when the stream wants more, or is gone (destroyed at the inflation cap). */
function drained(stream: Transform): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}
