import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { type FileIdentity, type Progress, type SourceChunk, SourceOptionError } from "../source.js";
import { InputReadError, readText } from "./read-text.js";
import { expandPaths } from "./walk.js";

/** Command-line paths that cannot work: none, or one that does not exist ('-' is standard input). */
export function checkPaths(paths: string[], what: string): void {
  if (paths.length === 0)
    throw new SourceOptionError(`no input: give one or more ${what}, directories, or -`);
  const missing = paths.filter((p) => p !== "-" && !existsSync(p));
  if (missing.length > 0) throw new SourceOptionError(`no such file or directory: ${missing.join(", ")}`);
}

/**
 * Every file the paths name (directories walked for the names `accept` takes), each read by `read` as text chunks
 * turned into items by `items`, then marked done. A file already read to the end with the same size and mtime is
 * skipped without reading. A file that cannot be read, or whose gzip stream breaks, is reported once for the file
 * after everything decoded before the damage.
 */
export async function* eachFile(options: {
  paths: string[];
  accept?: (name: string) => boolean;
  progress: Progress;
  stdin?: Readable | undefined;
  /** A new reader of one file's text: chunks in, items out; `end` flushes what it holds back. */
  reader: (location: string) => { push(text: string): SourceChunk; end(): SourceChunk };
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
    const location = identity?.path ?? "-";
    const reader = options.reader(location);
    try {
      for await (const text of readText(path, options.stdin)) yield reader.push(text);
      yield reader.end();
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
    yield [{ kind: "file-done", file: identity }];
  }
}
