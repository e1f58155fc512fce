import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { type FileIdentity, type Progress, type SourceChunk, SourceOptionError } from "../source.js";
import { bytesText, InputReadError, readText } from "./read-text.js";
import { expandPaths } from "./walk.js";

/** Command-line paths that cannot work: none, or one that does not exist ('-' is standard input). */
export function checkPaths(paths: string[], what: string): void {
  if (paths.length === 0)
    throw new SourceOptionError(`no input: give one or more ${what}, directories, or -`);
  const missing = paths.filter((p) => p !== "-" && !existsSync(p));
  if (missing.length > 0) throw new SourceOptionError(`no such file or directory: ${missing.join(", ")}`);
}

/** A new reader of one file's text: chunks in, items out; `end` flushes what it holds back. */
export type TextReader = (location: string) => { push(text: string): SourceChunk; end(): SourceChunk };

/**
 * One file's (or standard input's) items, read by `reader`. A file that cannot be read, or whose gzip stream
 * breaks, is reported once for the file after everything decoded before the damage.
 */
export async function* fileChunks(
  path: string,
  location: string,
  reader: TextReader,
  stdin?: Readable,
  maxInflatedBytes?: number,
  bytes?: Uint8Array,
): AsyncGenerator<SourceChunk> {
  const read = reader(location);
  try {
    const options = maxInflatedBytes !== undefined ? { maxInflatedBytes } : {};
    const texts = bytes !== undefined ? bytesText(bytes, options) : readText(path, stdin, options);
    for await (const text of texts) yield read.push(text);
    yield read.end();
  } catch (error) {
    if (!(error instanceof InputReadError)) throw error;
    yield [
      {
        kind: "reject",
        reason: error.reason,
        detail: error.message,
        raw: "",
        place: { location, position: "" },
      },
    ];
  }
}

/**
 * Every file the paths name (directories walked for the names `accept` takes), each read by `reader` as text
 * chunks turned into items, then marked done. With `handOver`, a file is yielded as a `file` item for the pipeline
 * to read and decode (standard input is still read here). A file already read to the end with the same size and
 * mtime is skipped without reading.
 */
export async function* eachFile(options: {
  paths: string[];
  accept?: (name: string) => boolean;
  progress: Progress;
  stdin?: Readable | undefined;
  /** The most a gzip input may inflate to (read-text.ts's MAX_INFLATED_BYTES when absent). */
  maxInflatedBytes?: number | undefined;
  reader: TextReader;
  handOver?: boolean;
}): AsyncGenerator<SourceChunk> {
  for await (const path of expandPaths(options.paths, options.accept)) {
    let identity: FileIdentity | null = null;
    if (path !== "-") {
      const info = await stat(path);
      identity = { path: resolve(path), size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
      if (options.progress.isFileDone(identity.path, identity.size, identity.mtimeMs)) {
        yield [{ kind: "file-skipped", path: identity.path }];
        continue;
      }
    }
    if (identity !== null && options.handOver) {
      const cap = options.maxInflatedBytes;
      yield [{ kind: "file", file: identity, ...(cap !== undefined ? { maxInflatedBytes: cap } : {}) }];
    } else
      yield* fileChunks(path, identity?.path ?? "-", options.reader, options.stdin, options.maxInflatedBytes);
    yield [{ kind: "file-done", file: identity }];
  }
}
