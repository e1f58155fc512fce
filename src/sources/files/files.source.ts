import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { FileIdentity, Source, SourceChunk, SourceItem } from "../source.js";
import { InputReadError, readText } from "./read-text.js";
import { RecordSplitter, type SplitItem } from "./split-records.js";
import { expandPaths } from "./walk.js";

export interface FileSourceOptions {
  /** Stored as the source of what is read. Default 'file'. */
  name?: string;
  /** What '-' reads. Default: the process's standard input. */
  stdin?: Readable;
}

/**
 * Files, directories (recursively) and '-' (standard input). Files already read to the end with the same size and
 * mtime are skipped; any other file is read whole, and the event-id ledger makes re-reading the part of a file that
 * an interrupted run had already stored harmless. Yields a chunk per piece of text read.
 */
export function fileSource(paths: string[], options: FileSourceOptions = {}): Source<void> {
  return {
    name: options.name ?? "file",
    async *read({ progress }) {
      for await (const path of expandPaths(paths)) {
        let identity: FileIdentity | null = null;
        if (path !== "-") {
          const info = await stat(path);
          identity = { path: resolve(path), size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
          if (progress.isFileDone(identity.path, identity.size, identity.mtimeMs)) {
            yield [{ kind: "file-skipped", path: identity.path }];
            continue;
          }
        }
        yield* readFile(path, identity?.path ?? "-", options.stdin);
        yield [{ kind: "file-done", file: identity }];
      }
    },
  };
}

async function* readFile(
  path: string,
  location: string,
  stdin: Readable | undefined,
): AsyncGenerator<SourceChunk> {
  const splitter = new RecordSplitter();
  const items = (split: SplitItem[]): SourceItem[] =>
    split.map((item): SourceItem => {
      const place = {
        location,
        position: item.index !== null ? `record ${item.index}` : `line ${item.line}`,
      };
      return item.kind === "unit"
        ? { kind: "text", text: item.text, place }
        : { kind: "reject", reason: item.reason, detail: item.detail, raw: item.text, place };
    });
  try {
    for await (const chunk of readText(path, stdin)) yield items(splitter.push(chunk));
    yield items(splitter.end());
  } catch (error) {
    if (!(error instanceof InputReadError)) throw error;
    // Everything decoded before the damage has been taken; what follows it is reported once for the file.
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
