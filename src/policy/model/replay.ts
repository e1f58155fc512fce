import type { AccountSnapshot } from "../imports/account-snapshot.js";
import type { OrgSnapshot } from "../imports/org-directory.js";
import type { ResourcePolicySnapshot } from "../imports/resource-policy.js";
import type { PolicyChange } from "../trail/policy-change.js";
import { applyChange } from "./apply-change.js";
import {
  applyAccountSnapshot,
  applyOrgSnapshot,
  applyResourcePolicySnapshot,
  markNoOrganization,
} from "./apply-import.js";
import { emptyModel, type PolicyModel, type Provenance } from "./policy-model.js";

/**
 * The policy model's history as the store keeps it: the imports a user ran, each at the time its data was
 * captured, and the trail's changes at their event times. Replaying it in time order gives the model; applying an
 * import after newer trail changes would overwrite them, so the order is what makes the model right.
 */
export type PolicyImport =
  | { kind: "iam"; snapshot: AccountSnapshot; from: Provenance }
  | { kind: "org"; snapshot: OrgSnapshot; from: Provenance }
  | { kind: "org-none"; from: Provenance }
  | { kind: "resource-policy"; snapshot: ResourcePolicySnapshot; from: Provenance };

export type PolicyImportKind = PolicyImport["kind"];

export type PolicyHistoryEntry =
  | { type: "import"; entry: PolicyImport }
  | { type: "change"; change: PolicyChange };

/** Applies one import to a model the caller owns. */
export function applyImport(model: PolicyModel, entry: PolicyImport): void {
  switch (entry.kind) {
    case "iam":
      applyAccountSnapshot(model, entry.snapshot, entry.from);
      return;
    case "org":
      applyOrgSnapshot(model, entry.snapshot, entry.from);
      return;
    case "org-none":
      markNoOrganization(model, entry.from);
      return;
    case "resource-policy":
      applyResourcePolicySnapshot(model, entry.snapshot, entry.from);
      return;
  }
}

/** When an entry took effect, epoch ms (NaN sorts first: a time nobody can read is the oldest). */
export function historyTime(entry: PolicyHistoryEntry): number {
  const t = Date.parse(entry.type === "import" ? entry.entry.from.at : entry.change.at);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * The model the history gives: every entry applied in time order. At the same instant an import goes first, so a
 * change made the moment the data was captured is applied over it (the model skips only strictly older changes).
 * The sort is stable: entries of one time keep the order given (the store's event id and position order).
 */
export function replayHistory(entries: readonly PolicyHistoryEntry[]): PolicyModel {
  const model = emptyModel();
  const ordered = entries
    .map((entry, i) => ({ entry, i, t: historyTime(entry) }))
    .sort((a, b) => a.t - b.t || rank(a.entry) - rank(b.entry) || a.i - b.i);
  for (const { entry } of ordered) applyHistoryEntry(model, entry);
  return model;
}

const rank = (e: PolicyHistoryEntry) => (e.type === "import" ? 0 : 1);

export function applyHistoryEntry(model: PolicyModel, entry: PolicyHistoryEntry): void {
  if (entry.type === "import") applyImport(model, entry.entry);
  else applyChange(model, entry.change);
}
