import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * How the stages after storing share the thread. A command runs them whole; a server runs them in bounded steps
 * and lets the event loop turn between steps, so /healthz and reads are answered during a long run (a large push,
 * a backfill). Each step is one transaction (or one pure computation) of its own; the results are the same.
 */
export interface StagePace {
  /** Denials analysed per transaction. */
  denials: number;
  /** Evidence events read per transaction by the policy-change extraction. */
  evidence: number;
  /** Called between steps. */
  pause(): Promise<void>;
}

/** A command's pace: large transactions, nothing else to serve. */
export const wholePace: StagePace = { denials: 50_000, evidence: 5_000, pause: async () => {} };

/** A server's pace: steps of a few tens of milliseconds, the event loop turning between them. */
export function serverPace(pause: () => Promise<void> = () => nextTurn()): StagePace {
  return { denials: 1_000, evidence: 2_000, pause };
}
