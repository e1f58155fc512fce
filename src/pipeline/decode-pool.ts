import { Worker } from "node:worker_threads";
import { DomainError } from "../shared/errors.js";
import type { FileIdentity } from "../sources/source.js";
import type { FromWorker, ToWorker } from "./decode.worker.js";
import { type DecodedPart, type FileDecodeOptions, type FileDecoder, partWeight } from "./file-decode.js";

/**
 * A small pool of decode workers (worker_threads) for file ingest: each worker is handed a short queue of files,
 * which it decodes in order, posting each file's parts as it goes; the main thread takes them in file order and
 * only writes batches. Its own rather than piscina's: a task here is a stream of parts with back-pressure (a worker
 * waits while the parts it posted are not taken), which a one-task-one-result pool does not give.
 */

/** A decode worker failed on a file, or stopped: the ingest stops after committing what came before. */
export class DecodeFailedError extends DomainError<"ingest.decode_failed"> {
  constructor(message: string) {
    super("ingest.decode_failed", message);
  }
}

/**
 * What may be queued on each worker: enough that it goes on to its next file while the main thread commits a batch
 * (docs/performance.md), in files of any size (by their size on disk: ~35 bytes a record gzipped), while few
 * enough that a slow file does not hold many others behind it. A worker always takes at least one file.
 */
const QUEUED_BYTES_PER_WORKER = 1024 * 1024;
const QUEUED_FILES_PER_WORKER = 64;

/** Parts the workers have posted and the reader has not taken yet, and their records. */
export interface Untaken {
  parts: number;
  records: number;
}

/** A pool of decode workers: a FileDecoder that also tells what it holds decoded and not yet taken. */
export interface DecodePool extends FileDecoder {
  /** What waits to be taken, across all files: what the workers' back-pressure bounds (decode.worker.ts). */
  untaken(): Untaken;
}

/** One file's parts as they arrive, read in order by the session. */
class Task implements AsyncIterable<DecodedPart> {
  private readonly parts: DecodedPart[] = [];
  ended = false;
  failure: Error | null = null;
  /** The worker decoding it, once it has one. */
  worker: Worker | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly id: number,
    readonly file: FileIdentity,
    readonly options: FileDecodeOptions,
    /** The pool's count of parts not taken, which this task's parts join and leave. */
    private readonly untaken: Untaken,
  ) {}

  /** A part the worker posted. */
  receive(part: DecodedPart): void {
    this.parts.push(part);
    this.untaken.parts++;
    this.untaken.records += part.records;
  }

  /** A message for this task arrived. */
  notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DecodedPart> {
    for (;;) {
      const part = this.parts.shift();
      if (part !== undefined) {
        this.untaken.parts--;
        this.untaken.records -= part.records;
        this.worker?.postMessage({
          kind: "taken",
          id: this.id,
          records: partWeight(part),
        } satisfies ToWorker);
        yield part;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

interface Slot {
  worker: Worker;
  /** The files queued on it, in the order it decodes them. */
  tasks: Map<number, Task>;
  /** Their size on disk. */
  bytes: number;
}

/** Whether a file of `size` bytes may join the slot's queue. */
const fits = (slot: Slot, size: number): boolean =>
  slot.tasks.size === 0 ||
  (slot.tasks.size < QUEUED_FILES_PER_WORKER && slot.bytes + size <= QUEUED_BYTES_PER_WORKER);

/**
 * A new decode worker: the compiled module, or, from the TypeScript sources (tests, `npm run deniedby`), the
 * source loaded through tsx's API (a worker does not take `--import tsx` from its options on Node 20).
 */
function startWorker(): Worker {
  const here = import.meta.url;
  // A worker holds one file's parts at a time: a small young generation keeps each isolate's memory small.
  const resourceLimits = { maxYoungGenerationSizeMb: 12 };
  if (!here.endsWith(".ts")) return new Worker(new URL("./decode.worker.js", here), { resourceLimits });
  const url = JSON.stringify(new URL("./decode.worker.ts", here).href);
  return new Worker(`import("tsx/esm/api").then(({ tsImport }) => tsImport(${url}, ${url}))`, {
    eval: true,
    resourceLimits,
  });
}

/** A pool of `size` decode workers; `close` ends them. */
export function decodePool(size: number): DecodePool {
  const waiting: Task[] = [];
  const untaken: Untaken = { parts: 0, records: 0 };
  let nextId = 0;
  let broken: Error | null = null;
  const slots: Slot[] = Array.from({ length: size }, () => ({
    worker: startWorker(),
    tasks: new Map(),
    bytes: 0,
  }));

  /** Queues waiting files on the workers with the least queued. */
  const dispatch = () => {
    for (let task = waiting[0]; task !== undefined; task = waiting[0]) {
      const slot = slots.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      if (!fits(slot, task.file.size)) return;
      waiting.shift();
      slot.tasks.set(task.id, task);
      slot.bytes += task.file.size;
      task.worker = slot.worker;
      const { id, file, options } = task;
      slot.worker.postMessage({ kind: "decode", id, file, options } satisfies ToWorker);
    }
  };
  const fail = (error: Error) => {
    broken ??= error;
    for (const task of [...waiting.splice(0), ...slots.flatMap((s) => [...s.tasks.values()])]) {
      task.failure = broken;
      task.notify();
    }
  };

  for (const slot of slots) {
    slot.worker.on("message", (message: FromWorker) => {
      const task = slot.tasks.get(message.id);
      if (task === undefined) return;
      if (message.kind === "part") task.receive(message.part);
      else {
        if (message.kind === "failed")
          task.failure = new DecodeFailedError(`decoding ${task.file.path}: ${message.message}`);
        else task.ended = true;
        slot.tasks.delete(task.id);
        slot.bytes -= task.file.size;
        dispatch();
      }
      task.notify();
    });
    slot.worker.on("error", fail);
    slot.worker.on("exit", (code) => {
      if (code !== 0) fail(new DecodeFailedError(`a decode worker exited with code ${code}`));
    });
  }

  return {
    lookahead: size * QUEUED_FILES_PER_WORKER,
    decode(file, options = {}) {
      const task = new Task(nextId++, file, options, untaken);
      if (broken) task.failure = broken;
      else {
        waiting.push(task);
        dispatch();
      }
      return task;
    },
    untaken: () => ({ ...untaken }),
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
