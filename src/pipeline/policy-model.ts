import type { Store } from "../db/store.js";
import type { StoredPolicyChange, StoredPolicySnapshot } from "../db/store.types.js";
import {
  type AwsManagedPolicies,
  applyChange,
  catalogueActionFacts,
  createAwsManagedPolicies,
  createPolicyCompiler,
  type PolicyChange,
  type PolicyHistoryEntry,
  type PolicyImport,
  type PolicyView,
  type Provenance,
  replayHistory,
} from "../policy/index.js";

/**
 * The policy model of a store: replayed from its history (imports at the time their data was captured, trail
 * changes at their event times) and kept in the store object until the policy store's generation moves. New trail
 * changes that are all at or after the newest one applied are applied to the held model; anything else (an import,
 * a change from the past) replays the whole history, so an import never overwrites newer changes.
 */
export interface PolicyState extends PolicyView {
  awsManaged: AwsManagedPolicies;
  /** The policy store's generation this model was built at. */
  generation: number;
  /** Imports it holds (the store's ids), and the last change row and change time applied. */
  importIds: string;
  lastChangeRowid: number;
  changeCount: number;
  latest: number;
  /** Stored rows that could not be read (their history is left out), for answers to say so. */
  unreadable: string[];
}

const MODEL = "policy-model";
const AWS_MANAGED = "aws-managed-policies";

const importSources: Record<PolicyImport["kind"], Provenance["source"]> = {
  iam: "iam-import",
  org: "org-import",
  "org-none": "org-import",
  "resource-policy": "resource-policy-import",
};

/** A stored import as the model applies it, or undefined when its kind or JSON cannot be read. */
export function importEntry(row: StoredPolicySnapshot): PolicyImport | undefined {
  if (!Object.hasOwn(importSources, row.kind)) return undefined;
  const kind = row.kind as PolicyImport["kind"];
  const from: Provenance = {
    source: importSources[kind],
    at: new Date(row.capturedAt).toISOString(),
    ref: row.ref,
  };
  if (kind === "org-none") return { kind, from };
  try {
    return { kind, snapshot: JSON.parse(row.snapshot), from } as PolicyImport;
  } catch {
    return undefined;
  }
}

function changeOf(row: StoredPolicyChange): PolicyChange | undefined {
  try {
    return JSON.parse(row.change) as PolicyChange;
  } catch {
    return undefined;
  }
}

/** The store's AWS managed policies (the package's data, loaded on first lookup or when warmed), one per store. */
export function managedPolicies(store: Store): AwsManagedPolicies {
  return store.remember(AWS_MANAGED, 0, () => createAwsManagedPolicies());
}

/** Makes `policies` the store's AWS managed policies (a process that loads them its own way; tests count loads). */
export function holdManagedPolicies(store: Store, policies: AwsManagedPolicies): void {
  store.remember(AWS_MANAGED, 0, () => policies);
}

/** The model of the store as it is now (see PolicyState). */
export function currentPolicies(store: Store): PolicyState {
  const awsManaged = managedPolicies(store);
  return store.remember<PolicyState>(MODEL, store.policies.generation(), (held) =>
    held ? updated(store, held.value) : rebuilt(store, awsManaged),
  );
}

/** Brings the held model up to date, when the process holds one (a server): called after storing. */
export function refreshPolicyModel(store: Store): void {
  if (store.holds(MODEL)) currentPolicies(store);
}

function importIdsOf(store: Store): string {
  return store.policies
    .imports()
    .map((i) => i.id)
    .join(",");
}

function rebuilt(store: Store, awsManaged: AwsManagedPolicies): PolicyState {
  const p = store.policies;
  // Read together: the rows and the generation of one committed state.
  return store.read(() => {
    const generation = p.generation();
    const unreadable: string[] = [];
    const entries: PolicyHistoryEntry[] = [];
    for (const row of p.snapshots()) {
      const entry = importEntry(row);
      if (entry) entries.push({ type: "import", entry });
      else unreadable.push(`import ${row.id} (${row.kind} ${row.ref}) could not be read`);
    }
    const lastChangeRowid = p.lastChangeRowid();
    const changeCount = p.changeCount();
    let latest = Number.NEGATIVE_INFINITY;
    for (const row of p.changes()) {
      const change = changeOf(row);
      if (!change) unreadable.push(`the change of event ${row.eventId} could not be read`);
      else entries.push({ type: "change", change });
      latest = Math.max(latest, row.at);
    }
    const model = replayHistory(entries);
    const compiler = createPolicyCompiler();
    const importIds = importIdsOf(store);
    return {
      model,
      compiler,
      awsManaged,
      actionFacts: catalogueActionFacts,
      generation,
      importIds,
      lastChangeRowid,
      changeCount,
      latest,
      unreadable,
    };
  });
}

function updated(store: Store, held: PolicyState): PolicyState {
  const p = store.policies;
  return store.read(() => {
    const fresh = p.changesAfter(held.lastChangeRowid);
    const sameImports = importIdsOf(store) === held.importIds;
    const inOrder = fresh.every((c) => c.at >= held.latest);
    // Changes cleared and extracted again reuse rowids: the count tells.
    const appended = p.changeCount() === held.changeCount + fresh.length;
    if (!sameImports || !inOrder || !appended) return rebuilt(store, held.awsManaged);
    let latest = held.latest;
    const unreadable = [...held.unreadable];
    for (const row of fresh) {
      const change = changeOf(row);
      if (change) applyChange(held.model, change);
      else unreadable.push(`the change of event ${row.eventId} could not be read`);
      latest = Math.max(latest, row.at);
    }
    const lastChangeRowid = Math.max(held.lastChangeRowid, p.lastChangeRowid());
    const changeCount = held.changeCount + fresh.length;
    return { ...held, generation: p.generation(), lastChangeRowid, changeCount, latest, unreadable };
  });
}
