import { Worker } from "node:worker_threads";
import { DomainError } from "../shared/errors.js";
import type { FileIdentity } from "../sources/source.js";
import type { FromWorker, ToWorker } from "./decode.worker.js";
import type { DecodedPart, FileDecodeOptions, FileDecoder } from "./file-decode.js";

/**
 * A small pool of decode workers (worker_threads) for file ingest: each file goes to an idle worker, which posts
 * its parts as it decodes them; the main thread takes them in file order and only writes batches. Its own rather
 * than piscina's: a task here is a stream of parts with back-pressure (a worker waits while two of its parts are
 * not taken), which a one-task-one-result pool does not give, and it is ~100 lines.
 */

/** A decode worker failed on a file, or stopped: the ingest stops after committing what came before. */
export class DecodeFailedError extends DomainError<"ingest.decode_failed"> {
  constructor(message: string) {
    super("ingest.decode_failed", message);
  }
}

/** One file's parts as they arrive, read in order by the session. */
class Task implements AsyncIterable<DecodedPart> {
  readonly parts: DecodedPart[] = [];
  ended = false;
  failure: Error | null = null;
  /** The worker decoding it, once it has one. */
  worker: Worker | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly id: number,
    readonly file: FileIdentity,
    readonly options: FileDecodeOptions,
  ) {}

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
        this.worker?.postMessage({ kind: "taken", id: this.id } satisfies ToWorker);
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
  task: Task | null;
}

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
export function decodePool(size: number): FileDecoder {
  const waiting: Task[] = [];
  let nextId = 0;
  let broken: Error | null = null;
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: startWorker(), task: null }));

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.task !== null) continue;
      const task = waiting.shift();
      if (task === undefined) return;
      slot.task = task;
      task.worker = slot.worker;
      slot.worker.postMessage({
        kind: "decode",
        id: task.id,
        file: task.file,
        options: task.options,
      } satisfies ToWorker);
    }
  };
  const fail = (error: Error) => {
    broken ??= error;
    for (const task of [...waiting.splice(0), ...slots.map((s) => s.task)]) {
      if (task === null) continue;
      task.failure = broken;
      task.notify();
    }
  };

  for (const slot of slots) {
    slot.worker.on("message", (message: FromWorker) => {
      const task = slot.task;
      if (task === null || task.id !== message.id) return;
      if (message.kind === "part") task.parts.push(message.part);
      else {
        if (message.kind === "failed")
          task.failure = new DecodeFailedError(`decoding ${task.file.path}: ${message.message}`);
        else task.ended = true;
        slot.task = null;
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
    lookahead: size,
    decode(file, options = {}) {
      const task = new Task(nextId++, file, options);
      if (broken) task.failure = broken;
      else {
        waiting.push(task);
        dispatch();
      }
      return task;
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
