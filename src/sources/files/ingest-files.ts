import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { IngestWriter } from "../../db/ingest.repository.js";
import type { IngestSession, Place } from "../../ingest/ingest-session.js";
import { InputReadError, readText } from "./read-text.js";
import { RecordSplitter, type SplitItem } from "./split-records.js";
import { expandPaths } from "./walk.js";

export interface IngestFilesOptions {
  session: IngestSession;
  writer: IngestWriter;
  stdin?: Readable;
  /** Called after each chunk of input, for progress display. */
  onProgress?: (file: string) => void;
}

/**
 * Reads files, directories (recursively) and '-' (standard input) into the session. Files already read to the end
 * with the same size and mtime are skipped; any other file is read whole, and the event-id ledger makes re-reading
 * the part of a file that an interrupted run had already stored harmless.
 */
export async function ingestFiles(paths: string[], options: IngestFilesOptions): Promise<void> {
  const { session, writer } = options;
  for await (const path of expandPaths(paths)) {
    let identity: { path: string; size: number; mtimeMs: number } | null = null;
    if (path !== "-") {
      const info = await stat(path);
      identity = { path: resolve(path), size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
      if (writer.isFileDone(identity.path, identity.size, identity.mtimeMs)) {
        session.summary.files.skipped++;
        continue;
      }
    }
    const location = identity?.path ?? "-";
    const records = await ingestOne(path, location, options);
    if (identity) session.fileDone({ ...identity, records });
    else session.summary.files.read++;
  }
  session.flush();
}

async function ingestOne(path: string, location: string, options: IngestFilesOptions): Promise<number> {
  const { session } = options;
  const splitter = new RecordSplitter();
  const before = session.summary.events;
  const handle = (items: SplitItem[]) => {
    for (const item of items) {
      const place: Place = {
        location,
        position: item.index !== null ? `record ${item.index}` : `line ${item.line}`,
      };
      if (item.kind === "unit") session.acceptText(item.text, place);
      else session.reject(item.reason, item.detail, item.text, place);
    }
  };
  try {
    for await (const chunk of readText(path, options.stdin)) {
      handle(splitter.push(chunk));
      options.onProgress?.(location);
    }
    handle(splitter.end());
  } catch (error) {
    if (!(error instanceof InputReadError)) throw error;
    // Everything decoded before the damage has been taken; what follows it is reported once for the file.
    session.reject(error.reason, error.message, "", { location, position: "" });
  }
  return session.summary.events - before;
}
