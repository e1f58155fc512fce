import { type MessagePort, parentPort } from "node:worker_threads";
import type { FileIdentity } from "../sources/source.js";
import { type DecodedPart, decodeFile, type FileDecodeOptions, partWeight } from "./file-decode.js";

/**
 * A decode worker (src/pipeline/decode-pool.ts): decodes the files it is given in the order given, posting each
 * part, and waits for the main thread to take parts while `MAX_UNTAKEN_RECORDS` records are waiting, so memory
 * stays flat whatever the files' sizes or the writer's pace. It holds a queue of files so that it goes on to the
 * next one while the main thread is busy committing, rather than waiting to be handed one.
 */

export type ToWorker =
  | { kind: "decode"; id: number; file: FileIdentity; options: FileDecodeOptions }
  | { kind: "taken"; id: number; records: number };
export type FromWorker =
  | { kind: "part"; id: number; part: DecodedPart }
  | { kind: "done"; id: number }
  | { kind: "failed"; id: number; message: string };

/** Two full parts (PART_RECORDS each) decoded and not yet taken. */
const MAX_UNTAKEN_RECORDS = 10_000;

const port = parentPort;
if (port === null) throw new Error("decode.worker runs as a worker thread");

function transfers(part: DecodedPart): ArrayBuffer[] {
  const f = part.events.folded;
  return [f.keys, f.keyEnds, f.usageOf, f.sessionOf, f.times, f.errors, f.agentOf, f.sessionNameOf].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

function serve(port: MessagePort): void {
  const queue: { id: number; file: FileIdentity; options: FileDecodeOptions }[] = [];
  let untaken = 0;
  let onTaken: (() => void) | null = null;
  let running = false;

  const decodeOne = async (id: number, file: FileIdentity, options: FileDecodeOptions) => {
    try {
      for await (const part of decodeFile(file, options)) {
        port.postMessage({ kind: "part", id, part } satisfies FromWorker, transfers(part));
        untaken += partWeight(part);
        if (untaken >= MAX_UNTAKEN_RECORDS) await new Promise<void>((resolve) => (onTaken = resolve));
      }
      port.postMessage({ kind: "done", id } satisfies FromWorker);
    } catch (error) {
      port.postMessage({ kind: "failed", id, message: (error as Error).message } satisfies FromWorker);
    }
  };
  const run = async () => {
    running = true;
    for (let next = queue.shift(); next !== undefined; next = queue.shift())
      await decodeOne(next.id, next.file, next.options);
    running = false;
  };

  port.on("message", (message: ToWorker) => {
    if (message.kind === "decode") {
      queue.push(message);
      if (!running) void run();
      return;
    }
    untaken -= message.records;
    if (untaken >= MAX_UNTAKEN_RECORDS) return;
    const resume = onTaken;
    onTaken = null;
    resume?.();
  });
}

serve(port);
