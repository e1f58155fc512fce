import type { StoredFacts, StoredObservations } from "../db/store.types.js";

/*
 * The classifier reads what the store keeps, in the store's own shapes (src/db/store.types.ts is their one home);
 * only `chains` is optional here, so hand-built inputs in tests and callers may leave it out.
 */
export type {
  ChainObservation,
  DenialObservation,
  SessionObservation,
  UsageFact,
  UsageObservation,
} from "../db/store.types.js";

/**
 * Everything the classifier reads. `evidence` are the raw successful evidence records (task definitions, trust
 * policies, service AssumeRole events with their `roleSessionName`, …); `chains` are the roles that role sessions
 * assumed (none when left out).
 */
export interface ClassifierInput extends Omit<StoredObservations, "chains"> {
  chains?: StoredObservations["chains"];
}

/** ClassifierInput with usage as facts (one per principal and agent class): what `classifyFacts` reads. */
export interface ClassifierFacts extends Omit<StoredFacts, "chains"> {
  chains?: StoredFacts["chains"];
}
