import type { Store } from "../db/store.js";
import type { Logger } from "../shared/logger.js";
import { EXAMPLES_MIXED, examplesStatus } from "./examples.js";
import { type StagePace, serverPace } from "./stage-pace.js";
import { runStagesAfterStore } from "./stages.js";

/**
 * The stages after storing, as a long-running process runs them: one run at a time, and a burst of commits served by
 * one more run rather than a run each. A failed run is logged and never thrown to the writer that asked for it:
 * its commit stands (a push is answered 200, not 500), and the stages stay due until a later run succeeds.
 */
export interface StageRunner {
  /** Runs the stages after a commit: resolves once a run that started after the call has ended. */
  afterCommit(): Promise<void>;
  /** Runs the stages only when a failed run left them due (the housekeeping poller calls this). */
  catchUp(): Promise<void>;
  /** True while a failed run's work is still to do. */
  due(): boolean;
}

/**
 * `pace`: the server's by default (bounded steps, the event loop turning between them, so /healthz and reads are
 * answered during a long run); tests pass one that counts its pauses.
 */
export function createStageRunner(options: { store: Store; logger: Logger; pace?: StagePace }): StageRunner {
  const { store, logger } = options;
  const pace = options.pace ?? serverPace();
  const state = {
    current: null as Promise<void> | null,
    next: null as Promise<void> | null,
    due: false,
    warnedMixed: false,
  };
  const runOnce = async (): Promise<void> => {
    try {
      await runStagesAfterStore(store, pace);
      state.due = false;
      // Real data has just joined the bundled examples (or was there): said once per process.
      if (!state.warnedMixed && examplesStatus(store) === "mixed") {
        state.warnedMixed = true;
        logger.warn({ examples: "mixed" }, EXAMPLES_MIXED);
      }
    } catch (error) {
      state.due = true;
      logger.warn(
        { err: error },
        "stages after storing failed; what was stored is kept and they run again later",
      );
    }
  };
  const schedule = (): Promise<void> => {
    if (state.current === null) {
      state.current = runOnce().finally(() => {
        state.current = null;
      });
      return state.current;
    }
    // A run is under way, begun before this caller's commit: one more run after it serves every such caller.
    state.next ??= state.current.then(() => {
      state.next = null;
      return schedule();
    });
    return state.next;
  };
  return {
    afterCommit: schedule,
    catchUp: () => (state.due ? schedule() : Promise.resolve()),
    due: () => state.due,
  };
}
