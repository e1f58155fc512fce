import { type MessagePort, parentPort } from "node:worker_threads";
import type { FileIdentity } from "../sources/source.js";
import { type DecodedPart, decodeFile, type FileDecodeOptions } from "./file-decode.js";

/**
 * A decode worker (src/pipeline/decode-pool.ts): decodes the files it is given one at a time, posting each part
 * and waiting for the main thread to take it when `MAX_UNTAKEN` parts are waiting, so memory stays flat whatever
 * the file's size or the writer's pace.
 */

export type ToWorker =
  | { kind: "decode"; id: number; file: FileIdentity; options: FileDecodeOptions }
  | { kind: "taken"; id: number };
export type FromWorker =
  | { kind: "part"; id: number; part: DecodedPart }
  | { kind: "done"; id: number }
  | { kind: "failed"; id: number; message: string };

const MAX_UNTAKEN = 2;

const port = parentPort;
if (port === null) throw new Error("decode.worker runs as a worker thread");

function transfers(part: DecodedPart): ArrayBuffer[] {
  const f = part.events.folded;
  return [f.keys, f.keyEnds, f.usageOf, f.sessionOf, f.times, f.errors, f.agentOf, f.sessionNameOf].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** The file being decoded, how many of its parts the main thread has not taken, and who waits for one to be. */
interface Current {
  id: number;
  untaken: number;
  onTaken: (() => void) | null;
}

function serve(port: MessagePort): void {
  let current: Current | null = null;
  const decode = async (id: number, file: FileIdentity, options: FileDecodeOptions) => {
    const task: Current = { id, untaken: 0, onTaken: null };
    current = task;
    try {
      for await (const part of decodeFile(file, options)) {
        port.postMessage({ kind: "part", id, part } satisfies FromWorker, transfers(part));
        if (++task.untaken >= MAX_UNTAKEN) await new Promise<void>((resolve) => (task.onTaken = resolve));
      }
      port.postMessage({ kind: "done", id } satisfies FromWorker);
    } catch (error) {
      port.postMessage({ kind: "failed", id, message: (error as Error).message } satisfies FromWorker);
    }
  };
  port.on("message", (message: ToWorker) => {
    if (message.kind === "decode") {
      void decode(message.id, message.file, message.options);
      return;
    }
    // Parts of a file already done may be taken after the next one started: only the current file's count.
    const task = current;
    if (task === null || task.id !== message.id) return;
    task.untaken--;
    const resume = task.onTaken;
    task.onTaken = null;
    resume?.();
  });
}

serve(port);
