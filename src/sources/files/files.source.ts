import type { Readable } from "node:stream";
import type { Source, SourceChunk, SourceItem } from "../source.js";
import { eachFile, fileChunks } from "./each-file.js";
import { RecordSplitter, type SplitItem } from "./split-records.js";

export interface FileSourceOptions {
  /** Stored as the source of what is read. Default 'file'. */
  name?: string;
  /** What '-' reads. Default: the process's standard input. */
  stdin?: Readable;
  /** The most a gzip input may inflate to (MAX_INFLATED_BYTES, src/sources/files/read-text.ts). */
  maxInflatedBytes?: number;
}

/**
 * A reader of one input's text (a file, standard input, a request body): record texts as items, each placed by
 * its index in a records array or its line; what is not a record as rejects with their text and span.
 */
export function recordReader(location: string) {
  const splitter = new RecordSplitter();
  const items = (split: SplitItem[]): SourceItem[] =>
    split.map((item): SourceItem => {
      const place = {
        location,
        position: item.index !== null ? `record ${item.index}` : `line ${item.line}`,
      };
      return item.kind === "unit"
        ? { kind: "text", text: item.text, place }
        : {
            kind: "reject",
            reason: item.reason,
            detail: item.detail,
            raw: item.text,
            place,
            records: item.records,
          };
    });
  return { push: (text: string) => items(splitter.push(text)), end: () => items(splitter.end()) };
}

/**
 * CloudTrail from files, directories (recursively) and '-' (standard input). Files already read to the end with the
 * same size and mtime are skipped; any other file is handed over whole (a `file` item: the pipeline reads and
 * decodes it with `fileRecordChunks`, on decode workers when it has them), and the event-id ledger makes
 * re-reading the part of a file that an interrupted run had already stored harmless. Standard input is read here,
 * a chunk per piece of text read.
 */
export function fileSource(paths: string[], options: FileSourceOptions = {}): Source<void> {
  return {
    name: options.name ?? "file",
    read: ({ progress }) =>
      eachFile({
        paths,
        progress,
        stdin: options.stdin,
        maxInflatedBytes: options.maxInflatedBytes,
        reader: recordReader,
        handOver: true,
      }),
  };
}

/**
 * The record texts of one file a source handed over, as items: read from `path`, or from `bytes` when the source
 * fetched them already (an S3 object).
 */
export function fileRecordChunks(
  path: string,
  maxInflatedBytes?: number,
  bytes?: Uint8Array,
): AsyncGenerator<SourceChunk> {
  return fileChunks(path, path, recordReader, undefined, maxInflatedBytes, bytes);
}
