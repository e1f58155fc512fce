import type { Clock } from "./clock.js";
import { errorCode, errorMessage } from "./errors.js";

/** What went wrong last, for status and /metrics. */
export interface PollError {
  code: string;
  message: string;
  /** ISO-8601. */
  at: string;
}

export interface PollerStatus {
  running: boolean;
  /** Runs finished, failed ones included. */
  runs: number;
  /** Failures since the last success: the backoff grows with them. */
  failures: number;
  /** ISO-8601, or null before the first success. */
  lastSuccessAt: string | null;
  lastError: PollError | null;
}

export interface PollerOptions {
  intervalMs: number;
  /** The longest wait after repeated failures. Default eight intervals. */
  maxBackoffMs?: number;
  clock: Clock;
  /** One round of work. A rejection counts as a failure; the poller survives it and backs off. */
  run(signal: AbortSignal): Promise<void>;
  onError?(error: PollError): void;
}

export interface Poller {
  /** Runs at once, then every interval (longer after failures) until stopped. Starting twice does nothing. */
  start(): void;
  /** Aborts the round in flight (its signal fires) and waits for it to end. */
  stop(): Promise<void>;
  status(): PollerStatus;
}

/**
 * The wait before the next round: the interval after a success; after k failures in a row, the interval doubled
 * k−1 times, capped, so a source whose credentials or table are gone is not hammered every interval.
 */
export function pollDelay(intervalMs: number, failures: number, maxBackoffMs: number): number {
  if (failures <= 1) return intervalMs;
  return Math.min(Math.max(intervalMs, maxBackoffMs), intervalMs * 2 ** (failures - 1));
}

/** The one polling loop of the process: every live source and the Slack notifier run on one of these. */
export function createPoller(options: PollerOptions): Poller {
  const { clock } = options;
  const maxBackoffMs = options.maxBackoffMs ?? options.intervalMs * 8;
  const controller = new AbortController();
  const state: PollerStatus = { running: false, runs: 0, failures: 0, lastSuccessAt: null, lastError: null };
  let loop: Promise<void> | null = null;

  const round = async (): Promise<void> => {
    state.running = true;
    try {
      await options.run(controller.signal);
      state.failures = 0;
      state.lastError = null;
      state.lastSuccessAt = new Date(clock.now()).toISOString();
    } catch (error) {
      if (controller.signal.aborted) return;
      state.failures++;
      state.lastError = {
        code: errorCode(error, "source.failed"),
        message: errorMessage(error),
        at: new Date(clock.now()).toISOString(),
      };
      options.onError?.(state.lastError);
    } finally {
      state.runs++;
      state.running = false;
    }
  };

  return {
    start() {
      loop ??= (async () => {
        while (!controller.signal.aborted) {
          await round();
          if (controller.signal.aborted) break;
          await clock
            .sleep(pollDelay(options.intervalMs, state.failures, maxBackoffMs), controller.signal)
            .catch(() => undefined);
        }
      })();
    },
    async stop() {
      controller.abort();
      await loop;
    },
    status: () => ({ ...state }),
  };
}
