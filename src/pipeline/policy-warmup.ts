import type { Store } from "../db/store.js";
import { currentPolicies, managedPolicies } from "./policy-model.js";

export type WarmupState = "cold" | "warming" | "warm" | "failed";

/**
 * Loads what the first explanation would otherwise load on a request's time: the AWS managed policies (a 77 MB data
 * package) and the policy model replayed from the store. A server starts it after it listens; /readyz says
 * `warming` meanwhile. Explanations work all along: one asked before the warm-up ends loads what it needs itself.
 */
export interface PolicyWarmup {
  /** Starts the warm-up (once; later calls return the same promise). Rejects when the data cannot be read. */
  start(): Promise<void>;
  state(): WarmupState;
}

export function createPolicyWarmup(store: Store): PolicyWarmup {
  const status = { state: "cold" as WarmupState, run: null as Promise<void> | null };
  const run = async () => {
    status.state = "warming";
    try {
      await managedPolicies(store).warm();
      // The server may have closed while the file was read.
      if (store.db.$client.open) currentPolicies(store);
      status.state = "warm";
    } catch (error) {
      status.state = "failed";
      throw error;
    }
  };
  return {
    start() {
      status.run ??= run();
      return status.run;
    },
    // Loaded by a request before (or without) a warm-up: warm all the same.
    state: () => (status.state === "cold" && managedPolicies(store).loaded() ? "warm" : status.state),
  };
}
